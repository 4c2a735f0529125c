/*
 * The fast-import stream reader (see fast_import.h).
 */
#include "core/fast_import.h"
#include "core/changeset.h"
#include "core/commit_graph.h"
#include "core/error.h"
#include "core/refs.h"
#include "core/revparse.h"
#include "objects/commit.h"
#include "objects/packwriter.h"
#include "objects/schema.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What ":<num>" names: a commit and its schema.  num 0 marks a free slot. */
typedef struct mark {
	unsigned long num;
	awm_oid commit, schema;
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
	mark *marks;          /* open addressing on num; marks may be sparse */
	size_t nmarks, cap;
	tip *tips;
	size_t ntips, atips;
	awm_oid empty_schema;
} reader;

static size_t mark_slot(unsigned long num, size_t cap)
{
	return (size_t)(((uint64_t)num * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

static const mark *mark_get(const reader *r, unsigned long num)
{
	size_t i;

	if (!r->cap)
		return NULL;
	for (i = mark_slot(num, r->cap); r->marks[i].num; i = (i + 1) & (r->cap - 1))
		if (r->marks[i].num == num)
			return &r->marks[i];
	return NULL;
}

static void mark_put(reader *r, unsigned long num, const awm_oid *commit,
		     const awm_oid *schema)
{
	size_t i;

	if ((r->nmarks + 1) * 4 > r->cap * 3) {
		mark *old = r->marks;
		size_t ocap = r->cap;

		r->cap = ocap ? ocap * 2 : 1024;
		r->marks = awm_calloc(r->cap, sizeof(mark));
		r->nmarks = 0;
		for (i = 0; i < ocap; i++)
			if (old[i].num)
				mark_put(r, old[i].num, &old[i].commit, &old[i].schema);
		free(old);
	}
	for (i = mark_slot(num, r->cap); r->marks[i].num && r->marks[i].num != num;
	     i = (i + 1) & (r->cap - 1))
		;
	if (!r->marks[i].num)
		r->nmarks++;
	r->marks[i].num = num;
	r->marks[i].commit = *commit;
	r->marks[i].schema = *schema;
}

/* ":<digits>" (at most 18, not 0) as a number; 0 when it is not one. */
static unsigned long parse_mark(const char *s, size_t len)
{
	size_t i;

	if (len < 2 || len > 19 || s[0] != ':')
		return 0;
	for (i = 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return strtoul(s + 1, NULL, 10);
}

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
	unsigned long long n = 0;
	size_t i;

	if (clen == 0 || clen > 18)
		return syntax(r, "expected a byte count");
	for (i = 0; i < clen; i++) {
		if (count[i] < '0' || count[i] > '9')
			return syntax(r, "expected a byte count");
		n = n * 10 + (unsigned long long)(count[i] - '0');
	}
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
	size_t i;
	int rc = 0;

	for (i = 0; i < r->ntips; i++) {
		/* A ref this stream wrote means its tip in the stream, as in git. */
		if (r->tips[i].has_now && !strcmp(r->tips[i].ref, spec)) {
			*commit = r->tips[i].now;
			*schema = r->tips[i].now_schema;
			free(spec);
			return 0;
		}
	}
	if (spec[0] == ':') {
		const mark *m = mark_get(r, parse_mark(spec, len));

		if (!m)
			rc = syntax(r, "unknown mark");
		else {
			*commit = m->commit;
			*schema = m->schema;
		}
	} else if ((rc = awm_revparse(commit, r->repo, spec)) == 0 &&
		   (rc = awm_commit_read(&c, r->repo->odb, commit)) == 0) {
		*schema = c->schema;
		awm_commit_free(c);
	}
	if (rc < 0 && spec[0] != ':')
		awm_error_prefix("fast-import stream, line %zu", r->line);
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

/*
 * Store one data section as an object of `type`.  Changesets and schemas
 * are checked as every writer of them checks them (scripts are only
 * stored, as git fast-import stores files).
 */
static int add_data(reader *r, awm_oid *out, int *has, awm_otype type, const awm_buf *b)
{
	awm_schema *s;
	int rc = 0;

	if (type == AWM_OBJ_CHANGESET)
		rc = awm_changeset_validate(b->ptr, b->size, "the data");
	else if (type == AWM_OBJ_SCHEMA && (rc = awm_schema_parse(&s, b->ptr, b->size)) == 0)
		awm_schema_free(s);
	if (rc < 0) {
		awm_error_prefix("fast-import stream, line %zu", r->line);
		return rc;
	}
	*has = 1;
	return awm_packwriter_add(r->pw, out, type, b->ptr, b->size);
}

/* The rest of a line after its command word, as a NUL-terminated copy. */
static char *arg(const char *line, size_t len, const char *rest)
{
	return awm_strndup(rest, (size_t)(line + len - rest));
}

typedef struct parents {
	awm_oid from, from_schema;
	int has_from;
	awm_oid *merges;
	size_t nmerges;
	awm_oid first_merge_schema;
} parents;

static int add_parent(reader *r, parents *ps, int is_from, const char *spec, size_t len)
{
	awm_oid p, schema;
	int rc;

	if (is_from && (ps->has_from || ps->nmerges))
		return syntax(r, "'from' must come once, before any 'merge'");
	if ((rc = lookup_rev(r, &p, &schema, spec, len)) < 0)
		return rc;
	if (is_from) {
		ps->from = p;
		ps->from_schema = schema;
		ps->has_from = 1;
		return 0;
	}
	if (!ps->nmerges)
		ps->first_merge_schema = schema;
	ps->merges = awm_realloc(ps->merges, (ps->nmerges + 1) * sizeof(awm_oid));
	ps->merges[ps->nmerges++] = p;
	return 0;
}

/*
 * The parents, as git fast-import sets them: 'from', or else the ref's
 * current tip, then every 'merge' not already among them.  `schema` gets the first parent's schema
 * (the empty schema for a root), which a commit without 'schema' keeps.
 */
static void set_parents(reader *r, awm_commit *c, awm_oid *schema, const parents *ps,
			const tip *t)
{
	size_t i;

	*schema = r->empty_schema;
	if (ps->has_from) {
		awm_commit_add_parent(c, &ps->from);
		*schema = ps->from_schema;
	} else if (t->has_now) {
		awm_commit_add_parent(c, &t->now);
		*schema = t->now_schema;
	} else if (ps->nmerges) {
		*schema = ps->first_merge_schema;
	}
	for (i = 0; i < ps->nmerges; i++) {
		size_t j;

		/* A parent named twice is one parent, as in git commit-tree. */
		for (j = 0; j < c->nparents && !awm_oid_equal(&c->parents[j], &ps->merges[i]); j++)
			;
		if (j == c->nparents)
			awm_commit_add_parent(c, &ps->merges[i]);
	}
}

/* Commands a commit may give at most once; 'from' and 'merge' are checked apart. */
static int once(reader *r, unsigned *seen, const char *line, size_t len)
{
	static const char *const single[] = {
		"mark", "author", "committer", "migration", "up", "down", "changeset",
		"schema", "message",
	};
	const char *rest;
	unsigned k;
	char what[64];

	for (k = 0; k < sizeof(single) / sizeof(single[0]); k++) {
		if (!starts(line, len, single[k], &rest))
			continue;
		if (*seen & (1u << k)) {
			snprintf(what, sizeof(what), "'%s' given twice in one commit", single[k]);
			return syntax(r, what);
		}
		*seen |= 1u << k;
		break;
	}
	return 0;
}

static int read_commit(reader *r, const char *ref_s, size_t ref_len)
{
	awm_commit *c = awm_commit_new();
	awm_buf data = AWM_BUF_INIT, ref = AWM_BUF_INIT;
	unsigned long markno = 0;
	parents ps;
	awm_oid parent_schema;
	int has_schema = 0, rc = 0;
	unsigned seen = 0;
	const char *line, *rest;
	size_t len;
	tip *t;

	memset(&ps, 0, sizeof(ps));
	awm_buf_put(&ref, ref_s, ref_len);
	if (awm_refname_check(ref.ptr) < 0 || !strncmp(ref.ptr, "HEAD", 4)) {
		rc = syntax(r, "'commit' needs a full ref name such as refs/heads/main");
		goto done;
	}
	t = tip_for(r, ref.ptr);
	while (rc == 0 && (line = next_line(r, &len)) && len) {
		if (starts(line, len, "commit", &rest)) {
			/*
			 * The next commit ends this one, as in git's streams: the
			 * blank line is optional, which matters because the
			 * optional newline after a data section would eat it.
			 */
			r->p = line;
			r->line--;
			break;
		}
		if ((rc = once(r, &seen, line, len)) < 0)
			break;
		if (starts(line, len, "mark", &rest)) {
			if (!(markno = parse_mark(rest, (size_t)(line + len - rest))))
				rc = syntax(r, "bad mark; write 'mark :<number>'");
		} else if (starts(line, len, "author", &rest)) {
			if (awm_signature_parse(&c->author, rest, (size_t)(line + len - rest)) < 0)
				rc = syntax(r, "bad author; write 'author <name> <<email>> <seconds> <+hhmm>'");
		} else if (starts(line, len, "committer", &rest)) {
			if (awm_signature_parse(&c->committer, rest, (size_t)(line + len - rest)) < 0)
				rc = syntax(r, "bad committer; write 'committer <name> <<email>> <seconds> <+hhmm>'");
		} else if (starts(line, len, "from", &rest) || starts(line, len, "merge", &rest)) {
			rc = add_parent(r, &ps, line[0] == 'f', rest, (size_t)(line + len - rest));
		} else if (starts(line, len, "migration", &rest)) {
			c->migration = arg(line, len, rest);
			if (!*c->migration)
				rc = syntax(r, "empty migration path");
		} else if (starts(line, len, "up", &rest)) {
			if ((rc = read_data(r, rest, (size_t)(line + len - rest), &data)) == 0)
				rc = add_data(r, &c->up, &c->has_up, AWM_OBJ_BLOB, &data);
		} else if (starts(line, len, "down", &rest)) {
			if ((rc = read_data(r, rest, (size_t)(line + len - rest), &data)) == 0)
				rc = add_data(r, &c->down, &c->has_down, AWM_OBJ_BLOB, &data);
		} else if (starts(line, len, "changeset", &rest)) {
			if ((rc = read_data(r, rest, (size_t)(line + len - rest), &data)) == 0)
				rc = add_data(r, &c->changeset, &c->has_changeset,
					      AWM_OBJ_CHANGESET, &data);
		} else if (starts(line, len, "schema", &rest)) {
			if ((rc = read_data(r, rest, (size_t)(line + len - rest), &data)) == 0)
				rc = add_data(r, &c->schema, &has_schema, AWM_OBJ_SCHEMA, &data);
		} else if (starts(line, len, "message", &rest)) {
			if ((rc = read_data(r, rest, (size_t)(line + len - rest), &data)) == 0)
				c->message = awm_buf_detach(&data);
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
	set_parents(r, c, &parent_schema, &ps, t);
	if (!has_schema)
		c->schema = parent_schema;
	c->engine = awm_strdup("sqlite");
	if (!c->message)
		c->message = awm_strdup("");
	awm_buf_clear(&data);
	if ((rc = awm_commit_serialize(&data, c)) < 0) {
		awm_error_prefix("fast-import stream, line %zu", r->line);
		goto done;
	}
	if ((rc = awm_packwriter_add(r->pw, &c->oid, AWM_OBJ_COMMIT, data.ptr, data.size)) < 0)
		goto done;
	t->now = c->oid;
	t->now_schema = c->schema;
	t->has_now = 1;
	if (markno)
		mark_put(r, markno, &c->oid, &c->schema);
done:
	free(ps.merges);
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
