/*
 * The fast-import stream reader (see fast_import.h).
 */
#include "core/fast_import.h"
#include "core/commit_graph.h"
#include "core/error.h"
#include "core/refs.h"
#include "core/revparse.h"
#include "objects/commit.h"
#include "objects/packwriter.h"
#include "objects/schema.h"

#include <stdlib.h>
#include <string.h>

typedef struct mark {
	awm_oid commit, schema;
	int set;
} mark;

typedef struct tip {
	char *ref;
	awm_oid start, now, now_schema;
	int had_start, has_now;
} tip;

typedef struct reader {
	const char *p, *end;
	size_t line;
	awm_repo *repo;
	awm_packwriter *pw;
	mark *marks;
	size_t nmarks;
	tip *tips;
	size_t ntips, atips;
	awm_oid empty_schema;
} reader;

static int syntax(reader *r, const char *what)
{
	return awm_error_set(AWM_EINVALID, "fast-import stream, line %zu: %s", r->line, what);
}

/* The next line without its newline; NULL at the end. */
static const char *next_line(reader *r, size_t *len)
{
	const char *start = r->p, *nl;

	if (r->p >= r->end)
		return NULL;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	*len = nl ? (size_t)(nl - r->p) : (size_t)(r->end - r->p);
	r->p = nl ? nl + 1 : r->end;
	r->line++;
	return start;
}

static int starts(const char *line, size_t len, const char *word, const char **rest)
{
	size_t n = strlen(word);

	if (len < n || memcmp(line, word, n) || (len > n && line[n] != ' '))
		return 0;
	*rest = len > n ? line + n + 1 : line + n;
	return 1;
}

/* "<n>" then a newline then n bytes, then an optional newline. */
static int read_data(reader *r, const char *count, size_t clen, awm_buf *out)
{
	char *end;
	unsigned long long n = strtoull(count, &end, 10);
	size_t i;

	if (end != count + clen || clen == 0)
		return syntax(r, "expected a byte count");
	if ((unsigned long long)(r->end - r->p) < n)
		return syntax(r, "data runs past the end of the stream");
	awm_buf_clear(out);
	awm_buf_put(out, r->p, (size_t)n);
	for (i = 0; i < n; i++)
		if (r->p[i] == '\n')
			r->line++;
	r->p += n;
	if (r->p < r->end && *r->p == '\n') {
		r->p++;
		r->line++;
	}
	return 0;
}

static int lookup_rev(reader *r, awm_oid *commit, awm_oid *schema, const char *s, size_t len)
{
	char *spec = awm_strndup(s, len);
	awm_commit *c;
	int rc = 0;

	if (spec[0] == ':') {
		unsigned long m = strtoul(spec + 1, NULL, 10);

		if (m == 0 || m > r->nmarks || !r->marks[m - 1].set)
			rc = syntax(r, "unknown mark");
		else {
			*commit = r->marks[m - 1].commit;
			*schema = r->marks[m - 1].schema;
		}
	} else if ((rc = awm_revparse(commit, r->repo, spec)) == 0 &&
		   (rc = awm_commit_read(&c, r->repo->odb, commit)) == 0) {
		*schema = c->schema;
		awm_commit_free(c);
	}
	free(spec);
	return rc;
}

static tip *tip_for(reader *r, const char *ref)
{
	size_t i;
	tip *t;

	for (i = 0; i < r->ntips; i++)
		if (!strcmp(r->tips[i].ref, ref))
			return &r->tips[i];
	AWM_ARRAY_GROW(r->tips, r->ntips + 1, r->atips);
	t = &r->tips[r->ntips++];
	memset(t, 0, sizeof(*t));
	t->ref = awm_strdup(ref);
	t->had_start = awm_ref_lookup(&t->start, r->repo, ref) == 0;
	t->now = t->start;
	t->now_schema = r->empty_schema;
	t->has_now = t->had_start;
	if (t->had_start) {
		awm_commit *c;

		if (awm_commit_read(&c, r->repo->odb, &t->start) == 0) {
			t->now_schema = c->schema;
			awm_commit_free(c);
		}
	}
	awm_error_clear();
	return t;
}

