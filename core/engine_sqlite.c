/*
 * The sqlite engine: an environment that is a SQLite database file
 * (docs/engine.md).  Opening, awm's two tables, the history and the lock;
 * steps are in engine_sqlite_step.c, adopting a database in
 * engine_sqlite_adopt.c.
 *
 * The lock is a row in awm_locks.  Taking it reads the row and writes the
 * new owner inside one BEGIN IMMEDIATE transaction: SQLite lets one writer
 * in at a time, so of two runs that race for an expired lock exactly one
 * sees it free and writes, and the other then sees the winner.  It works
 * for every process that can open the file, on any machine.
 */
#include "core/engine_sqlite.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"

#include <stdlib.h>
#include <string.h>

static const char create_tables[] =
	"CREATE TABLE IF NOT EXISTS awm_state (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  record_type TEXT NOT NULL,\n"
	"  record_id TEXT NOT NULL,\n"
	"  status TEXT NOT NULL\n"
	"    CHECK (status IN ('applied', 'rolled_back', 'failed', 'pending')),\n"
	"  created_at TEXT NOT NULL,\n"
	"  updated_at TEXT NOT NULL,\n"
	"  payload TEXT NOT NULL CHECK (json_valid(payload)),\n"
	"  changeset BLOB\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS awm_state_record ON awm_state (record_type, record_id);\n"
	"CREATE TABLE IF NOT EXISTS awm_locks (\n"
	"  id TEXT PRIMARY KEY,\n"
	"  owner TEXT NOT NULL,\n"
	"  acquired_at TEXT NOT NULL,\n"
	"  expires_at TEXT NOT NULL\n"
	");\n";

int awm_sqlite_engine_begin(sqlite_engine *e)
{
	int rc = sqlite3_exec(e->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return awm_error_set(AWM_ELOCKED, "database '%s' stayed busy: another run is "
				     "writing it; try again", e->shown);
	return awm_sqlite_error(e->db, rc, "cannot start a transaction on '%s'", e->shown);
}

void awm_sqlite_engine_rollback(sqlite_engine *e)
{
	if (!sqlite3_get_autocommit(e->db))
		sqlite3_exec(e->db, "ROLLBACK", NULL, NULL, NULL);
}

static int table_count(sqlite_engine *e, int *n)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(e->db, "SELECT count(*) FROM sqlite_schema WHERE "
				    "type = 'table' AND name IN ('awm_state', 'awm_locks')",
				    -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : awm_sqlite_error(e->db, rc, "cannot read '%s'", e->shown);
}

/* Created on first use, once: an existing pair costs one read. */
static int ensure_tables(sqlite_engine *e)
{
	int n = 0, rc;

	if ((rc = table_count(e, &n)) < 0)
		return rc;
	if (n == 2)
		goto ok;
	if ((rc = awm_sqlite_engine_begin(e)) < 0)
		return rc;
	if ((rc = awm_sqlite_exec(e->db, create_tables)) < 0) {
		awm_error_prefix("cannot create awm's tables in '%s'", e->shown);
		awm_sqlite_engine_rollback(e);
		return rc;
	}
	if ((rc = awm_sqlite_exec(e->db, "COMMIT")) < 0) {
		awm_sqlite_engine_rollback(e);
		return rc;
	}
ok:
	e->has_tables = 1;
	return 0;
}

static void sqlite_close(awm_engine *base)
{
	sqlite_engine *e = (sqlite_engine *)base;

	sqlite3_close(e->db);
	free(e->path);
	free(e->shown);
	free(e);
}

static int sqlite_open(awm_engine **out, awm_repo *repo, const char *location, unsigned flags)
{
	sqlite_engine *e = awm_calloc(1, sizeof(*e));
	awm_buf path = AWM_BUF_INIT;
	int n = 0, rc;

	if (location[0] == '/' || !repo)
		awm_buf_puts(&path, location);
	else
		awm_path_join(&path, repo->root, location);
	e->path = awm_strdup(path.ptr);
	e->shown = awm_strdup(location);
	if (flags & AWM_ENGINE_WRITE) {
		char *slash = strrchr(path.ptr, '/');

		if (slash && slash != path.ptr) {
			*slash = '\0';
			if ((rc = awm_fs_mkdir_p(path.ptr, 0755)) < 0)
				goto fail;
		}
		if ((rc = awm_sqlite_open(&e->db, e->path, 1)) < 0 || (rc = ensure_tables(e)) < 0)
			goto fail;
	} else if (!awm_fs_exists(e->path)) {
		/* Nothing there yet: it reads as an empty database, and stays uncreated. */
		if ((rc = awm_sqlite_open_image(&e->db, NULL, 0)) < 0)
			goto fail;
	} else {
		if ((rc = awm_sqlite_open(&e->db, e->path, 0)) < 0 || (rc = table_count(e, &n)) < 0)
			goto fail;
		e->has_tables = n == 2;
	}
	awm_buf_release(&path);
	*out = &e->base;
	return 0;
fail:
	awm_buf_release(&path);
	sqlite_close(&e->base);
	return rc;
}

static int sqlite_snapshot(awm_schema **out, awm_engine *base)
{
	sqlite_engine *e = (sqlite_engine *)base;

	return awm_sqlite_schema_snapshot(out, e->db);
}

static char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return awm_strdup(t ? (const char *)t : "");
}

