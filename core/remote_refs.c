/*
 * Reading a remote's state: its file list parsed into the format marker,
 * lock records, packs and ref entries, and the heads of each ref
 * (see remote.h and docs/remote-protocol.md).
 */
#include "core/remote_internal.h"
#include "core/commit_graph.h"
#include "core/error.h"
#include "core/refs.h"
#include "core/walk.h"
#include "objects/commit.h"
#include "objects/oidmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_DIGITS 12
#define PUSH_ID_HEX 16

void awm_remote_entry_name(awm_buf *out, const char *ref, uint64_t generation,
			   const awm_oid *commit, const char *push_id)
{
	awm_buf_clear(out);
	awm_buf_printf(out, "%s/%0*llu-%s-%s", ref, GEN_DIGITS,
		       (unsigned long long)generation, awm_oid_tohex(commit).s, push_id);
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

int awm_remote_entry_parse(awm_remote_entry *out, awm_buf *ref, const char *file)
{
	const char *leaf = strrchr(file, '/'), *d1, *d2;
	char hex[AWM_OID_HEXSZ + 1];
	size_t glen;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!leaf || !(d1 = strchr(++leaf, '-')) || !(d2 = strchr(d1 + 1, '-')))
		return AWM_EINVALID;
	glen = (size_t)(d1 - leaf);
	if (glen < GEN_DIGITS || glen > 19 || !all_digits(leaf, glen) ||
	    d2 - d1 - 1 != AWM_OID_HEXSZ || strlen(d2 + 1) != PUSH_ID_HEX ||
	    !awm_is_hex(d2 + 1, PUSH_ID_HEX))
		return AWM_EINVALID;
	memcpy(hex, d1 + 1, AWM_OID_HEXSZ);
	hex[AWM_OID_HEXSZ] = '\0';
	if (awm_oid_fromhex(&out->commit, hex) < 0)
		return AWM_EINVALID;
	awm_buf_clear(ref);
	awm_buf_put(ref, file, (size_t)(leaf - 1 - file));
	rc = awm_refname_check(ref->ptr);
	awm_error_clear();
	if (rc < 0 || !strcmp(ref->ptr, "HEAD"))
		return AWM_EINVALID;
	out->generation = strtoull(leaf, NULL, 10);
	memcpy(out->push_id, d2 + 1, PUSH_ID_HEX);
	out->push_id[PUSH_ID_HEX] = '\0';
	out->file = awm_strdup(file);
	return 0;
}

void awm_remote_entry_release(awm_remote_entry *e)
{
	free(e->file);
	e->file = NULL;
}

static awm_remote_ref *ref_for(awm_remote_snapshot *s, size_t *alloc, const char *name)
{
	awm_remote_ref *r;

	/* The list is sorted by file name, so one ref's entries are adjacent. */
	if (s->nrefs && !strcmp(s->refs[s->nrefs - 1].name, name))
		return &s->refs[s->nrefs - 1];
	AWM_ARRAY_GROW(s->refs, s->nrefs + 1, *alloc);
	r = &s->refs[s->nrefs++];
	memset(r, 0, sizeof(*r));
	r->name = awm_strdup(name);
	return r;
}

static int cmp_entry(const void *a, const void *b)
{
	const awm_remote_entry *x = a, *y = b;

	if (x->generation != y->generation)
		return x->generation < y->generation ? -1 : 1;
	return strcmp(x->file, y->file);
}

static int cmp_ref(const void *a, const void *b)
{
	return strcmp(((const awm_remote_ref *)a)->name, ((const awm_remote_ref *)b)->name);
}

/* "store/<32 hex>.pack" -> 1, ".idx" -> 2, else 0; `sum` gets the hex. */
static int store_file(char sum[AWM_OID_HEXSZ + 1], const char *name)
{
	const char *p = name + 6;

	if (strncmp(name, "store/", 6) || strlen(p) < AWM_OID_HEXSZ + 4 ||
	    !awm_is_hex(p, AWM_OID_HEXSZ))
		return 0;
	memcpy(sum, p, AWM_OID_HEXSZ);
	sum[AWM_OID_HEXSZ] = '\0';
	if (!strcmp(p + AWM_OID_HEXSZ, ".pack"))
		return 1;
	if (!strcmp(p + AWM_OID_HEXSZ, ".idx"))
		return 2;
	return 0;
}

/* "locks/<digits>" or "locks/<digits>-<hex>" */
static int lock_file(const char *name)
{
	const char *p = name + 6, *dash;

	if (strncmp(name, "locks/", 6))
		return 0;
	dash = strchr(p, '-');
	if (!dash)
		return all_digits(p, strlen(p));
	return all_digits(p, (size_t)(dash - p)) && awm_is_hex(dash + 1, strlen(dash + 1));
}

