/*
 * Helpers shared by the database tests: a seeded random generator, random
 * SQLite values and tables, applying changesets, and comparing two
 * databases table by table, value by value.
 *
 * Header-only (static functions) so each test_*.c stays one executable.
 */
#ifndef AWM_TEST_DBTEST_H
#define AWM_TEST_DBTEST_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fs.h"

/* Each test uses some of these helpers; the others must not warn. */
#define TEST_HELPER static __attribute__((unused))

typedef struct rng {
	uint64_t s;
} rng;

TEST_HELPER uint64_t rng_next(rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

TEST_HELPER int rng_int(rng *r, int n)
{
	return n <= 0 ? 0 : (int)(rng_next(r) % (uint64_t)n);
}

/* The seed: AWM_TEST_SEED, else fresh each run; printed so a failure repeats. */
TEST_HELPER uint64_t test_seed(const char *name)
{
	const char *env = getenv("AWM_TEST_SEED");
	uint64_t seed = env && *env ? strtoull(env, NULL, 0)
				    : ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();

	if (!seed)
		seed = 1;
	printf("# %s: AWM_TEST_SEED=%llu\n", name, (unsigned long long)seed);
	fflush(stdout);
	return seed;
}

TEST_HELPER int test_cases(int def)
{
	const char *env = getenv("AWM_TEST_CASES");

	return env && *env ? atoi(env) : def;
}

TEST_HELPER void must_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "SQL failed: %s\n  in: %s\n", err ? err : "?", sql);
		abort();
	}
}

/* Bind a random value: NULLs, edge integers, reals to the last bit, text, blobs. */
TEST_HELPER void bind_random(rng *r, sqlite3_stmt *st, int i, int big)
{
	static const double reals[] = { 0.0, -0.0, 1.0, -1.5, 0.1, 1e300, -1e-300, 5e-324,
					2.5e-310, 123456789.123456789, 3.0, 1e15 + 0.3 };
	static const int64_t ints[] = { 0, 1, -1, 127, 128, -129, 32767, 8388608,
					2147483648LL, -2147483649LL, 140737488355328LL,
					INT64_MAX, INT64_MIN };
	static const char *const texts[] = { "", "a", "O'Brien", "naïve ✓", "1", "2.5",
					     "  spaced  ", "line\nbreak", "ABC", "abc" };
	unsigned char blob[64];
	int k, n;
	uint64_t bits;
	double d;

	switch (rng_int(r, 9)) {
	case 0:
		sqlite3_bind_null(st, i);
		break;
	case 1:
		sqlite3_bind_int64(st, i, ints[rng_int(r, (int)(sizeof(ints) / sizeof(ints[0])))]);
		break;
	case 2:
		sqlite3_bind_int64(st, i, rng_int(r, 2000) - 1000);
		break;
	case 3:
		sqlite3_bind_double(st, i, reals[rng_int(r, (int)(sizeof(reals) / sizeof(reals[0])))]);
		break;
	case 4:
		do {
			bits = rng_next(r);
			memcpy(&d, &bits, sizeof(d));
		} while (isnan(d));
		sqlite3_bind_double(st, i, d);
		break;
	case 5:
		sqlite3_bind_text(st, i, texts[rng_int(r, (int)(sizeof(texts) / sizeof(texts[0])))],
				  -1, SQLITE_TRANSIENT);
		break;
	case 6:
		if (big && rng_int(r, 3) == 0) {
			/* Long enough to spill into overflow pages. */
			n = 3000 + rng_int(r, 9000);
			char *t = malloc((size_t)n + 1);

			for (k = 0; k < n; k++)
				t[k] = (char)('a' + rng_int(r, 26));
			t[n] = '\0';
			sqlite3_bind_text(st, i, t, n, SQLITE_TRANSIENT);
			free(t);
			break;
		}
		/* fall through */
	case 7:
		n = rng_int(r, (int)sizeof(blob));
		for (k = 0; k < n; k++)
			blob[k] = (unsigned char)rng_next(r);
		sqlite3_bind_blob(st, i, blob, n, SQLITE_TRANSIENT);
		break;
	default: {
		char t[32];

		snprintf(t, sizeof(t), "v%d", rng_int(r, 100000));
		sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT);
	}
	}
}

