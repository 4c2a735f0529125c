/*
 * The lease lock on a remote (see remote_lock.h).
 *
 * A lock is a record file locks/<seq>[-<id>] holding who took it, where,
 * and until when.  The record with the highest sequence that has not
 * expired is the lock in force.  Taking the lock writes the next sequence
 * (exclusively, where the transport can), then lists locks/ again: a live
 * record that was not there before means another clone tried at the same
 * time, and the taker backs off.  Of two that race, the later listing
 * always sees the other's record, so two clones never both hold the lock;
 * at worst both back off (docs/remote-protocol.md, "The lock").
 */
#include "core/remote_internal.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/git.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void awm_lock_record_release(awm_lock_record *rec)
{
	free(rec->file);
	free(rec->owner);
	free(rec->host);
	free(rec->message);
	memset(rec, 0, sizeof(*rec));
}

static uint64_t seq_of(const char *file)
{
	return strtoull(file + strlen("locks/"), NULL, 10);
}

static void mine_path(awm_buf *out, awm_remote *r)
{
	awm_remote_state_path(out, r, "lock");
}

/* The record this clone holds, per .awm/remotes/<name>/lock; empty if none. */
static void read_mine(awm_buf *out, awm_remote *r)
{
	awm_buf path = AWM_BUF_INIT;

	mine_path(&path, r);
	awm_buf_clear(out);
	if (awm_fs_read_file(out, path.ptr) < 0)
		awm_error_clear();
	awm_buf_rtrim(out);
	awm_buf_release(&path);
}

static int read_record(awm_lock_record *out, awm_remote *r, const awm_remote_file *f)
{
	awm_buf data = AWM_BUF_INIT, mine = AWM_BUF_INIT;
	json_t *j = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	/* By name: a record is written once, so its newest version is it. */
	if ((rc = awm_transport_get(r->t, &data, f->name, NULL)) < 0)
		goto done;
	j = json_loadb(data.ptr, data.size, 0, NULL);
	if (!json_is_object(j) || !json_is_integer(json_object_get(j, "expires"))) {
		rc = awm_error_set(AWM_ECORRUPT, "lock record '%s' on remote '%s' is not "
				   "readable; remove it with 'awm unlock --remote %s --force'",
				   f->name, r->name, r->name);
		goto done;
	}
	out->file = awm_strdup(f->name);
	out->seq = seq_of(f->name);
	out->owner = awm_strdup(json_string_value(json_object_get(j, "owner")) ?
				json_string_value(json_object_get(j, "owner")) : "someone");
	out->host = awm_strdup(json_string_value(json_object_get(j, "host")) ?
			       json_string_value(json_object_get(j, "host")) : "");
	out->message = awm_strdup(json_string_value(json_object_get(j, "message")) ?
				  json_string_value(json_object_get(j, "message")) : "");
	out->since = json_integer_value(json_object_get(j, "since"));
	out->expires = json_integer_value(json_object_get(j, "expires"));
	read_mine(&mine, r);
	out->mine = !strcmp(mine.ptr, f->name);
done:
	json_decref(j);
	awm_buf_release(&data);
	awm_buf_release(&mine);
	return rc;
}

int awm_remote_lock_current(awm_lock_record *out, int *held, awm_remote *r,
			    const awm_remote_snapshot *s)
{
	time_t now = time(NULL);
	size_t i;
	int rc;

	*held = 0;
	memset(out, 0, sizeof(*out));
	for (i = s->nlocks; i-- > 0; ) {
		if ((rc = read_record(out, r, s->locks[i])) < 0) {
			if (rc == AWM_ENOTFOUND) {   /* released meanwhile */
				awm_error_clear();
				continue;
			}
			return rc;
		}
		if (out->expires > now) {
			*held = 1;
			return 0;
		}
		awm_lock_record_release(out);
	}
	return 0;
}