static int parse_files(awm_remote_snapshot *s, const char *url)
{
	size_t i, ref_alloc = 0, pack_alloc = 0, lock_alloc = 0;
	awm_buf ref = AWM_BUF_INIT;
	char sum[AWM_OID_HEXSZ + 1];

	for (i = 0; i < s->files.nr; i++) {
		const awm_remote_file *f = &s->files.items[i];
		const char *name = f->name;
		awm_remote_entry e;
		int kind;

		if (!strncmp(name, AWM_REMOTE_MARKER_PREFIX, strlen(AWM_REMOTE_MARKER_PREFIX))) {
			const char *v = name + strlen(AWM_REMOTE_MARKER_PREFIX);
			int n = all_digits(v, strlen(v)) ? atoi(v) : 0;

			if (n > s->format)
				s->format = n;
		} else if (!strncmp(name, "refs/", 5)) {
			awm_remote_ref *r;

			if (awm_remote_entry_parse(&e, &ref, name) < 0)
				continue;
			r = ref_for(s, &ref_alloc, ref.ptr);
			AWM_ARRAY_GROW(r->entries, r->nr + 1, r->alloc);
			r->entries[r->nr++] = e;
		} else if ((kind = store_file(sum, name)) == 2) {
			/* An index counts only with its pack: the pack is written first. */
			awm_buf p = AWM_BUF_INIT;
			const awm_remote_file *pf;

			awm_buf_printf(&p, "store/%s.pack", sum);
			pf = awm_remote_files_find(&s->files, p.ptr);
			awm_buf_release(&p);
			if (!pf)
				continue;
			AWM_ARRAY_GROW(s->packs, s->npacks + 1, pack_alloc);
			memcpy(s->packs[s->npacks].sum, sum, sizeof(sum));
			s->packs[s->npacks].pack = pf;
			s->packs[s->npacks].idx = f;
			s->npacks++;
		} else if (lock_file(name)) {
			AWM_ARRAY_GROW(s->locks, s->nlocks + 1, lock_alloc);
			s->locks[s->nlocks++] = f;
		}
	}
	awm_buf_release(&ref);
	for (i = 0; i < s->nrefs; i++)
		qsort(s->refs[i].entries, s->refs[i].nr, sizeof(awm_remote_entry), cmp_entry);
	if (s->nrefs)
		qsort(s->refs, s->nrefs, sizeof(awm_remote_ref), cmp_ref);
	if (s->format > AWM_REMOTE_FORMAT)
		return awm_error_set(AWM_EINVALID, "remote '%s' uses format %d, and this awm "
				     "reads format %d; upgrade awm", url, s->format,
				     AWM_REMOTE_FORMAT);
	return 0;
}

int awm_remote_snapshot_take(awm_remote_snapshot *out, awm_remote *r, const char *prefix)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = awm_transport_list(r->t, &out->files, prefix)) < 0 ||
	    (rc = parse_files(out, r->url)) < 0)
		awm_remote_snapshot_release(out);
	return rc;
}

void awm_remote_snapshot_release(awm_remote_snapshot *s)
{
	size_t i, j;

	for (i = 0; i < s->nrefs; i++) {
		for (j = 0; j < s->refs[i].nr; j++)
			awm_remote_entry_release(&s->refs[i].entries[j]);
		free(s->refs[i].entries);
		free(s->refs[i].name);
	}
	free(s->refs);
	free(s->packs);
	free(s->locks);
	awm_remote_files_release(&s->files);
	memset(s, 0, sizeof(*s));
}

const awm_remote_ref *awm_remote_snapshot_ref(const awm_remote_snapshot *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nrefs; i++)
		if (!strcmp(s->refs[i].name, name))
			return &s->refs[i];
	return NULL;
}

/*
 * Generation numbers: from the commit-graph where it has the commit, else
 * computed from the parents, depth first without recursion.
 */
