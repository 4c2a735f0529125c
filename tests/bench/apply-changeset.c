/*
 * Benchmark helper: apply a changeset file to a database file, failing on
 * any conflict.  The benchmarks compile it with cc, so that the meaning of
 * awm's and sqldiff's changesets can be compared by their effect.
 *
 *   apply-changeset <db> <changeset>
 */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

static int on_conflict(void *ctx, int type, sqlite3_changeset_iter *it)
{
	(void)ctx;
	(void)it;
	fprintf(stderr, "apply-changeset: conflict of type %d\n", type);
	return SQLITE_CHANGESET_ABORT;
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	FILE *f;
	long n;
	char *buf;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: apply-changeset <db> <changeset>\n");
		return 2;
	}
	if (!(f = fopen(argv[2], "rb")) || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0) {
		perror(argv[2]);
		return 1;
	}
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(argv[2]);
		return 1;
	}
	fclose(f);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
		fprintf(stderr, "apply-changeset: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	rc = sqlite3changeset_apply(db, (int)n, buf, NULL, on_conflict, NULL);
	if (rc != SQLITE_OK)
		fprintf(stderr, "apply-changeset: %s\n", sqlite3_errstr(rc));
	sqlite3_close(db);
	free(buf);
	return rc == SQLITE_OK ? 0 : 1;
}
