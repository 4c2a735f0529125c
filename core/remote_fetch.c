/*
 * Fetching (see remote_sync.h): packs holding objects this clone lacks are
 * downloaded and checked object by object, then the remote-tracking refs
 * move to each remote ref's value.
 */
#include "core/remote_internal.h"
#include "core/error.h"
#include "core/refs.h"
#include "objects/commit.h"

#include <stdlib.h>
#include <string.h>

/* A batch smaller than this is stored loose, as `awm commit` does. */
#define LOOSE_LIMIT 64

void awm_fetch_report_release(awm_fetch_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nr; i++) {
		free(rep->refs[i].ref);
		free(rep->refs[i].tracking);
		free(rep->refs[i].heads);
	}
	free(rep->refs);
	memset(rep, 0, sizeof(*rep));
}

static int missing(awm_remote *r, const char *what, const awm_oid *oid, const awm_oid *commit)
{
	return awm_error_set(AWM_ECORRUPT, "remote '%s' is incomplete: %s %s%s%s is in no pack "
			     "on it; nothing was changed", r->name, what, awm_oid_tohex(oid).s,
			     commit ? " of commit " : "", commit ? awm_oid_tohex(commit).s : "");
}

typedef struct want {
	awm_oid *oids;
	awm_oid *commits;             /* the commit each object belongs to, for messages */
	size_t nr, alloc;
} want;

static void want_add(want *w, const awm_oid *oid, const awm_oid *commit)
{
	if (w->nr == w->alloc) {
		w->alloc = w->alloc ? 2 * w->alloc : 16;
		w->oids = awm_realloc(w->oids, w->alloc * sizeof(awm_oid));
		w->commits = awm_realloc(w->commits, w->alloc * sizeof(awm_oid));
	}
	w->oids[w->nr] = *oid;
	w->commits[w->nr++] = commit ? *commit : *oid;
}

/*
 * What the refs need that is not here yet.  Commits that were here before
 * this fetch are trusted (the store was complete then), so only history it
 * brought (`fresh`) is walked.  With nothing wanted, every object reachable
 * from the entries is here, and refs may point at them.
 */
static int find_wanted(want *w, awm_remote *r, const awm_remote_snapshot *s,
		       const awm_oidset *fresh)
{
	awm_oidset visited = AWM_OIDSET_INIT;
	awm_oid *stack = NULL;
	size_t nr = 0, alloc = 0, i, j;
	int rc = 0;

	w->nr = 0;
	for (i = 0; i < s->nrefs; i++)
		for (j = 0; j < s->refs[i].nr; j++) {
			AWM_ARRAY_GROW(stack, nr + 1, alloc);
			stack[nr++] = s->refs[i].entries[j].commit;
		}
	while (rc == 0 && nr) {
		awm_oid oid = stack[--nr];
		const awm_oid *objs[5];
		awm_commit *c;
		size_t k = 0;

		if (!awm_oidset_add(&visited, &oid))
			continue;
		if (!awm_odb_exists(r->repo->odb, &oid)) {
			want_add(w, &oid, NULL);
			continue;
		}
		if (!awm_oidset_contains(fresh, &oid))
			continue;
		if ((rc = awm_commit_read(&c, r->repo->odb, &oid)) < 0)
			break;
		if (c->has_up)
			objs[k++] = &c->up;
		if (c->has_down)
			objs[k++] = &c->down;
		if (c->has_script)
			objs[k++] = &c->script;
		if (c->has_changeset)
			objs[k++] = &c->changeset;
		objs[k++] = &c->schema;
		for (j = 0; j < k; j++)
			if (!awm_odb_exists(r->repo->odb, objs[j]))
				want_add(w, objs[j], &oid);
		for (j = 0; j < c->nparents; j++) {
			AWM_ARRAY_GROW(stack, nr + 1, alloc);
			stack[nr++] = c->parents[j];
		}
		awm_commit_free(c);
	}
	free(stack);
	awm_oidset_release(&visited);
	return rc;
}

/* Position of `oid` in a sorted index id table, or -1. */
static int idx_has(const awm_buf *idx, const awm_oid *oid)
{
	const unsigned char *ids = awm_remote_idx_id_table((const unsigned char *)idx->ptr);
	uint32_t lo = 0, hi = awm_remote_idx_count((const unsigned char *)idx->ptr);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(ids + (size_t)mid * AWM_OID_RAWSZ, oid->id, AWM_OID_RAWSZ);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Download the packs that hold what the refs need, in rounds: the packs of
 * the entries' commits first (each push uploads all its commits lacked, so
 * one round is the rule), then whatever their history still misses.  Packs
 * nobody needs, such as those of withdrawn pushes, stay where they are.
 */
