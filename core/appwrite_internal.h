/*
 * Internal to core/appwrite_*.c: collecting validation problems, and the
 * canonical forms that appwrite_schema.c (the model) and
 * appwrite_validate.c (files) share.
 */
#ifndef AWM_APPWRITE_INTERNAL_H
#define AWM_APPWRITE_INTERNAL_H

#include "core/appwrite_schema.h"

/* Problems found in one file (or one API answer), reported all at once. */
typedef struct awm_aw_problems {
	const char *file;        /* what each line starts with */
	awm_buf text;
	size_t nr;
} awm_aw_problems;

void awm_aw_problem(awm_aw_problems *p, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The canonical form of attribute `raw` of collection `coll`, or NULL with
 * the problems reported under `path`.  `live`: `raw` comes from the API,
 * so a status other than "available" is kept.
 */
json_t *awm_aw_canon_attribute(json_t *raw, const char *coll, awm_aw_problems *p,
			       const char *path, int live);

/* The same for an index (its attributes are checked by the caller). */
json_t *awm_aw_canon_index(json_t *raw, awm_aw_problems *p, const char *path, int live);

/* The canonical collection settings, or NULL with problems reported. */
json_t *awm_aw_canon_meta(json_t *raw, awm_aw_problems *p, const char *path);

/*
 * A boolean member of `raw` into `*out` (`dflt` when absent); -1 with a
 * problem reported when it is not true or false.
 */
int awm_aw_get_bool(int *out, json_t *raw, const char *name, int dflt, awm_aw_problems *p,
		    const char *path);

/* Characters of UTF-8 text: Appwrite's sizes count characters. */
size_t awm_aw_utf8_len(const char *s);

/* The attribute a two-way relationship `parent` of `coll` adds to its target. */
json_t *awm_aw_child_side(const json_t *parent, const char *coll);

/* Add a collection (the schema takes the references); keeps the order. */
awm_aw_collection *awm_aw_schema_add(awm_aw_schema *s, const char *id, json_t *meta,
				     json_t *attributes, json_t *indexes);

/* Sort a JSON array of objects by their "key". */
void awm_aw_sort_by_key(json_t *array);

#endif
