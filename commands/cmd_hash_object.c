/*
 * awm hash-object: compute object ids, and store objects.
 */
#include "commands/commands.h"
#include "core/changeset.h"
#include "core/fs.h"
#include "objects/commit.h"
#include "objects/packwriter.h"
#include "objects/schema.h"
#include "objects/snapshot.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: awm hash-object [-w] [-t <type>] [--no-filters] (--stdin | --stdin-paths | <file>...)\n"
	"\n"
	"Print the object id of each file's content.  Text (no NUL byte in its\n"
	"first 8000 bytes) is hashed with CRLF turned into LF, so a Windows\n"
	"checkout hashes the same.  Changesets, schemas and commits are validated.\n"
	"\n"
	"  -w                   also write the objects into the store; many at once\n"
	"                       go into one pack\n"
	"  -t <type>            blob (default), changeset, schema, commit, page or\n"
	"                       snapshot\n"
	"  --stdin              read one object from standard input\n"
	"  --stdin-paths        read file paths from standard input, one per line\n"
	"  --no-filters         hash the bytes as they are, without CRLF conversion\n";

/* Below this many objects, -w writes loose files instead of a pack. */
#define LOOSE_LIMIT 64

typedef struct hash_ctx {
	awm_cli *cli;
	awm_otype type;
	int write, literally;
	awm_packwriter *pw;
	awm_buf data;
	size_t done;
} hash_ctx;

static int is_text(const awm_buf *b)
{
	return memchr(b->ptr, '\0', b->size < 8000 ? b->size : 8000) == NULL;
}

static int validate(const hash_ctx *h, const char *what)
{
	awm_schema *s;
	awm_commit *c;
	int rc = 0;

	switch (h->type) {
	case AWM_OBJ_CHANGESET:
		return awm_changeset_validate(h->data.ptr, h->data.size, what);
	case AWM_OBJ_SCHEMA:
		if ((rc = awm_schema_parse(&s, h->data.ptr, h->data.size)) == 0)
			awm_schema_free(s);
		break;
	case AWM_OBJ_SNAPSHOT: {
		awm_snapshot *snap;

		if ((rc = awm_snapshot_parse(&snap, h->data.ptr, h->data.size)) == 0)
			awm_snapshot_free(snap);
		break;
	}
	case AWM_OBJ_PAGE: {
		awm_oid base;
		int kind;

		rc = awm_page_parse(&kind, &base, h->data.ptr, h->data.size);
		break;
	}
	case AWM_OBJ_COMMIT:
		if ((rc = awm_commit_parse(&c, NULL, h->data.ptr, h->data.size)) == 0)
			awm_commit_free(c);
		break;
	default:
		break;
	}
	if (rc < 0)
		awm_error_prefix("%s", what);
	return rc;
}

static int hash_one(hash_ctx *h, const char *what)
{
	awm_oid oid;
	int rc;

	if (h->type == AWM_OBJ_BLOB && !h->literally && is_text(&h->data))
		awm_crlf_to_lf(&h->data);
	if ((rc = validate(h, what)) < 0)
		return rc;
	if (h->write)
		rc = awm_packwriter_add(h->pw, &oid, h->type, h->data.ptr, h->data.size);
	else
		awm_oid_hash(&oid, h->type, h->data.ptr, h->data.size);
	if (rc == 0)
		printf("%s\n", awm_oid_tohex(&oid).s);
	h->done++;
	if (h->done % 1024 == 0)
		cli_progress("Hashing objects", h->done, 0, h->cli);
	return rc;
}

static int hash_file(hash_ctx *h, const char *path)
{
	int rc;

	awm_buf_clear(&h->data);
	if ((rc = awm_fs_read_file(&h->data, path)) < 0)
		return rc;
	return hash_one(h, path);
}

static int hash_stdin_paths(hash_ctx *h)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n)
			rc = hash_file(h, line);
	}
	free(line);
	return rc;
}

static int exec(awm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stdin", no_argument, NULL, 'i' },
		{ "stdin-paths", no_argument, NULL, 'P' },
		{ "no-filters", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	hash_ctx h;
	int c, from_stdin = 0, paths = 0, i, rc = 0;

	memset(&h, 0, sizeof(h));
	h.cli = cli;
	h.type = AWM_OBJ_BLOB;
	awm_buf_init(&h.data);
	while ((c = cli_getopt(cli, argc, argv, "wt:h", opts)) != -1) {
		switch (c) {
		case 'w': h.write = 1; break;
		case 't':
			if ((h.type = awm_otype_from_name(optarg)) == AWM_OBJ_NONE)
				return cli_usage_error(cli, "unknown object type '%s'", optarg);
			break;
		case 'i': from_stdin = 1; break;
		case 'P': paths = 1; break;
		case 'L': h.literally = 1; break;
		case 'h': return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (from_stdin + paths + (optind < argc) != 1)
		return cli_usage_error(cli, "give files, or one of --stdin and --stdin-paths");
	if (h.write && (rc = awm_repo_open(&cli->repo, NULL)) < 0)
		return cli_fail(rc);
	if (h.write)
		awm_packwriter_new(&h.pw, cli->repo->odb, LOOSE_LIMIT, 0);
	if (from_stdin) {
		if ((rc = awm_fs_read_file(&h.data, "/dev/stdin")) == 0)
			rc = hash_one(&h, "standard input");
	} else if (paths) {
		rc = hash_stdin_paths(&h);
	} else {
		for (i = optind; rc == 0 && i < argc; i++)
			rc = hash_file(&h, argv[i]);
	}
	if (rc == 0 && h.write)
		rc = awm_packwriter_commit(h.pw, NULL);
	if (h.done >= 1024)
		cli_progress("Hashing objects", h.done, h.done, cli);
	awm_packwriter_free(h.pw);
	awm_buf_release(&h.data);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

const cmd_entry cmd_hash_object_entry = {
	"hash-object", "compute object ids and store objects", usage, 0, exec,
};