int awm_commit_generation(uint64_t *out, awm_repo *repo, const awm_oid *commit)
{
	awm_commit_graph *g = awm_repo_graph(repo);
	awm_oidmap memo = AWM_OIDMAP_INIT;
	awm_oid *stack = NULL;
	size_t nr = 0, alloc = 0, i;
	uint32_t gen, pos;
	int rc = 0;

	AWM_ARRAY_GROW(stack, 1, alloc);
	stack[nr++] = *commit;
	while (nr) {
		awm_oid top = stack[nr - 1];
		awm_commit *c;
		uint32_t best = 0;
		int pending = 0;

		if (awm_oidmap_get(&memo, &top, &gen)) {
			nr--;
			continue;
		}
		if (g && (pos = awm_commit_graph_find(g, &top)) != AWM_GRAPH_NONE) {
			awm_oidmap_put(&memo, &top, awm_commit_graph_generation(g, pos));
			nr--;
			continue;
		}
		if ((rc = awm_commit_read(&c, repo->odb, &top)) < 0)
			break;
		for (i = 0; i < c->nparents; i++) {
			if (awm_oidmap_get(&memo, &c->parents[i], &gen)) {
				if (gen > best)
					best = gen;
			} else {
				AWM_ARRAY_GROW(stack, nr + 1, alloc);
				stack[nr++] = c->parents[i];
				pending = 1;
			}
		}
		awm_commit_free(c);
		if (!pending) {
			awm_oidmap_put(&memo, &top, best + 1);
			nr--;
		}
	}
	if (rc == 0 && !awm_oidmap_get(&memo, commit, &gen))
		rc = awm_error_set(AWM_ERROR, "cannot number commit %s", awm_oid_tohex(commit).s);
	if (rc == 0)
		*out = gen;
	free(stack);
	awm_oidmap_release(&memo);
	return rc;
}

typedef struct head {
	awm_oid oid;
	uint64_t generation;
	int known;
} head;

static int cmp_head(const void *a, const void *b)
{
	const head *x = a, *y = b;

	if (x->generation != y->generation)
		return x->generation > y->generation ? -1 : 1;
	return awm_oid_cmp(&x->oid, &y->oid);
}

int awm_remote_ref_heads(awm_oid **out, size_t *n, size_t *unknown, awm_repo *repo,
			 const awm_remote_ref *ref)
{
	head *h = awm_calloc(ref->nr ? ref->nr : 1, sizeof(head));
	size_t nr = 0, i, j, keep = 0;
	char *covered = NULL;
	int rc = 0;

	*unknown = 0;
	for (i = 0; i < ref->nr; i++) {
		for (j = 0; j < nr && !awm_oid_equal(&h[j].oid, &ref->entries[i].commit); j++)
			;
		if (j < nr)
			continue;   /* two pushes of one commit */
		h[nr].oid = ref->entries[i].commit;
		h[nr].generation = ref->entries[i].generation;
		h[nr].known = awm_odb_exists(repo->odb, &h[nr].oid);
		nr++;
	}
	/* A known entry is dropped when another entry descends from it. */
	covered = awm_calloc(nr ? nr : 1, 1);
	for (i = 0; i < nr; i++) {
		for (j = 0; h[i].known && !covered[i] && j < nr; j++) {
			if (j == i || !h[j].known || h[j].generation <= h[i].generation)
				continue;
			if ((rc = awm_is_ancestor(repo, &h[i].oid, &h[j].oid)) < 0)
				goto done;
			covered[i] = (char)rc;
		}
		rc = 0;
	}
	for (i = 0; i < nr; i++)
		if (!covered[i])
			h[keep++] = h[i];
	qsort(h, keep, sizeof(head), cmp_head);
	*out = awm_calloc(keep ? keep : 1, sizeof(awm_oid));
	for (i = 0; i < keep; i++) {
		(*out)[i] = h[i].oid;
		*unknown += !h[i].known;
	}
	*n = keep;
done:
	free(covered);
	free(h);
	return rc;
}

/* 1 when `e` is `c`, an ancestor of it or a descendant, all known here. */
static int related(awm_repo *repo, const awm_oid *c, const awm_oid *e)
{
	int rc;

	if (awm_oid_equal(c, e))
		return 1;
	if (!awm_odb_exists(repo->odb, e))
		return 0;
	if ((rc = awm_is_ancestor(repo, e, c)) != 0)
		return rc;
	return awm_is_ancestor(repo, c, e);
}

static int listed(char **list, size_t n, const char *file)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], file))
			return 1;
	return 0;
}

int awm_remote_find_conflict(const awm_remote_entry **out, awm_repo *repo,
			 const awm_remote_ref *ref, const char *file, const awm_oid *c,
			 char **replace, size_t nreplace)
{
	size_t i;
	int rc;

	*out = NULL;
	for (i = 0; ref && i < ref->nr; i++) {
		const awm_remote_entry *e = &ref->entries[i];

		if (!strcmp(e->file, file) || listed(replace, nreplace, e->file))
			continue;
		if ((rc = related(repo, c, &e->commit)) < 0)
			return rc;
		if (!rc) {
			*out = e;
			return 0;
		}
	}
	return 0;
}
