/*
 * The reference for tests/bench/rebase.sh.
 *
 *   rebase_ref record <base db> <out> <list>
 *       run the up section of each migration file named in <list> (one
 *       path a line) on an in-memory copy of <base db>, in order, under a
 *       sqlite3session, and append each one's changeset to <out> (a 4-byte
 *       big-endian length, then the bytes): the changesets awm records
 *       for them on the same base
 *
 *   rebase_ref apply <db> <changesets>...
 *       apply every changeset of the files, in order, to <db> with
 *       sqlite3changeset_apply, in one transaction, stopping at the first
 *       conflict: the least a program can do to get the rebased database
 */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *p;

	if (!f || fseek(f, 0, SEEK_END) || (*len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(p = malloc((size_t)*len + 1)) || fread(p, 1, (size_t)*len, f) != (size_t)*len) {
		perror(path);
		exit(1);
	}
	p[*len] = '\0';
	fclose(f);
	return p;
}

static int on_conflict(void *ctx, int type, sqlite3_changeset_iter *it)
{
	(void)ctx; (void)type; (void)it;
	return SQLITE_CHANGESET_ABORT;
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

/* The text between "-- awm:up" and "-- awm:down" (or the end). */
static char *up_section(char *text)
{
	char *up = strstr(text, "-- awm:up\n"), *down;

	if (!up)
		return text;
	up += strlen("-- awm:up\n");
	if ((down = strstr(up, "-- awm:down")))
		*down = '\0';
	return up;
}

static int record(const char *base, const char *out, const char *list)
{
	sqlite3 *disk = NULL, *db = NULL;
	sqlite3_backup *b;
	FILE *o = fopen(out, "wb");
	long n;
	char *names = slurp(list, &n), *line, *save = NULL;

	if (!o || sqlite3_open_v2(base, &disk, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_open(":memory:", &db) != SQLITE_OK)
		die(disk, base);
	if (!(b = sqlite3_backup_init(db, "main", disk, "main")) ||
	    sqlite3_backup_step(b, -1) != SQLITE_DONE)
		die(db, "copy");
	sqlite3_backup_finish(b);
	sqlite3_close(disk);
	for (line = strtok_r(names, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		sqlite3_session *s;
		char *text = slurp(line, &n), *err = NULL;
		unsigned char len[4];
		void *cs;
		int ncs;

		if (sqlite3session_create(db, "main", &s) != SQLITE_OK ||
		    sqlite3session_attach(s, NULL) != SQLITE_OK)
			die(db, "session");
		if (sqlite3_exec(db, up_section(text), NULL, NULL, &err) != SQLITE_OK) {
			fprintf(stderr, "%s: %s\n", line, err);
			return 1;
		}
		if (sqlite3session_changeset(s, &ncs, &cs) != SQLITE_OK)
			die(db, "changeset");
		len[0] = (unsigned char)(ncs >> 24);
		len[1] = (unsigned char)(ncs >> 16);
		len[2] = (unsigned char)(ncs >> 8);
		len[3] = (unsigned char)ncs;
		fwrite(len, 1, 4, o);
		fwrite(cs, 1, (size_t)ncs, o);
		sqlite3_free(cs);
		sqlite3session_delete(s);
		free(text);
	}
	sqlite3_close(db);
	free(names);
	return fclose(o) == 0 ? 0 : 1;
}

static int apply(const char *path, int nfiles, char **files)
{
	sqlite3 *db = NULL;
	int i;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die(db, path);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		die(db, "begin");
	for (i = 0; i < nfiles; i++) {
		long n, at = 0;
		unsigned char *all = (unsigned char *)slurp(files[i], &n);

		while (at + 4 <= n) {
			int len = all[at] << 24 | all[at + 1] << 16 | all[at + 2] << 8 | all[at + 3];

			if (sqlite3changeset_apply(db, len, all + at + 4, NULL, on_conflict,
						   NULL) != SQLITE_OK)
				die(db, "apply");
			at += 4 + len;
		}
		free(all);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die(db, "commit");
	sqlite3_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "record"))
		return record(argv[2], argv[3], argv[4]);
	if (argc >= 4 && !strcmp(argv[1], "apply"))
		return apply(argv[2], argc - 3, argv + 3);
	fprintf(stderr, "usage: rebase_ref record <base db> <out> <list>\n"
		"       rebase_ref apply <db> <changesets>...\n");
	return 2;
}