/* Apply a changeset to the database file at `path`; returns the SQLite rc. */
TEST_HELPER int conflict_abort(void *ctx, int type, sqlite3_changeset_iter *it)
{
	(void)ctx; (void)it;
	fprintf(stderr, "changeset conflict of type %d\n", type);
	return SQLITE_CHANGESET_ABORT;
}

TEST_HELPER int apply_changeset(sqlite3 *db, const void *cs, size_t n, int invert)
{
	void *inv = NULL;
	int ninv = 0, rc;

	if (invert) {
		if ((rc = sqlite3changeset_invert((int)n, cs, &ninv, &inv)) != SQLITE_OK)
			return rc;
		cs = inv;
		n = (size_t)ninv;
	}
	rc = sqlite3changeset_apply(db, (int)n, (void *)cs, NULL, conflict_abort, NULL);
	sqlite3_free(inv);
	return rc;
}

/* 1 when the bytes form a changeset sqlite3changeset_start can walk to the end. */
TEST_HELPER int changeset_walks(const void *cs, size_t n)
{
	sqlite3_changeset_iter *it;
	int rc = sqlite3changeset_start(&it, (int)n, (void *)cs);

	if (rc != SQLITE_OK)
		return 0;
	while ((rc = sqlite3changeset_next(it)) == SQLITE_ROW)
		;
	return sqlite3changeset_finalize(it) == SQLITE_OK && rc == SQLITE_DONE;
}

/*
 * Values equal: strictly (same type and bytes; REAL bit for bit), or
 * loosely as SQL's IS does (1 IS 1.0, 0.0 IS -0.0), which is what sqldiff
 * compares with.
 */
TEST_HELPER int same_value(sqlite3_value *a, sqlite3_value *b, int strict)
{
	int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
	double x, y;
	int n;

	if (!strict && ta != tb && (ta == SQLITE_INTEGER || ta == SQLITE_FLOAT) &&
	    (tb == SQLITE_INTEGER || tb == SQLITE_FLOAT))
		return sqlite3_value_double(a) == sqlite3_value_double(b);
	if (ta != tb)
		return 0;
	switch (ta) {
	case SQLITE_INTEGER:
		return sqlite3_value_int64(a) == sqlite3_value_int64(b);
	case SQLITE_FLOAT:
		x = sqlite3_value_double(a);
		y = sqlite3_value_double(b);
		return strict ? !memcmp(&x, &y, sizeof(x)) : x == y;
	case SQLITE_NULL:
		return 1;
	default:
		n = sqlite3_value_bytes(a);
		return n == sqlite3_value_bytes(b) &&
		       (!n || !memcmp(sqlite3_value_blob(a), sqlite3_value_blob(b), (size_t)n));
	}
}

/*
 * Compare two databases: the same sqlite_schema rows, and in every table
 * the same rows (ordered by every column, byte-wise).  Prints the first
 * difference; returns 1 when they are equal.
 */