static int sqlite_history(awm_history *out, awm_engine *base)
{
	sqlite_engine *e = (sqlite_engine *)base;
	sqlite3_stmt *st = NULL;
	int rc;

	if (!e->has_tables)
		return 0;
	rc = sqlite3_prepare_v2(e->db, "SELECT id, record_type, record_id, status, created_at, "
				"updated_at, payload, changeset IS NOT NULL FROM awm_state "
				"ORDER BY id", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		awm_history_row *r;
		int status = awm_row_status_parse((const char *)sqlite3_column_text(st, 3));

		AWM_ARRAY_GROW(out->rows, out->nr + 1, out->alloc);
		r = &out->rows[out->nr++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->record_type = column_dup(st, 1);
		r->record_id = column_dup(st, 2);
		if (awm_oid_fromhex(&r->commit, r->record_id) < 0)
			awm_oid_clear(&r->commit);
		r->status = status < 0 ? AWM_ROW_FAILED : (awm_row_status)status;
		r->created_at = column_dup(st, 4);
		r->updated_at = column_dup(st, 5);
		r->payload = column_dup(st, 6);
		r->has_capture = sqlite3_column_int(st, 7);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		awm_history_release(out);
		return awm_sqlite_error(e->db, rc, "cannot read the history in '%s'", e->shown);
	}
	return 0;
}

static int read_lock(awm_lock_info *out, sqlite_engine *e, const char *id)
{
	sqlite3_stmt *st = NULL;
	awm_buf now = AWM_BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!e->has_tables)
		return 0;
	rc = sqlite3_prepare_v2(e->db, "SELECT owner, acquired_at, expires_at FROM awm_locks "
				"WHERE id = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW) {
		out->held = 1;
		out->id = awm_strdup(id);
		out->owner = column_dup(st, 0);
		out->acquired_at = column_dup(st, 1);
		out->expires_at = column_dup(st, 2);
		/* The fixed-width ISO form sorts as time does. */
		awm_engine_format_time(&now, awm_engine_now_ms());
		out->expired = strcmp(out->expires_at, now.ptr) <= 0;
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	awm_buf_release(&now);
	if (rc != SQLITE_DONE) {
		awm_lock_info_release(out);
		return awm_sqlite_error(e->db, rc, "cannot read the locks in '%s'", e->shown);
	}
	return 0;
}

static int locked_by(const awm_lock_info *l, const awm_lock_request *req, const char *path)
{
	if (awm_engine_same_identity(l->owner, req->owner))
		return awm_error_set(AWM_ELOCKED, "database '%s' is locked by %s until %s; "
				     "if that run of yours is gone, take the lock over with "
				     "--force", path, l->owner, l->expires_at);
	return awm_error_set(AWM_ELOCKED, "database '%s' is locked by %s until %s; wait "
			     "for it to finish or expire", path, l->owner, l->expires_at);
}

/* May `req` take a lock that `cur` describes? */
static int may_take(const awm_lock_info *cur, const awm_lock_request *req)
{
	return !cur->held || cur->expired || !strcmp(cur->owner, req->owner) ||
	       ((req->force || req->same_identity) &&
		awm_engine_same_identity(cur->owner, req->owner));
}

static int sqlite_lock_read(awm_lock_info *out, awm_engine *base, const char *id)
{
	return read_lock(out, (sqlite_engine *)base, id);
}

static int sqlite_lock(awm_lock_info *holder, awm_engine *base, const awm_lock_request *req)
{
	sqlite_engine *e = (sqlite_engine *)base;
	awm_buf now = AWM_BUF_INIT, until = AWM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int64_t ms = awm_engine_now_ms();
	int rc;

	/* A live lock is refused without queueing for the write lock behind its holder. */
	if ((rc = read_lock(holder, e, req->id)) < 0)
		return rc;
	if (!may_take(holder, req))
		return locked_by(holder, req, e->shown);
	awm_lock_info_release(holder);
	if ((rc = awm_sqlite_engine_begin(e)) < 0)
		return rc;
	/* Decided again inside the transaction: only this one counts. */
	if ((rc = read_lock(holder, e, req->id)) < 0)
		goto done;
	if (!may_take(holder, req)) {
		rc = locked_by(holder, req, e->shown);
		goto done;
	}
	awm_engine_format_time(&now, ms);
	awm_engine_format_time(&until, ms + req->ttl_ms);
	rc = sqlite3_prepare_v2(e->db, "INSERT OR REPLACE INTO awm_locks (id, owner, acquired_at, "
				"expires_at) VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, req->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, req->owner, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now.ptr, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, until.ptr, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE) {
		rc = awm_sqlite_error(e->db, rc, "cannot take the lock in '%s'", e->shown);
		goto done;
	}
	if (awm_fault("lock-commit")) {
		rc = awm_error_set(AWM_ERROR, "fault injected: lock-commit");
		goto done;
	}
	rc = awm_sqlite_exec(e->db, "COMMIT");
	if (rc == 0) {
		awm_lock_info_release(holder);
		holder->held = 1;
		holder->id = awm_strdup(req->id);
		holder->owner = awm_strdup(req->owner);
		holder->acquired_at = awm_buf_detach(&now);
		holder->expires_at = awm_buf_detach(&until);
	}
done:
	sqlite3_finalize(st);
	if (rc < 0)
		awm_sqlite_engine_rollback(e);
	awm_buf_release(&now);
	awm_buf_release(&until);
	return rc;
}

int awm_sqlite_engine_check_lock(sqlite_engine *e, const awm_lock_request *req, int renew)
{
	awm_lock_info cur;
	awm_buf until = AWM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	if (!req)
		return 0;
	if ((rc = read_lock(&cur, e, req->id)) < 0)
		return rc;
	if (!cur.held || strcmp(cur.owner, req->owner)) {
		rc = awm_error_set(AWM_ELOCKED, "this run lost its lock on '%s'%s%s after it "
				   "expired; stopped", e->shown, cur.held ? " to " : "",
				   cur.held ? cur.owner : "");
		goto done;
	}
	if (!renew)
		goto done;
	awm_engine_format_time(&until, awm_engine_now_ms() + req->ttl_ms);
	rc = sqlite3_prepare_v2(e->db, "UPDATE awm_locks SET expires_at = ?1 WHERE id = ?2 AND "
				"owner = ?3", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, until.ptr, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, req->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, req->owner, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	rc = rc == SQLITE_DONE ? 0 : awm_sqlite_error(e->db, rc, "cannot renew the lock in '%s'",
						     e->shown);
done:
	sqlite3_finalize(st);
	awm_lock_info_release(&cur);
	awm_buf_release(&until);
	return rc;
}

int awm_sqlite_engine_drop_lock(sqlite_engine *e, const awm_lock_request *req)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!req)
		return 0;
	rc = sqlite3_prepare_v2(e->db, "DELETE FROM awm_locks WHERE id = ?1 AND owner = ?2",
				-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, req->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, req->owner, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : awm_sqlite_error(e->db, rc, "cannot unlock '%s'", e->shown);
}

static int sqlite_unlock(awm_engine *base, const awm_lock_request *req)
{
	sqlite_engine *e = (sqlite_engine *)base;
	awm_lock_info cur;
	sqlite3_stmt *st = NULL;
	int rc;

	memset(&cur, 0, sizeof(cur));
	if (!e->has_tables)
		return 0;
	if ((rc = awm_sqlite_engine_begin(e)) < 0)
		return rc;
	if ((rc = read_lock(&cur, e, req->id)) < 0 || !cur.held)
		goto done;
	if (strcmp(cur.owner, req->owner) && !req->force &&
	    !(req->same_identity && awm_engine_same_identity(cur.owner, req->owner))) {
		rc = awm_error_set(AWM_ELOCKED, "database '%s' is locked by %s until %s, not by "
				   "you; leave it to them, or break it with --force", e->shown,
				   cur.owner, cur.expires_at);
		goto done;
	}
	rc = sqlite3_prepare_v2(e->db, "DELETE FROM awm_locks WHERE id = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, req->id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	rc = rc == SQLITE_DONE ? 0 : awm_sqlite_error(e->db, rc, "cannot unlock '%s'", e->shown);
done:
	sqlite3_finalize(st);
	awm_lock_info_release(&cur);
	if (rc == 0)
		rc = awm_sqlite_exec(e->db, "COMMIT");
	if (rc < 0)
		awm_sqlite_engine_rollback(e);
	return rc;
}

static int sqlite_reset(size_t *removed, awm_engine *base, const awm_lock_request *held)
{
	sqlite_engine *e = (sqlite_engine *)base;
	int rc;

	if (!e->has_tables)
		return 0;
	if ((rc = awm_sqlite_engine_begin(e)) < 0)
		return rc;
	if ((rc = awm_sqlite_engine_check_lock(e, held, 0)) < 0 ||
	    (rc = awm_sqlite_exec(e->db, "DELETE FROM awm_state WHERE id IS NOT NULL")) < 0) {
		awm_sqlite_engine_rollback(e);
		return rc;
	}
	*removed = (size_t)sqlite3_changes(e->db);
	if ((rc = awm_sqlite_exec(e->db, "COMMIT")) < 0)
		awm_sqlite_engine_rollback(e);
	return rc;
}

static void sqlite_interrupt(awm_engine *base)
{
	sqlite_engine *e = (sqlite_engine *)base;

	if (e->db)
		sqlite3_interrupt(e->db);
}

const awm_engine_ops awm_engine_sqlite = {
	.scheme = "sqlite",
	.schema_engine = "sqlite",
	.caps = AWM_ENGINE_ATOMIC,
	.open = sqlite_open,
	.close = sqlite_close,
	.snapshot = sqlite_snapshot,
	.history = sqlite_history,
	.step = awm_sqlite_engine_step,
	.lock = sqlite_lock,
	.unlock = sqlite_unlock,
	.lock_read = sqlite_lock_read,
	.adopt = awm_sqlite_engine_adopt,
	.reset = sqlite_reset,
	.interrupt = sqlite_interrupt,
};
