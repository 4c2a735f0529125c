/*
 * Pushing (see remote_sync.h; docs/remote-protocol.md, section 5, has the
 * protocol and why it is safe):
 *
 *   1. settle entries an interrupted earlier push left (the journal)
 *   2. list the remote; refuse if locked, or if a ref would lose commits
 *   3. (the check of step 2, per ref: check_target)
 *   4. upload one pack of the objects the remote lacks, then its index
 *   5. after an upload, list the refs again and check again
 *   6. write a new entry per ref, journalled first
 *   7. list the refs again: an entry that is neither an ancestor nor a
 *      descendant of ours means a push raced with this one, and ours is
 *      withdrawn
 *   8. otherwise the push succeeded; entries that are ancestors of ours
 *      are pruned
 *
 * On a store with compare-and-swap (AWM_TRANSPORT_CAS: Appwrite), a ref is
 * one entry, and steps 6 to 8 are one swap of that entry for ours: a push
 * that loses the swap looks again and is rejected (or, when the ref only
 * moved forward towards ours, swaps again), so a ref never diverges.
 */
#include "core/remote_internal.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/refs.h"
#include "core/walk.h"
#include "objects/commit.h"

#include <stdlib.h>
#include <string.h>

typedef struct target {
	const awm_push_spec *spec;
	char *dst;
	awm_oid oid;                  /* what we push */
	awm_oid old;                  /* the remote's value before, or zero */
	int write;                    /* a new entry is needed */
	awm_push_status status;
	char **replace;               /* forced: entries to delete on success */
	size_t nreplace;
	char *entry;                  /* our new entry, once written */
	int ok;                       /* done: up to date, or the entry settled */
} target;

void awm_push_report_release(awm_push_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nr; i++)
		free(rep->refs[i].dst);
	free(rep->refs);
	for (i = 0; i < rep->nnotes; i++)
		free(rep->notes[i]);
	free(rep->notes);
	memset(rep, 0, sizeof(*rep));
}

static const char *short_ref(const char *ref)
{
	return !strncmp(ref, "refs/heads/", 11) ? ref + 11 : ref;
}

/* Delete entries that are strict ancestors of our successful `c`. */
static void prune(awm_remote *r, const awm_remote_ref *ref, const awm_oid *c)
{
	size_t i;

	for (i = 0; ref && i < ref->nr; i++) {
		const awm_remote_entry *e = &ref->entries[i];

		if (awm_oid_equal(&e->commit, c) || !awm_odb_exists(r->repo->odb, &e->commit))
			continue;
		if (awm_is_ancestor(r->repo, &e->commit, c) == 1 &&
		    awm_transport_remove(r->t, e->file) < 0)
			break;   /* pruning is tidying only; the next push tries again */
	}
	awm_error_clear();
}

static int nonff(awm_remote *r, const target *t, const awm_remote_entry *e)
{
	const char *name = short_ref(t->dst);

	if (awm_odb_exists(r->repo->odb, &e->commit) &&
	    awm_is_ancestor(r->repo, &t->oid, &e->commit) == 1)
		return awm_error_set(AWM_ENONFASTFORWARD, "'%s' on remote '%s' is ahead of "
				     "yours (it is at %s), so there is nothing to push; run "
				     "'awm pull %s' to catch up", name, r->name,
				     awm_oid_short(&e->commit, 10).s, r->name);
	return awm_error_set(AWM_ENONFASTFORWARD, "'%s' on remote '%s' has commits that "
			     "yours lacks (it is at %s): rejected as non-fast-forward; run "
			     "'awm pull --rebase %s', then push again", name, r->name,
			     awm_oid_short(&e->commit, 10).s, r->name);
}

/* The lease: what the user says the remote ref holds (zero: nothing). */
static int lease_of(awm_oid *out, awm_remote *r, const target *t)
{
	awm_buf ref = AWM_BUF_INIT;
	int rc = 0;

	if (t->spec->has_lease) {
		*out = t->spec->lease;
		return 0;
	}
	awm_remote_tracking_ref(&ref, r->name, t->dst);
	if ((rc = awm_ref_lookup(out, r->repo, ref.ptr)) == AWM_ENOTFOUND) {
		awm_error_clear();
		awm_oid_clear(out);
		rc = 0;
	}
	awm_buf_release(&ref);
	return rc;
}

