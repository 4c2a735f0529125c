/*
 * What conflict_data.c (the check) hands conflict_resolve.c (settling,
 * reading rows): every row on which the two sides both made a change.
 */
#ifndef AWM_CONFLICT_INTERNAL_H
#define AWM_CONFLICT_INTERNAL_H

#include "core/conflict_data.h"

/* What resolve does with a row. */
enum {
	DC_UNSETTLED = 0,
	DC_OMIT,          /* apply their change onto ours with OMIT: ours wins */
	DC_REPLACE,       /* ... with REPLACE: theirs wins */
	DC_DROP,          /* leave our change to this row out */
	DC_KEEP,          /* keep our change as it is (the rebaser adjusts a delete) */
};

typedef struct dc_row {
	char *table;
	int ncol;
	unsigned char *pk;        /* ncol flags, as the changeset has them */
	int op;                   /* our change: SQLITE_INSERT, _UPDATE, _DELETE */
	int type;                 /* SQLITE_CHANGESET_DATA, ... */
	sqlite3_value **old;      /* ncol each; an entry is NULL where undefined */
	sqlite3_value **new;
	sqlite3_value **cur;      /* the row in the database, for DATA and CONFLICT */
	char *key;                /* "id=1", for people */
	awm_buf match;            /* the key values, changeset-encoded, for matching */
	int real;                 /* the sides made different changes: reported */
	size_t first, n;          /* its entries in the conflict list */
	int decision;
} dc_row;

struct data_rows {
	dc_row *v;
	size_t nr, alloc;
};

/* Same type and same bytes (a NULL pointer is an undefined value). */
int dc_value_equal(sqlite3_value *a, sqlite3_value *b);

/* The changeset encoding of a change's key: table name, then key values. */
void dc_match_key(awm_buf *out, const char *table, int ncol, const unsigned char *pk,
		  sqlite3_value **vals);

/* The first `ncol` column names of `table` in `db` (c0, c1, ... where unknown). */
char **dc_column_names(sqlite3 *db, const char *table, int ncol);
void dc_names_free(char **names, int ncol);

#endif
