/*
 * The object types.  The numbers appear in pack and loose-object headers
 * (docs/format.md), so they never change; new types get new numbers.
 */
#ifndef AWM_OBJECT_TYPE_H
#define AWM_OBJECT_TYPE_H

typedef enum awm_otype {
	AWM_OBJ_NONE = 0,
	AWM_OBJ_BLOB = 1,
	AWM_OBJ_CHANGESET = 2,
	AWM_OBJ_SCHEMA = 3,
	AWM_OBJ_COMMIT = 4,
	AWM_OBJ_PAGE = 5,        /* one page of a database image (snapshot.h) */
	AWM_OBJ_SNAPSHOT = 6,    /* a database image: the list of its pages */
} awm_otype;

#define AWM_OBJ_MAX AWM_OBJ_SNAPSHOT

/* "blob", "changeset", ...; NULL for an unknown type. */
const char *awm_otype_name(awm_otype type);

/* AWM_OBJ_NONE for an unknown name. */
awm_otype awm_otype_from_name(const char *name);

#endif