/* Step 3 for one ref: fast-forward, up to date, or a forced replacement. */
static int check_target(awm_remote *r, target *t, const awm_remote_ref *ref)
{
	awm_oid *heads = NULL, lease;
	size_t nheads = 0, unknown, i;
	int have = 0, rc = 0;

	for (i = 0; i < t->nreplace; i++)
		free(t->replace[i]);
	t->nreplace = 0;
	awm_oid_clear(&t->old);
	t->status = ref && ref->nr ? AWM_PUSH_FAST_FORWARD : AWM_PUSH_NEW;
	if (ref && ref->nr) {
		if ((rc = awm_remote_ref_heads(&heads, &nheads, &unknown, r->repo, ref)) < 0)
			goto done;
		t->old = heads[0];
	}
	if (t->spec->force_with_lease && (rc = lease_of(&lease, r, t)) < 0)
		goto done;
	for (i = 0; ref && i < ref->nr; i++) {
		const awm_remote_entry *e = &ref->entries[i];

		if (awm_oid_equal(&e->commit, &t->oid)) {
			/*
			 * Only our own settled entry: another may yet be withdrawn.
			 * A swapped-in entry is never withdrawn.
			 */
			have |= (r->t->caps & AWM_TRANSPORT_CAS) || awm_remote_pushed_has(r, e->file);
			continue;
		}
		if (awm_odb_exists(r->repo->odb, &e->commit) &&
		    (rc = awm_is_ancestor(r->repo, &e->commit, &t->oid)) != 0) {
			if (rc < 0)
				goto done;
			rc = 0;
			continue;
		}
		if (!t->spec->force_with_lease) {
			rc = nonff(r, t, e);
			goto done;
		}
		t->replace = awm_realloc(t->replace, (t->nreplace + 1) * sizeof(char *));
		t->replace[t->nreplace++] = awm_strdup(e->file);
	}
	if (t->spec->force_with_lease && t->nreplace) {
		/* Every head we would drop must be the one the lease names. */
		for (i = 0; i < nheads; i++) {
			if (awm_oid_equal(&heads[i], &lease) ||
			    awm_is_ancestor(r->repo, &heads[i], &t->oid) == 1)
				continue;
			rc = awm_error_set(AWM_ENONFASTFORWARD, "'%s' on remote '%s' is at %s, not "
					   "at %s as the lease expects; fetch and look before "
					   "forcing", short_ref(t->dst), r->name,
					   awm_oid_short(&heads[i], 10).s,
					   awm_oid_is_zero(&lease) ? "nothing" :
					   awm_oid_short(&lease, 10).s);
			goto done;
		}
		t->status = AWM_PUSH_FORCED;
	}
	t->write = !(have && !t->nreplace);
	if (!t->nreplace && awm_oid_equal(&t->old, &t->oid))
		t->status = AWM_PUSH_UP_TO_DATE;
done:
	free(heads);
	return rc;
}

typedef struct upload_progress {
	awm_xfer_progress p;
	awm_xfer_progress_cb cb;
	void *payload;
} upload_progress;

static void on_upload(uint64_t done, uint64_t total, void *payload)
{
	upload_progress *u = payload;

	u->p.bytes = done;
	if (total)
		u->p.bytes_total = total;
	if (u->p.bytes_total)
		u->p.objects = u->p.objects_total * done / u->p.bytes_total;
	u->p.done = 0;
	if (u->cb)
		u->cb(&u->p, u->payload);
}