static int add_blob(reader *r, awm_oid *out, int *has, awm_otype type, const awm_buf *b)
{
	*has = 1;
	return awm_packwriter_add(r->pw, out, type, b->ptr, b->size);
}

static int read_commit(reader *r, const char *ref_s, size_t ref_len)
{
	awm_commit *c = awm_commit_new();
	awm_buf data = AWM_BUF_INIT, ref = AWM_BUF_INIT;
	unsigned long markno = 0;
	awm_oid parent_schema = r->empty_schema;
	int has_from = 0, has_schema = 0, rc = 0;
	const char *line, *rest;
	size_t len;
	tip *t;

	awm_buf_put(&ref, ref_s, ref_len);
	if (awm_refname_check(ref.ptr) < 0 || !strncmp(ref.ptr, "HEAD", 4)) {
		rc = syntax(r, "'commit' needs a full ref name such as refs/heads/main");
		goto done;
	}
	t = tip_for(r, ref.ptr);
	while (rc == 0 && (line = next_line(r, &len)) && len) {
		awm_oid p, ps;

		if (starts(line, len, "mark", &rest) && rest[0] == ':') {
			markno = strtoul(rest + 1, NULL, 10);
			if (!markno || markno > 100000000)
				rc = syntax(r, "bad mark");
		} else if (starts(line, len, "author", &rest)) {
			/* The length from `rest`: a bare "author" has no value at all. */
			awm_signature_release(&c->author);
			if (awm_signature_parse(&c->author, rest, (size_t)(line + len - rest)) < 0)
				rc = syntax(r, "bad author");
		} else if (starts(line, len, "committer", &rest)) {
			awm_signature_release(&c->committer);
			if (awm_signature_parse(&c->committer, rest, (size_t)(line + len - rest)) < 0)
				rc = syntax(r, "bad committer");
		} else if (starts(line, len, "from", &rest) || starts(line, len, "merge", &rest)) {
			if (line[0] == 'f' && (has_from || c->nparents))
				rc = syntax(r, "'from' must come first and once");
			else if ((rc = lookup_rev(r, &p, &ps, rest, (size_t)(line + len - rest))) == 0) {
				if (line[0] == 'f' || !c->nparents)
					parent_schema = ps;
				has_from = 1;
				awm_commit_add_parent(c, &p);
			}
		} else if (starts(line, len, "migration", &rest)) {
			c->migration = awm_strndup(rest, (size_t)(line + len - rest));
		} else if (starts(line, len, "up", &rest)) {
			if ((rc = read_data(r, rest, (size_t)(line + len - rest), &data)) == 0)
				rc = add_blob(r, &c->up, &c->has_up, AWM_OBJ_BLOB, &data);
		} else if (starts(line, len, "down", &rest)) {
			if ((rc = read_data(r, rest, (size_t)(line + len - rest), &data)) == 0)
				rc = add_blob(r, &c->down, &c->has_down, AWM_OBJ_BLOB, &data);
		} else if (starts(line, len, "changeset", &rest)) {
			if ((rc = read_data(r, rest, (size_t)(line + len - rest), &data)) == 0)
				rc = add_blob(r, &c->changeset, &c->has_changeset,
					      AWM_OBJ_CHANGESET, &data);
		} else if (starts(line, len, "schema", &rest)) {
			if ((rc = read_data(r, rest, (size_t)(line + len - rest), &data)) == 0)
				rc = add_blob(r, &c->schema, &has_schema, AWM_OBJ_SCHEMA, &data);
		} else if (starts(line, len, "message", &rest)) {
			if ((rc = read_data(r, rest, (size_t)(line + len - rest), &data)) == 0) {
				free(c->message);
				c->message = awm_buf_detach(&data);
			}
		} else {
			rc = syntax(r, "unknown command in a commit");
		}
	}
	if (rc < 0)
		goto done;
	if (!c->author.name) {
		rc = syntax(r, "commit without an author");
		goto done;
	}
	if (!c->committer.name)
		awm_signature_copy(&c->committer, &c->author);
	if (!has_from && t->has_now) {
		/* Like git fast-import: no 'from' continues the ref's current tip. */
		awm_commit_add_parent(c, &t->now);
		parent_schema = t->now_schema;
	}
	if (!has_schema)
		c->schema = parent_schema;
	c->engine = awm_strdup("sqlite");
	if (!c->message)
		c->message = awm_strdup("");
	awm_buf_clear(&data);
	if ((rc = awm_commit_serialize(&data, c)) < 0 ||
	    (rc = awm_packwriter_add(r->pw, &c->oid, AWM_OBJ_COMMIT, data.ptr, data.size)) < 0)
		goto done;
	t->now = c->oid;
	t->now_schema = c->schema;
	t->has_now = 1;
	if (markno) {
		if (markno > r->nmarks) {
			r->marks = awm_realloc(r->marks, markno * 2 * sizeof(mark));
			memset(r->marks + r->nmarks, 0, (markno * 2 - r->nmarks) * sizeof(mark));
			r->nmarks = markno * 2;
		}
		r->marks[markno - 1].commit = c->oid;
		r->marks[markno - 1].schema = c->schema;
		r->marks[markno - 1].set = 1;
	}
done:
	awm_commit_free(c);
	awm_buf_release(&data);
	awm_buf_release(&ref);
	return rc;
}

