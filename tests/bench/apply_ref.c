/*
 * The reference for tests/bench/apply.sh: the least a program can do to
 * apply a changeset file to a database, stopping at the first conflict.
 *
 *   apply_ref <database> <changeset file>
 */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

static int on_conflict(void *ctx, int type, sqlite3_changeset_iter *it)
{
	(void)ctx; (void)type; (void)it;
	return SQLITE_CHANGESET_ABORT;
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	FILE *f;
	long n;
	char *cs;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: apply_ref <database> <changeset>\n");
		return 2;
	}
	if (!(f = fopen(argv[2], "rb")) || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(cs = malloc((size_t)n + 1)) ||
	    fread(cs, 1, (size_t)n, f) != (size_t)n) {
		perror(argv[2]);
		return 1;
	}
	fclose(f);
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	rc = sqlite3changeset_apply(db, (int)n, cs, NULL, on_conflict, NULL);
	if (rc != SQLITE_OK)
		fprintf(stderr, "apply: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
	free(cs);
	return rc == SQLITE_OK ? 0 : 1;
}