/* Step 4: one pack of what the remote lacks, then its index. */
static int upload_objects(awm_push_report *rep, awm_remote *r, const awm_remote_snapshot *s,
			  const target *t, size_t nt, awm_xfer_progress_cb progress,
			  void *payload)
{
	awm_oidset has = AWM_OIDSET_INIT;
	awm_remote_packfile pf;
	awm_buf name = AWM_BUF_INIT;
	upload_progress up;
	const awm_remote_file *f;
	awm_oid *missing = NULL, *tips = awm_calloc(nt ? nt : 1, sizeof(awm_oid));
	size_t n = 0, ntips = 0, i;
	int rc;

	memset(&pf, 0, sizeof(pf));
	memset(&up, 0, sizeof(up));
	for (i = 0; i < nt; i++)
		if (t[i].write)
			tips[ntips++] = t[i].oid;
	if ((rc = awm_remote_idx_sync(r, s, NULL, NULL)) < 0 ||
	    (rc = awm_remote_idx_ids(&has, r, s)) < 0 ||
	    (rc = awm_remote_missing_objects(&missing, &n, r->repo, &has, tips, ntips)) < 0 ||
	    n == 0)
		goto done;
	if ((rc = awm_remote_pack_build(&pf, r, missing, n)) < 0)
		goto done;
	rep->objects = n;
	rep->pack_bytes = pf.pack->pack_len + pf.pack->idx_len;
	up.p.what = "Writing objects";
	up.p.objects_total = n;
	up.cb = progress;
	up.payload = payload;
	awm_buf_printf(&name, "store/%s.pack", pf.sum);
	f = awm_remote_files_find(&s->files, name.ptr);
	if (f && f->size == pf.pack->pack_len) {
		rep->resumed_pack = 1;   /* uploaded by an interrupted run */
	} else {
		r->t->progress = on_upload;
		r->t->payload = &up;
		rc = awm_transport_put(r->t, name.ptr, pf.pack->pack, pf.pack->pack_len);
		r->t->progress = NULL;
		if (rc < 0)
			goto done;
	}
	awm_buf_clear(&name);
	awm_buf_printf(&name, "store/%s.idx", pf.sum);
	if (!awm_remote_files_find(&s->files, name.ptr) &&
	    (rc = awm_transport_put(r->t, name.ptr, pf.pack->idx, pf.pack->idx_len)) < 0)
		goto done;
	rc = awm_remote_idx_store(r, pf.sum, pf.pack->idx, pf.pack->idx_len);
	up.p.objects = up.p.objects_total;
	up.p.bytes = up.p.bytes_total = pf.pack->pack_len;
	up.p.done = 1;
	if (rc == 0 && progress)
		progress(&up.p, payload);
done:
	awm_remote_packfile_release(&pf);
	awm_oidset_release(&has);
	awm_buf_release(&name);
	free(missing);
	free(tips);
	return rc;
}

/* Step 6: a new entry, journalled before it is uploaded. */
static int write_entry(awm_remote *r, target *t)
{
	awm_buf name = AWM_BUF_INIT, text = AWM_BUF_INIT;
	uint64_t gen;
	char id[17];
	int rc;

	if ((rc = awm_commit_generation(&gen, r->repo, &t->oid)) < 0 ||
	    (rc = awm_random_hex(id, 8)) < 0)
		goto done;
	awm_remote_entry_name(&name, t->dst, gen, &t->oid, id);
	awm_buf_printf(&text, "%s\n", awm_oid_tohex(&t->oid).s);
	if ((rc = awm_remote_journal_add(r, name.ptr)) < 0)
		goto done;
	t->entry = awm_strdup(name.ptr);
	rc = awm_transport_put(r->t, name.ptr, text.ptr, text.size);
done:
	awm_buf_release(&name);
	awm_buf_release(&text);
	return rc;
}

/* Steps 7 and 8 for one ref: keep ours and tidy up, or withdraw it. */
static int settle_target(awm_remote *r, target *t, const awm_remote_snapshot *after)
{
	const awm_remote_ref *ref = awm_remote_snapshot_ref(after, t->dst);
	const awm_remote_entry *conflict;
	size_t i;
	int rc;

	if ((rc = awm_remote_find_conflict(&conflict, r->repo, ref, t->entry, &t->oid, t->replace,
				t->nreplace)) < 0)
		return rc;
	if (conflict) {
		awm_oid seen = conflict->commit;

		if ((rc = awm_transport_remove(r->t, t->entry)) < 0 ||
		    (rc = awm_remote_journal_drop(r, t->entry)) < 0)
			return rc;
		return awm_error_set(AWM_ENONFASTFORWARD, "another push of '%s' to remote '%s' "
				     "raced with this one (it wrote %s), so this push was withdrawn; "
				     "run 'awm pull --rebase %s', then push again",
				     short_ref(t->dst), r->name, awm_oid_short(&seen, 10).s, r->name);
	}
	/* A forced push is done once the heads it replaces are gone. */
	for (i = 0; i < t->nreplace; i++)
		if ((rc = awm_transport_remove(r->t, t->replace[i])) < 0)
			return rc;
	if ((rc = awm_remote_journal_drop(r, t->entry)) < 0)
		return rc;
	if (awm_remote_pushed_mark(r, t->entry) < 0)
		awm_error_clear();   /* then the next push writes another entry */
	awm_remote_update_tracking(r, t->dst, &t->oid);
	prune(r, ref, &t->oid);
	return 0;
}

