/*
 * Internal to the Appwrite transport: transport_appwrite.c (setting up,
 * refs as documents, the vtable) and appwrite_bucket.c (files in the
 * Storage bucket: names, chunked uploads, parts, downloads).  See
 * transport_appwrite.c for the layout.
 */
#ifndef AWM_TRANSPORT_APPWRITE_H
#define AWM_TRANSPORT_APPWRITE_H

#include "core/appwrite_api.h"
#include "core/transport.h"

#define AWM_AW_BUCKET "awm-objects"
#define AWM_AW_REFS "awm_refs"
#define AWM_AW_CHUNK (5 * 1024 * 1024)
#define AWM_APPWRITE_PAGE 1000

typedef struct aw_transport {
	awm_transport base;
	awm_appwrite *a;
	int ready;                   /* the bucket and awm_refs exist */
	uint64_t max_file;           /* the bucket's maximumFileSize */
} aw_transport;

/* Every item of a paged list (`member`: "files" or "documents"), in id order. */
int awm_aw_list_all(json_t **out, aw_transport *t, const char *path, const char *member);

/* The bucket's side of list, get, put (and create_exclusive) and remove. */
int awm_aw_bucket_list(aw_transport *t, awm_remote_files *out, const char *prefix);
int awm_aw_bucket_read(aw_transport *t, awm_buf *out, const char *name);
int awm_aw_bucket_write(aw_transport *t, const char *name, const void *data, size_t len);
int awm_aw_bucket_remove(aw_transport *t, const char *name);

#endif