static int import(awm_fetch_report *out, awm_oidset *fresh, awm_remote *r,
		  const awm_remote_snapshot *s, awm_xfer_progress_cb progress, void *payload)
{
	awm_packwriter *pw = NULL;
	awm_buf *idx = awm_calloc(s->npacks ? s->npacks : 1, sizeof(awm_buf));
	char *taken = awm_calloc(s->npacks ? s->npacks : 1, 1);
	want w;
	size_t i, j;
	int rc;

	memset(&w, 0, sizeof(w));
	for (i = 0; i < s->npacks; i++)
		awm_buf_init(&idx[i]);
	if ((rc = awm_remote_idx_sync(r, s, NULL, NULL)) < 0)
		goto done;
	for (i = 0; i < s->npacks; i++)
		if ((rc = awm_remote_idx_read(&idx[i], r, s->packs[i].sum)) < 0)
			goto done;
	while ((rc = find_wanted(&w, r, s, fresh)) == 0 && w.nr) {
		size_t got = 0;

		if ((rc = awm_packwriter_new(&pw, r->repo->odb, LOOSE_LIMIT, 0)) < 0)
			goto done;
		for (j = 0; j < w.nr; j++) {
			size_t n = 0;

			for (i = 0; i < s->npacks && !(!taken[i] && idx_has(&idx[i], &w.oids[j])); i++)
				;
			if (i == s->npacks) {
				if (awm_packwriter_has(pw, &w.oids[j]))
					continue;   /* in a pack this round brings */
				rc = missing(r, awm_oid_equal(&w.oids[j], &w.commits[j]) ? "commit" :
					     "object", &w.oids[j], awm_oid_equal(&w.oids[j], &w.commits[j])
					     ? NULL : &w.commits[j]);
				goto done;
			}
			taken[i] = 1;
			if ((rc = awm_remote_pack_import(&n, &out->bytes, fresh, r, &s->packs[i], pw,
							 progress, payload)) < 0)
				goto done;
			out->packs++;
			out->objects += n;
			got++;
		}
		if ((rc = awm_packwriter_commit(pw, NULL)) < 0)
			goto done;
		awm_packwriter_free(pw);
		pw = NULL;
		if (!got) {
			rc = missing(r, "object", &w.oids[0], &w.commits[0]);
			goto done;
		}
	}
done:
	awm_packwriter_free(pw);
	for (i = 0; i < s->npacks; i++)
		awm_buf_release(&idx[i]);
	free(idx);
	free(taken);
	free(w.oids);
	free(w.commits);
	return rc;
}

typedef struct stale {
	const awm_remote_snapshot *s;
	const char *remote;
	char **names;
	size_t nr, alloc;
} stale;

/* Tracking refs whose remote ref is gone. */
static int find_stale(const char *name, const awm_oid *oid, void *payload)
{
	stale *st = payload;
	awm_buf t = AWM_BUF_INIT;
	size_t i;
	int found = 0;

	(void)oid;
	for (i = 0; !found && i < st->s->nrefs; i++) {
		awm_remote_tracking_ref(&t, st->remote, st->s->refs[i].name);
		found = !strcmp(t.ptr, name);
	}
	awm_buf_release(&t);
	if (!found) {
		AWM_ARRAY_GROW(st->names, st->nr + 1, st->alloc);
		st->names[st->nr++] = awm_strdup(name);
	}
	return 0;
}

static int update_refs(awm_fetch_report *out, awm_remote *r, const awm_remote_snapshot *s)
{
	awm_buf t = AWM_BUF_INIT, prefix = AWM_BUF_INIT, msg = AWM_BUF_INIT;
	stale st = { s, r->name, NULL, 0, 0 };
	size_t i;
	int rc = 0;

	out->refs = awm_calloc(s->nrefs ? s->nrefs : 1, sizeof(awm_fetch_ref));
	for (i = 0; rc == 0 && i < s->nrefs; i++) {
		awm_fetch_ref *f = &out->refs[out->nr++];
		size_t unknown;

		f->ref = awm_strdup(s->refs[i].name);
		awm_remote_tracking_ref(&t, r->name, f->ref);
		f->tracking = awm_strdup(t.ptr);
		if ((rc = awm_remote_ref_heads(&f->heads, &f->nheads, &unknown, r->repo,
					       &s->refs[i])) < 0)
			break;
		if (unknown) {
			rc = missing(r, "commit", &f->heads[0], NULL);
			break;
		}
		if (f->nheads > 1)
			out->diverged++;
		if (awm_ref_lookup(&f->old_oid, r->repo, f->tracking) < 0) {
			awm_oid_clear(&f->old_oid);
			awm_error_clear();
		}
		f->new_oid = f->heads[0];
		if (awm_oid_equal(&f->old_oid, &f->new_oid))
			continue;
		awm_buf_clear(&msg);
		awm_buf_printf(&msg, "fetch %s", r->name);
		/* Compare-and-swap: a ref moved under us is an error, not a loss. */
		rc = awm_ref_update(r->repo, f->tracking, &f->new_oid, &f->old_oid, msg.ptr);
	}
	awm_buf_printf(&prefix, "refs/remotes/%s/", r->name);
	if (rc == 0)
		rc = awm_ref_foreach(r->repo, prefix.ptr, find_stale, &st);
	for (i = 0; i < st.nr; i++) {
		if (rc == 0)
			rc = awm_ref_delete(r->repo, st.names[i], NULL, "fetch: gone from the remote");
		free(st.names[i]);
	}
	free(st.names);
	awm_buf_release(&t);
	awm_buf_release(&prefix);
	awm_buf_release(&msg);
	return rc;
}

int awm_remote_fetch(awm_fetch_report *out, awm_remote *r,
		     awm_xfer_progress_cb progress, void *payload)
{
	awm_remote_snapshot s;
	awm_oidset fresh = AWM_OIDSET_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	if ((rc = awm_remote_begin(r)) < 0 ||
	    (rc = awm_remote_snapshot_take(&s, r, "")) < 0)
		goto done;
	if ((rc = import(out, &fresh, r, &s, progress, payload)) == 0)
		rc = update_refs(out, r, &s);
done:
	awm_oidset_release(&fresh);
	awm_remote_snapshot_release(&s);
	awm_remote_end(r);
	return rc;
}