static void format_time(char *out, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static int locked_error(awm_remote *r, const awm_lock_record *rec)
{
	char since[64], until[64];

	format_time(since, sizeof(since), rec->since);
	format_time(until, sizeof(until), rec->expires);
	return awm_error_set(AWM_ELOCKED, "remote '%s' is locked by %s%s%s since %s, until %s%s%s%s; "
			     "wait for them to run 'awm unlock --remote %s', or take the lock "
			     "over with 'awm lock --remote %s --force'", r->name, rec->owner,
			     *rec->host ? " on " : "", rec->host, since, until,
			     *rec->message ? " (\"" : "", rec->message,
			     *rec->message ? "\")" : "", r->name, r->name);
}

int awm_remote_lock_check(awm_remote *r, const awm_remote_snapshot *s)
{
	awm_lock_record rec;
	int held, rc = awm_remote_lock_current(&rec, &held, r, s);

	if (rc == 0 && held && !rec.mine)
		rc = locked_error(r, &rec);
	awm_lock_record_release(&rec);
	return rc;
}

static char *record_text(awm_lock_record *rec, awm_remote *r, int64_t ttl, const char *message)
{
	awm_signature who;
	char host[256] = "";
	json_t *j;
	char *text;

	memset(&who, 0, sizeof(who));
	if (awm_git_identity(&who, r->repo->root) == 0)
		rec->owner = awm_printf_alloc("%s <%s>", who.name, who.email);
	else
		rec->owner = awm_strdup("someone");
	awm_error_clear();
	awm_signature_release(&who);
	gethostname(host, sizeof(host) - 1);
	rec->host = awm_strdup(host);
	rec->message = awm_strdup(message ? message : "");
	rec->since = (int64_t)time(NULL);
	rec->expires = rec->since + ttl;
	rec->mine = 1;
	j = json_pack("{s:i, s:s, s:s, s:s, s:I, s:I}", "version", 1, "owner", rec->owner,
		      "host", rec->host, "message", rec->message,
		      "since", (json_int_t)rec->since, "expires", (json_int_t)rec->expires);
	text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(j);
	return text;
}

/* After writing our record: a live record that was not there before wins. */
static int contended(int *yes, awm_remote *r, const awm_remote_snapshot *before,
		     const char *ours)
{
	awm_remote_snapshot after;
	time_t now = time(NULL);
	size_t i;
	int rc = awm_remote_snapshot_take(&after, r, "locks/");

	*yes = 0;
	for (i = 0; rc == 0 && !*yes && i < after.nlocks; i++) {
		awm_lock_record rec;

		if (!strcmp(after.locks[i]->name, ours) ||
		    awm_remote_files_find(&before->files, after.locks[i]->name))
			continue;
		if ((rc = read_record(&rec, r, after.locks[i])) == AWM_ENOTFOUND) {
			awm_error_clear();
			rc = 0;
			continue;
		}
		if (rc == 0)
			*yes = rec.expires > now;
		awm_lock_record_release(&rec);
	}
	awm_remote_snapshot_release(&after);
	return rc;
}

static int write_mine(awm_remote *r, const char *file)
{
	awm_buf path = AWM_BUF_INIT, text = AWM_BUF_INIT;
	int rc;

	mine_path(&path, r);
	if (!file) {
		unlink(path.ptr);
		rc = 0;
	} else {
		awm_buf_printf(&text, "%s\n", file);
		rc = awm_fs_write_atomic(path.ptr, text.ptr, text.size, 0644, 0);
	}
	awm_buf_release(&path);
	awm_buf_release(&text);
	return rc;
}

int awm_remote_lock_acquire(awm_lock_record *out, awm_remote *r, int64_t ttl, int force,
			    const char *message)
{
	awm_remote_snapshot s;
	awm_lock_record cur;
	awm_buf name = AWM_BUF_INIT;
	char id[17], *text = NULL;
	int held = 0, busy, rc;
	uint64_t seq;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&cur, 0, sizeof(cur));
	memset(&s, 0, sizeof(s));
	if (ttl <= 0)
		return awm_error_set(AWM_EUSAGE, "a lock needs a positive time to live");
	if ((rc = awm_remote_begin(r)) < 0 ||
	    (rc = awm_remote_snapshot_take(&s, r, "locks/")) < 0 ||
	    (rc = awm_remote_lock_current(&cur, &held, r, &s)) < 0)
		goto done;
	if (held && !cur.mine && !force) {
		rc = locked_error(r, &cur);
		goto done;
	}
	seq = s.nlocks ? seq_of(s.locks[s.nlocks - 1]->name) + 1 : 1;
	if ((rc = awm_random_hex(id, 8)) < 0)
		goto done;
	if (r->t->caps & AWM_TRANSPORT_EXCLUSIVE)
		awm_buf_printf(&name, "locks/%012llu", (unsigned long long)seq);
	else
		awm_buf_printf(&name, "locks/%012llu-%s", (unsigned long long)seq, id);
	text = record_text(out, r, ttl, message);
	out->file = awm_strdup(name.ptr);
	out->seq = seq;
	if (r->t->caps & AWM_TRANSPORT_EXCLUSIVE)
		rc = awm_transport_create_exclusive(r->t, name.ptr, text, strlen(text));
	else
		rc = awm_transport_put(r->t, name.ptr, text, strlen(text));
	if (rc == AWM_EEXISTS) {
		rc = awm_error_set(AWM_ELOCKED, "another clone took the lock on remote '%s' at "
				   "the same moment; see 'awm remote show %s'", r->name, r->name);
		goto done;
	}
	if (rc < 0 || (rc = contended(&busy, r, &s, name.ptr)) < 0)
		goto done;
	if (busy) {
		awm_transport_remove(r->t, name.ptr);
		rc = awm_error_set(AWM_ELOCKED, "another clone tried to lock remote '%s' at the "
				   "same moment, so both backed off; try again", r->name);
		goto done;
	}
	if ((rc = write_mine(r, name.ptr)) < 0)
		goto done;
	/* Older records are superseded now: expired, taken over, or our own. */
	for (i = 0; i < s.nlocks; i++)
		if (awm_transport_remove(r->t, s.locks[i]->name) < 0)
			awm_error_clear();
done:
	awm_remote_end(r);
	if (rc < 0)
		awm_lock_record_release(out);
	awm_lock_record_release(&cur);
	awm_remote_snapshot_release(&s);
	awm_buf_release(&name);
	free(text);
	return rc;
}

