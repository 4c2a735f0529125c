"""Appwrite's error responses: {message, code, type, version}, with the real type names.

Every failure inside the stand-in raises ApiError(type, message); the HTTP layer
turns it into the JSON body Appwrite 1.7 sends.  The table gives each type its
HTTP status and Appwrite's default message, so a raise without a message reads
like the real server's.
"""

VERSION = "1.7.4"

# type -> (HTTP status, default message)
ERRORS = {
    "general_unknown": (500, "An unknown error has occured. Please check the logs for more information."),
    "general_server_error": (500, "An internal server error occurred."),
    "general_argument_invalid": (400, "The request contains one or more invalid arguments. Please refer to the endpoint documentation."),
    "general_query_invalid": (400, "The query's syntax is invalid. Please check the query and try again."),
    "general_query_limit_exceeded": (400, "Query limit exceeded for the current attribute. Usage of more than 100 query values on a single attribute is prohibited."),
    "general_cursor_not_found": (400, "The cursor is invalid. This can happen if the item represented by the cursor has been deleted."),
    "general_route_not_found": (404, "The requested route was not found. Please refer to the API docs and try again."),
    "general_unauthorized_scope": (401, "The current user or API key does not have the required scopes to access the requested resource."),
    "general_rate_limit_exceeded": (429, "Rate limit for the current endpoint has been exceeded. Please try again after some time."),
    "user_unauthorized": (401, "The current user is not authorized to perform the requested action."),
    "project_not_found": (404, "Project with the requested ID could not be found. Please check the value of the X-Appwrite-Project header to ensure the correct project ID is being used."),
    "database_not_found": (404, "Database not found"),
    "database_already_exists": (409, "Database already exists"),
    "collection_not_found": (404, "Collection with the requested ID could not be found."),
    "collection_already_exists": (409, "A collection with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID."),
    "document_not_found": (404, "Document with the requested ID could not be found."),
    "document_invalid_structure": (400, "The document structure is invalid. Please ensure the attributes match the collection definition."),
    "document_missing_data": (400, "The document data is missing. Try again with document data populated"),
    "document_missing_payload": (400, "The document data and permissions are missing. You must provide either document data or permissions to be updated."),
    "document_already_exists": (409, "Document with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID."),
    "document_update_conflict": (409, "Remote document is newer than local."),
    "attribute_not_found": (404, "Attribute with the requested ID could not be found."),
    "attribute_unknown": (400, "The attribute required for the index could not be found. Please confirm all your attributes are in the available state."),
    "attribute_not_available": (400, "The requested attribute is not yet available. Please try again later."),
    "attribute_format_unsupported": (400, "The requested attribute format is not supported."),
    "attribute_default_unsupported": (400, "Default values cannot be set for array or required attributes."),
    "attribute_already_exists": (409, "Attribute with the requested key already exists. Attribute keys must be unique, try again with a different key."),
    "attribute_value_invalid": (400, "The attribute value is invalid. Please check the type, range and value of the attribute."),
    "attribute_type_invalid": (400, "The attribute type is invalid."),
    "index_not_found": (404, "Index with the requested ID could not be found."),
    "index_already_exists": (409, "Index with the requested key already exists. Try again with a different key."),
    "index_invalid": (400, "Index invalid."),
    "storage_file_not_found": (404, "The requested file could not be found."),
    "storage_file_already_exists": (409, "A storage file with the requested ID already exists."),
    "storage_file_empty": (400, "Empty file passed to the endpoint."),
    "storage_file_type_unsupported": (400, "The given file extension is not supported."),
    "storage_invalid_file_size": (400, "The file size is either not valid or exceeds the maximum allowed size. Please check the file or the value of the _APP_STORAGE_LIMIT environment variable."),
    "storage_invalid_file": (403, "The uploaded file is invalid. Please check the file and try again."),
    "storage_bucket_not_found": (404, "Storage bucket with the requested ID could not be found."),
    "storage_bucket_already_exists": (409, "A storage bucket with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID."),
    "storage_invalid_content_range": (400, "The content range is invalid. Please check the value of the Content-Range header."),
    "storage_invalid_range": (416, "The requested range is not satisfiable. Please check the value of the Range header."),
    "storage_invalid_appwrite_id": (400, "The value for x-appwrite-id header is invalid. Please check the value of the x-appwrite-id header is a valid id and not unique()."),
}


class ApiError(Exception):
    """An Appwrite error; `code` overrides the table's status (the fault knobs use it)."""

    def __init__(self, type_, message=None, code=None):
        status, default = ERRORS[type_]
        super().__init__(message or default)
        self.type = type_
        self.message = message or default
        self.code = code or status

    def body(self):
        return {"message": self.message, "code": self.code, "type": self.type, "version": VERSION}


def invalid_param(name, why):
    """The utopia-php message for a parameter its validator refused."""
    return ApiError("general_argument_invalid", "Invalid `%s` param: %s" % (name, why))


def missing_param(name):
    return ApiError("general_argument_invalid", 'Param "%s" is not optional.' % name)