static int resolve_targets(target *t, awm_remote *r, const awm_push_spec *specs, size_t n)
{
	size_t i, j;
	int rc;

	for (i = 0; i < n; i++) {
		t[i].spec = &specs[i];
		t[i].dst = awm_strdup(specs[i].dst ? specs[i].dst : specs[i].src);
		if ((rc = awm_refname_check(t[i].dst)) < 0)
			return rc;
		if (strncmp(t[i].dst, "refs/heads/", 11) && strncmp(t[i].dst, "refs/envs/", 10))
			return awm_error_set(AWM_EUSAGE, "'%s': only branches (refs/heads/) and "
					     "environments (refs/envs/) can be pushed", t[i].dst);
		for (j = 0; j < i; j++)
			if (!strcmp(t[j].dst, t[i].dst))
				return awm_error_set(AWM_EUSAGE, "'%s' is pushed twice", t[i].dst);
		if ((rc = awm_ref_lookup(&t[i].oid, r->repo, specs[i].src)) == AWM_ENOTFOUND)
			return awm_error_set(AWM_ENOTFOUND, "'%s' has no commits yet, so there is "
					     "nothing to push; record one with 'awm commit'",
					     short_ref(specs[i].src));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int recheck(awm_remote *r, target *t, size_t n)
{
	awm_remote_snapshot s;
	size_t i;
	int rc = awm_remote_snapshot_take(&s, r, "refs/");

	for (i = 0; rc == 0 && i < n; i++) {
		if (!t[i].write)
			continue;
		rc = check_target(r, &t[i], awm_remote_snapshot_ref(&s, t[i].dst));
		t[i].ok = !t[i].write;
	}
	awm_remote_snapshot_release(&s);
	return rc;
}

/* Steps 6 to 8 on a CAS store: swap the ref's entry for ours, looking again on a lost swap. */
static int swap_entry(awm_remote *r, target *t, const awm_remote_snapshot *first)
{
	awm_remote_snapshot again;
	const awm_remote_snapshot *s = first;
	awm_buf name = AWM_BUF_INIT, text = AWM_BUF_INIT;
	uint64_t gen;
	char id[17];
	int rc, attempt;

	memset(&again, 0, sizeof(again));
	if ((rc = awm_commit_generation(&gen, r->repo, &t->oid)) < 0 ||
	    (rc = awm_random_hex(id, 8)) < 0)
		goto done;
	awm_remote_entry_name(&name, t->dst, gen, &t->oid, id);
	awm_buf_printf(&text, "%s\n", awm_oid_tohex(&t->oid).s);
	for (attempt = 0;; attempt++) {
		const awm_remote_ref *ref = awm_remote_snapshot_ref(s, t->dst);
		const awm_remote_file *cur = ref && ref->nr ?
			awm_remote_files_find(&s->files, ref->entries[ref->nr - 1].file) : NULL;

		rc = awm_transport_replace(r->t, name.ptr, cur, text.ptr, text.size);
		if (rc != AWM_ECONFLICT || attempt >= 8)
			break;
		/* Someone got there first: a plain rejection, unless they only moved it our way. */
		awm_error_clear();
		awm_remote_snapshot_release(&again);
		if ((rc = awm_remote_snapshot_take(&again, r, "refs/")) < 0 ||
		    (rc = check_target(r, t, awm_remote_snapshot_ref(&again, t->dst))) < 0 ||
		    !t->write)
			break;
		s = &again;
	}
	if (rc == AWM_ECONFLICT)
		rc = awm_error_set(AWM_ENONFASTFORWARD, "'%s' on remote '%s' kept changing while "
				   "this push tried to update it; run 'awm pull --rebase %s', then "
				   "push again", short_ref(t->dst), r->name, r->name);
	if (rc == 0 && t->write) {
		t->entry = awm_strdup(name.ptr);
		awm_remote_update_tracking(r, t->dst, &t->oid);
	}
done:
	awm_remote_snapshot_release(&again);
	awm_buf_release(&name);
	awm_buf_release(&text);
	return rc;
}

static int push_steps(awm_push_report *out, awm_remote *r, target *t, size_t n,
		      awm_xfer_progress_cb progress, void *payload)
{
	awm_remote_snapshot s, after;
	awm_buf errs = AWM_BUF_INIT;
	size_t i, writes = 0;
	int rc, first_err = 0;

	memset(&after, 0, sizeof(after));
	if ((rc = awm_remote_snapshot_take(&s, r, "")) < 0)
		return rc;
	if ((rc = awm_remote_lock_check(r, &s)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if ((rc = check_target(r, &t[i], awm_remote_snapshot_ref(&s, t[i].dst))) < 0)
			goto done;
		writes += t[i].write;
		t[i].ok = !t[i].write;
	}
	if (!writes)
		goto done;
	/* The marker first: from then on the folder or prefix is a remote. */
	if (s.format == 0 && (rc = awm_transport_put(r->t, AWM_REMOTE_MARKER,
						     "awm remote format 1\n", 20)) < 0)
		goto done;
	if ((rc = upload_objects(out, r, &s, t, n, progress, payload)) < 0)
		goto done;
	if (r->t->caps & AWM_TRANSPORT_CAS) {
		if (out->objects) {   /* look again, and swap against what is there now */
			awm_remote_snapshot_release(&s);
			if ((rc = awm_remote_snapshot_take(&s, r, "refs/")) < 0)
				goto done;
			for (i = 0; i < n; i++)
				if (t[i].write &&
				    (rc = check_target(r, &t[i], awm_remote_snapshot_ref(&s, t[i].dst))) < 0)
					goto done;
		}
		for (i = 0; i < n; i++) {
			if (t[i].write && (rc = swap_entry(r, &t[i], &s)) < 0)
				goto done;
			t[i].ok = 1;
		}
		goto done;
	}
	/*
	 * An upload takes a while: look at the refs again just before writing,
	 * so a push that landed meanwhile is a plain rejection rather than a
	 * race that withdraws both.
	 */
	if (out->objects && (rc = recheck(r, t, n)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (t[i].write && (rc = write_entry(r, &t[i])) < 0)
			goto done;
	if ((rc = awm_remote_snapshot_take(&after, r, "refs/")) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (!t[i].write)
			continue;
		if ((rc = settle_target(r, &t[i], &after)) == 0) {
			t[i].ok = 1;
			continue;
		}
		/* Settle every ref, then report each failure. */
		if (!first_err)
			first_err = rc;
		awm_buf_printf(&errs, "%s%s", errs.size ? "\n" : "", awm_error_last());
	}
	rc = first_err;
	if (rc < 0)
		awm_error_set(rc, "%s", errs.ptr);
done:
	awm_remote_snapshot_release(&s);
	awm_remote_snapshot_release(&after);
	awm_buf_release(&errs);
	return rc;
}

int awm_remote_push(awm_push_report *out, awm_remote *r, const awm_push_spec *specs,
		    size_t n, awm_xfer_progress_cb progress, void *payload)
{
	target *t = awm_calloc(n ? n : 1, sizeof(target));
	awm_oid *finished = NULL;
	size_t i, j, nfinished = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = resolve_targets(t, r, specs, n)) < 0 ||
	    (rc = awm_remote_begin(r)) < 0 ||
	    (rc = awm_remote_settle_journal(out, &finished, &nfinished, r)) < 0)
		goto done;
	rc = push_steps(out, r, t, n, progress, payload);
	out->refs = awm_calloc(n ? n : 1, sizeof(awm_push_result));
	for (i = 0; i < n; i++) {
		if (!t[i].ok)
			continue;
		out->refs[out->nr].dst = awm_strdup(t[i].dst);
		out->refs[out->nr].old_oid = t[i].old;
		out->refs[out->nr].new_oid = t[i].oid;
		out->refs[out->nr].status = t[i].status;
		/* An up-to-date ref that an interrupted push just finished. */
		for (j = 0; j < nfinished; j++)
			if (t[i].status == AWM_PUSH_UP_TO_DATE &&
			    awm_oid_equal(&finished[j], &t[i].oid))
				out->refs[out->nr].status = AWM_PUSH_COMPLETED;
		out->nr++;
	}
done:
	for (i = 0; i < n; i++) {
		free(t[i].dst);
		free(t[i].entry);
		for (j = 0; j < t[i].nreplace; j++)
			free(t[i].replace[j]);
		free(t[i].replace);
	}
	free(t);
	free(finished);
	awm_remote_end(r);
	return rc;
}
