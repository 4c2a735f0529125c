"""Attribute types: what each create/update endpoint takes, its response model, value checks.

Appwrite 1.7 keeps a `type` (string, integer, double, boolean, datetime,
relationship) and for some strings a `format` (email, enum, url, ip); an
attribute's *kind* here is the format when there is one, else the type, and
decides how document values are checked.  The float endpoint makes type
"double", as the real server does.
"""

import ipaddress
import re
import urllib.parse

from .errors import ApiError, invalid_param, missing_param
from . import params as P

INT_MIN, INT_MAX = -(1 << 63), (1 << 63) - 1
FLOAT_MAX = 1.7976931348623157e308
STRING_MAX = 1073741824

# endpoint name -> (type, format)
ENDPOINTS = {
    "string": ("string", None), "email": ("string", "email"), "enum": ("string", "enum"),
    "url": ("string", "url"), "ip": ("string", "ip"), "integer": ("integer", None),
    "float": ("double", None), "boolean": ("boolean", None), "datetime": ("datetime", ""),
}
RELATION_TYPES = ("oneToOne", "manyToOne", "manyToMany", "oneToMany")
ON_DELETE = ("cascade", "restrict", "setNull")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def kind(attr):
    return attr.get("format") or attr["type"]


def model(attr):
    """The attribute as the API shows it: no private keys, no sequence."""
    return {k: v for k, v in attr.items() if not k.startswith("_") and k != "$sequence"}


def check_value(attr, value):
    """A document value for `attr`, normalised (datetimes), or a reason it is bad."""
    k = kind(attr)
    if k == "relationship":
        if value is None or isinstance(value, (str, dict, list)):
            return value, None
        return None, "Value must be a valid document ID, document or list of them"
    if k == "string":
        if isinstance(value, str) and len(value) <= attr["size"]:
            return value, None
        return None, "Value must be a valid string and no longer than %d chars" % attr["size"]
    if k == "email":
        return (value, None) if isinstance(value, str) and _EMAIL.match(value) else \
            (None, "Value must be a valid email address")
    if k == "url":
        ok = isinstance(value, str) and urllib.parse.urlparse(value).scheme in ("http", "https") \
            and urllib.parse.urlparse(value).netloc
        return (value, None) if ok else (None, "Value must be a valid URL")
    if k == "ip":
        try:
            ipaddress.ip_address(value)
            return value, None
        except (ValueError, TypeError):
            return None, "Value must be a valid IP address"
    if k == "enum":
        if isinstance(value, str) and value in attr["elements"]:
            return value, None
        return None, "Value must be one of (%s)" % ", ".join(attr["elements"])
    if k in ("integer", "double"):
        is_num = isinstance(value, int) if k == "integer" else isinstance(value, (int, float))
        if not is_num or isinstance(value, bool):
            return None, "Value must be a valid %s" % ("integer" if k == "integer" else "float")
        if not attr["min"] <= value <= attr["max"]:
            return None, "Value must be a valid range between %s and %s" % (
                format(attr["min"], ","), format(attr["max"], ","))
        return (float(value) if k == "double" else value), None  # PHP prints 1.0
    if k == "boolean":
        return (value, None) if isinstance(value, bool) else (None, "Value must be a valid boolean")
    if k == "datetime":
        t = P.parse_time(value)
        return (P.fmt_time(t), None) if t is not None else (None, "Value must be valid date")
    return None, "Unknown attribute type"


def _default(params, attr, required_param):
    """The `default` parameter: present (maybe null) on updates, optional on creates."""
    if required_param and "default" not in params:
        raise missing_param("default")
    value = params.get("default")
    if value is None:
        return None
    if attr["required"]:
        raise ApiError("attribute_default_unsupported",
                       "Cannot set default value for required attribute")
    if attr.get("array"):
        raise ApiError("attribute_default_unsupported",
                       "Cannot set default value for array attributes")
    good, why = check_value(attr, value)
    if why:
        raise invalid_param("default", why)
    return good