int awm_remote_lock_release(awm_lock_record *prev, awm_remote *r, int force)
{
	awm_remote_snapshot s;
	awm_lock_record cur;
	awm_buf mine = AWM_BUF_INIT;
	const awm_remote_file *f;
	int held = 0, rc;
	size_t i;

	memset(&cur, 0, sizeof(cur));
	memset(&s, 0, sizeof(s));
	if (prev)
		memset(prev, 0, sizeof(*prev));
	read_mine(&mine, r);
	if ((rc = awm_remote_begin(r)) < 0 ||
	    (rc = awm_remote_snapshot_take(&s, r, "locks/")) < 0)
		goto done;
	if (force) {
		if ((rc = awm_remote_lock_current(&cur, &held, r, &s)) < 0)
			goto done;
		for (i = 0; rc == 0 && i < s.nlocks; i++)
			rc = awm_transport_remove(r->t, s.locks[i]->name);
	} else if (!mine.size) {
		rc = awm_error_set(AWM_ENOTFOUND, "this clone holds no lock on remote '%s'",
				   r->name);
		goto done;
	} else if ((f = awm_remote_files_find(&s.files, mine.ptr))) {
		if ((rc = read_record(&cur, r, f)) == 0)
			held = 1;
		if (rc == AWM_ENOTFOUND) {
			awm_error_clear();
			rc = 0;
		}
		if (rc == 0)
			rc = awm_transport_remove(r->t, mine.ptr);
	}
	/* Without the record, the lock expired and went, or was taken over. */
	if (rc == 0)
		rc = write_mine(r, NULL);
	if (rc == 0 && prev && held) {
		*prev = cur;
		memset(&cur, 0, sizeof(cur));
	}
done:
	awm_remote_end(r);
	awm_lock_record_release(&cur);
	awm_remote_snapshot_release(&s);
	awm_buf_release(&mine);
	return rc;
}

int awm_remote_lock_show(awm_lock_record *out, int *held, awm_remote *r)
{
	awm_remote_snapshot s;
	int rc = awm_remote_snapshot_take(&s, r, "locks/");

	memset(out, 0, sizeof(*out));
	*held = 0;
	if (rc == 0)
		rc = awm_remote_lock_current(out, held, r, &s);
	awm_remote_snapshot_release(&s);
	return rc;
}