TEST_HELPER int same_database(sqlite3 *a, sqlite3 *b, int strict)
{
	static const char tables[] =
		"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
		"AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name";
	static const char schema[] =
		"SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' "
		"ORDER BY type, name";
	sqlite3_stmt *sa, *sb, *t;
	int ok = 1, ra, rb, i, n;

	sqlite3_prepare_v2(a, schema, -1, &sa, NULL);
	sqlite3_prepare_v2(b, schema, -1, &sb, NULL);
	while (ok) {
		ra = sqlite3_step(sa);
		rb = sqlite3_step(sb);
		if (ra != rb) {
			ok = 0;
			fprintf(stderr, "schemas differ in the number of entries\n");
		} else if (ra != SQLITE_ROW) {
			break;
		}
		for (i = 0; ok && i < 4; i++)
			if (!same_value(sqlite3_column_value(sa, i), sqlite3_column_value(sb, i), 1)) {
				fprintf(stderr, "schemas differ: %s / %s\n", sqlite3_column_text(sa, 3),
					sqlite3_column_text(sb, 3));
				ok = 0;
			}
	}
	sqlite3_finalize(sa);
	sqlite3_finalize(sb);
	sqlite3_prepare_v2(a, tables, -1, &t, NULL);
	while (ok && sqlite3_step(t) == SQLITE_ROW) {
		awm_buf sql = AWM_BUF_INIT;
		const char *name = (const char *)sqlite3_column_text(t, 0);
		sqlite3_stmt *cols;

		awm_buf_printf(&sql, "SELECT * FROM \"%s\" ORDER BY ", name);
		sqlite3_prepare_v2(a, "SELECT name FROM pragma_table_info(?1)", -1, &cols, NULL);
		sqlite3_bind_text(cols, 1, name, -1, SQLITE_STATIC);
		for (n = 0; sqlite3_step(cols) == SQLITE_ROW; n++)
			awm_buf_printf(&sql, "%s\"%s\" COLLATE BINARY", n ? ", " : "",
				       sqlite3_column_text(cols, 0));
		sqlite3_finalize(cols);
		if (sqlite3_prepare_v2(a, sql.ptr, -1, &sa, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(b, sql.ptr, -1, &sb, NULL) != SQLITE_OK) {
			fprintf(stderr, "cannot read %s: %s\n", name, sqlite3_errmsg(b));
			ok = 0;
		}
		while (ok) {
			ra = sqlite3_step(sa);
			rb = sqlite3_step(sb);
			if (ra != rb) {
				fprintf(stderr, "table %s: different row counts\n", name);
				ok = 0;
				break;
			}
			if (ra != SQLITE_ROW)
				break;
			for (i = 0; i < n; i++)
				if (!same_value(sqlite3_column_value(sa, i),
						sqlite3_column_value(sb, i), strict)) {
					fprintf(stderr, "table %s: column %d differs: %s vs %s\n", name,
						i, sqlite3_column_text(sa, i), sqlite3_column_text(sb, i));
					ok = 0;
					break;
				}
		}
		sqlite3_finalize(sa);
		sqlite3_finalize(sb);
		awm_buf_release(&sql);
	}
	sqlite3_finalize(t);
	return ok;
}

/* Read a whole file into `out`; aborts when it cannot. */
TEST_HELPER void slurp(awm_buf *out, const char *path)
{
	awm_buf_clear(out);
	if (awm_fs_read_file(out, path) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		abort();
	}
}

/* Copy a file without syncing it: tests need no durability, only speed. */
TEST_HELPER void copy_fast(const char *from, const char *to)
{
	awm_buf data = AWM_BUF_INIT;
	FILE *f;

	slurp(&data, from);
	if (!(f = fopen(to, "wb")) || fwrite(data.ptr, 1, data.size, f) != data.size) {
		fprintf(stderr, "cannot write %s\n", to);
		abort();
	}
	fclose(f);
	awm_buf_release(&data);
}

/* A fresh temporary folder; its path is returned (caller frees, removes). */
TEST_HELPER char *test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p = awm_printf_alloc("%s/awm-unit-XXXXXX", base && *base ? base : "/tmp");

	if (!mkdtemp(p)) {
		perror("mkdtemp");
		abort();
	}
	return p;
}

TEST_HELPER sqlite3 *open_file(const char *path)
{
	sqlite3 *db;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "cannot open %s\n", path);
		abort();
	}
	must_exec(db, "PRAGMA synchronous = OFF");
	return db;
}

/* Random tables: shapes every diff must handle. */
static const char *const col_types[] = {
	"", "INTEGER", "REAL", "TEXT", "BLOB", "NUMERIC", "VARCHAR(10)", "DOUBLE",
};
static const char *const key_types[] = { "TEXT", "INTEGER", "", "BLOB", "REAL" };

#define NTYPES(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef struct table_spec {
	int kind;          /* 0 IPK, 1 rowid + composite key, 2 WITHOUT ROWID, 3 text key WITHOUT ROWID */
	int nkey, ncol;
	int added;         /* an ADD COLUMN happened after some rows */
} table_spec;

/* Key values: never NULL, a mix of types when the column is untyped. */
TEST_HELPER void bind_key(rng *r, sqlite3_stmt *st, int i)
{
	char t[32];

	switch (rng_int(r, 4)) {
	case 0:
		sqlite3_bind_int64(st, i, rng_int(r, 500) - 100);
		break;
	case 1:
		/* Never integral: 40.0 and 40 are one key to SQLite (see dbdiff_sql.c). */
		sqlite3_bind_double(st, i, (rng_int(r, 400) - 100) / 4.0 + 0.125);
		break;
	case 2:
		snprintf(t, sizeof(t), "k%d", rng_int(r, 300));
		sqlite3_bind_blob(st, i, t, (int)strlen(t), SQLITE_TRANSIENT);
		break;
	default:
		snprintf(t, sizeof(t), rng_int(r, 2) ? "K%d" : "k%d", rng_int(r, 300));
		sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT);
	}
}