def _range(params, attr, k, update):
    lo_all, hi_all = (INT_MIN, INT_MAX) if k == "integer" else (-FLOAT_MAX, FLOAT_MAX)
    for name, fallback in (("min", lo_all), ("max", hi_all)):
        value = params.get(name)
        if value is None:
            attr[name] = attr.get(name, fallback) if update else fallback
        elif isinstance(value, bool) or not isinstance(value, int if k == "integer" else (int, float)):
            raise invalid_param(name, "Value must be a valid %s" % ("integer" if k == "integer" else "float"))
        else:
            attr[name] = float(value) if k == "double" else value
    if attr["min"] > attr["max"]:
        raise ApiError("general_argument_invalid", "Minimum value must be lesser than maximum value")


def create(params, endpoint):
    """A new attribute from a create request (without lifecycle fields)."""
    typ, fmt = ENDPOINTS[endpoint]
    attr = {"key": P.key(params), "type": typ, "status": "processing", "error": "",
            "required": P.boolean(params, "required"),
            "array": P.boolean(params, "array", False)}
    if fmt is not None:
        attr["format"] = fmt
    if endpoint == "string":
        attr["size"] = P.integer(params, "size", lo=1, hi=STRING_MAX)
        attr["encrypt"] = P.boolean(params, "encrypt", False)
    elif endpoint == "enum":
        attr["elements"] = _elements(params)
    elif typ in ("integer", "double"):
        _range(params, attr, typ, update=False)
    attr["default"] = _default(params, attr, required_param=False)
    return attr


def _elements(params):
    elements = P.string_list(params, "elements")
    if not elements or any(not e or len(e) > 255 for e in elements):
        raise invalid_param("elements", "Value must a valid array no longer than 100 items "
                            "and Value must be a valid string and at least 1 chars and no "
                            "longer than 255 chars")
    return elements


def update(attr, params, endpoint):
    """Apply an update request to an existing attribute; returns its new key."""
    typ, fmt = ENDPOINTS[endpoint]
    if attr["type"] != typ or (fmt is not None and attr.get("format") != fmt):
        raise ApiError("attribute_type_invalid", "Attribute type mismatch")
    trial = dict(attr)
    trial["required"] = P.boolean(params, "required")
    if endpoint == "string" and params.get("size") is not None:
        trial["size"] = P.integer(params, "size", lo=1, hi=STRING_MAX)
    elif endpoint == "enum":
        trial["elements"] = _elements(params)
    elif typ in ("integer", "double"):
        _range(params, trial, typ, update=True)
    trial["default"] = _default(params, trial, required_param=True)
    new_key = params.get("newKey")
    if new_key is not None:
        trial["key"] = P.check_id("newKey", new_key)
    attr.update(trial)
    return attr["key"]


def relationship(params, collection_id):
    """A new relationship attribute (the parent side) from its create request."""
    related = P.check_id("relatedCollectionId", P.get(params, "relatedCollectionId"))
    rtype = P.get(params, "type")
    if rtype not in RELATION_TYPES:
        raise invalid_param("type", "Value must be one of (%s)" % ", ".join(RELATION_TYPES))
    on_delete = params.get("onDelete") or "restrict"
    if on_delete not in ON_DELETE:
        raise invalid_param("onDelete", "Value must be one of (%s)" % ", ".join(ON_DELETE))
    key = P.check_id("key", params.get("key") or related)
    two_way_key = P.check_id("twoWayKey", params.get("twoWayKey") or collection_id)
    return {"key": key, "type": "relationship", "status": "processing", "error": "",
            "required": False, "array": False, "relatedCollection": related,
            "relationType": rtype, "twoWay": P.boolean(params, "twoWay", False),
            "twoWayKey": two_way_key, "onDelete": on_delete, "side": "parent"}


def child_side(parent, collection_id):
    """The attribute a two-way relationship adds to the related collection."""
    child = dict(parent)
    child.update({"key": parent["twoWayKey"], "relatedCollection": collection_id,
                  "twoWayKey": parent["key"], "side": "child"})
    return child