static int update_refs(reader *r, awm_fast_import_stats *stats)
{
	size_t i;
	int rc;

	for (i = 0; i < r->ntips; i++) {
		awm_oid zero;

		awm_oid_clear(&zero);
		if (!r->tips[i].has_now)
			continue;
		rc = awm_ref_update(r->repo, r->tips[i].ref, &r->tips[i].now,
				    r->tips[i].had_start ? &r->tips[i].start : &zero,
				    "fast-import");
		if (rc < 0)
			return rc;
		stats->refs++;
	}
	return 0;
}

int awm_fast_import(awm_fast_import_stats *stats, awm_repo *repo, const char *data,
		    size_t len, awm_progress_cb progress, void *payload)
{
	reader r;
	awm_buf empty = AWM_BUF_INIT;
	const char *line, *rest;
	size_t llen, i, graph_n;
	int rc = 0;

	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	r.p = data;
	r.end = data + len;
	r.repo = repo;
	if ((rc = awm_packwriter_new(&r.pw, repo->odb, 64, 0)) < 0)
		return rc;
	/* Root commits without a schema of their own name the empty one. */
	awm_schema_empty_payload(&empty, "sqlite");
	rc = awm_packwriter_add(r.pw, &r.empty_schema, AWM_OBJ_SCHEMA, empty.ptr, empty.size);
	awm_buf_release(&empty);
	while (rc == 0 && (line = next_line(&r, &llen))) {
		if (llen == 0 || line[0] == '#')
			continue;
		if (starts(line, llen, "commit", &rest)) {
			rc = read_commit(&r, rest, (size_t)(line + llen - rest));
			if (rc == 0 && ++stats->commits % 1000 == 0 && progress)
				progress("Importing commits", stats->commits, 0, payload);
		} else {
			rc = syntax(&r, "expected 'commit'");
		}
	}
	if (rc < 0)
		goto done;
	stats->objects = awm_packwriter_count(r.pw);
	if ((rc = awm_packwriter_commit(r.pw, NULL)) < 0 || (rc = update_refs(&r, stats)) < 0)
		goto done;
	rc = awm_commit_graph_write(repo, &graph_n);
done:
	awm_packwriter_free(r.pw);
	for (i = 0; i < r.ntips; i++)
		free(r.tips[i].ref);
	free(r.tips);
	free(r.marks);
	return rc;
}