TEST_HELPER void create_table(rng *r, sqlite3 *db, int ti, table_spec *s)
{
	awm_buf sql = AWM_BUF_INIT;
	int i, order[3] = { 0, 1, 2 };

	s->kind = rng_int(r, 4);
	s->nkey = s->kind == 0 || s->kind == 3 ? 1 : 1 + rng_int(r, 3);
	s->ncol = 1 + rng_int(r, 4);
	awm_buf_printf(&sql, "CREATE TABLE t%d(", ti);
	if (s->kind == 0)
		awm_buf_puts(&sql, "id INTEGER PRIMARY KEY");
	else if (s->kind == 3)
		awm_buf_puts(&sql, "k0 TEXT PRIMARY KEY");
	else
		for (i = 0; i < s->nkey; i++)
			awm_buf_printf(&sql, "%sk%d %s", i ? ", " : "", i,
				       key_types[rng_int(r, NTYPES(key_types))]);
	for (i = 0; i < s->ncol; i++)
		awm_buf_printf(&sql, ", c%d %s", i, col_types[rng_int(r, NTYPES(col_types))]);
	if (s->kind == 1 || s->kind == 2) {
		for (i = s->nkey - 1; i > 0; i--) {
			int j = rng_int(r, i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		awm_buf_puts(&sql, ", PRIMARY KEY(");
		for (i = 0; i < s->nkey; i++)
			awm_buf_printf(&sql, "%sk%d", i ? ", " : "", order[i]);
		awm_buf_putc(&sql, ')');
	}
	awm_buf_puts(&sql, s->kind >= 2 ? ") WITHOUT ROWID" : ")");
	must_exec(db, sql.ptr);
	awm_buf_release(&sql);
}

/* Insert `n` random rows (keys may collide: those are skipped). */
TEST_HELPER void insert_rows(rng *r, sqlite3 *db, int ti, const table_spec *s, int n, int big)
{
	awm_buf sql = AWM_BUF_INIT;
	sqlite3_stmt *st;
	int i, k, nvals = s->nkey + s->ncol + s->added;

	awm_buf_printf(&sql, "INSERT OR IGNORE INTO t%d VALUES(", ti);
	for (i = 0; i < nvals; i++)
		awm_buf_printf(&sql, "%s?", i ? ", " : "");
	awm_buf_putc(&sql, ')');
	if (sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL) != SQLITE_OK)
		abort();
	for (k = 0; k < n; k++) {
		for (i = 1; i <= s->nkey; i++) {
			if (s->kind == 0)
				sqlite3_bind_int64(st, i, rng_int(r, 4) ? rng_int(r, 5 * n + 10) :
						   (int64_t)rng_next(r));
			else
				bind_key(r, st, i);
		}
		for (; i <= nvals; i++)
			bind_random(r, st, i, big);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	awm_buf_release(&sql);
}

/* Delete, update and insert rows of b's copy of a table. */
TEST_HELPER void change_rows(rng *r, sqlite3 *db, int ti, const table_spec *s, int n, int big)
{
	awm_buf sql = AWM_BUF_INIT;
	sqlite3_stmt *st;
	int ncols = s->ncol + s->added, col;

	awm_buf_printf(&sql, "DELETE FROM t%d WHERE abs(random()) %% 10 = 0", ti);
	must_exec(db, sql.ptr);
	for (col = 0; col < ncols; col++) {
		awm_buf_clear(&sql);
		if (col < s->ncol)
			awm_buf_printf(&sql, "UPDATE t%d SET c%d = ?1 WHERE abs(random()) %% 7 = 0",
				       ti, col);
		else
			awm_buf_printf(&sql, "UPDATE t%d SET extra = ?1 WHERE abs(random()) %% 7 = 0",
				       ti);
		sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL);
		bind_random(r, st, 1, big);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	insert_rows(r, db, ti, s, 1 + n / 5, big);
	awm_buf_release(&sql);
}

#endif
