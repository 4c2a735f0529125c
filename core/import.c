/*
 * The import driver and the helpers the kinds share (see import.h).
 */
#include "core/import.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/migration.h"
#include "core/refs.h"
#include "core/sqlite.h"
#include "core/sqlite_schema.h"
#include "core/worktree.h"
#include "objects/schema.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const awm_import_kind awm_import_kind_sqlx;
extern const awm_import_kind awm_import_kind_golang_migrate;
extern const awm_import_kind awm_import_kind_dbmate;
extern const awm_import_kind awm_import_kind_b2m;

/* One line per kind; a new kind is one more file and one more line. */
static const awm_import_kind *const kinds[] = {
	&awm_import_kind_sqlx,
	&awm_import_kind_golang_migrate,
	&awm_import_kind_dbmate,
	&awm_import_kind_b2m,
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const awm_import_kind *awm_import_kind_find(const char *name)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

const char *awm_import_kind_names(void)
{
	return "sqlx, golang-migrate, dbmate, b2m";
}

/* ---- the driver ---- */

void awm_import_result_release(awm_import_result *res)
{
	size_t i;

	awm_record_result_release(&res->commits);
	for (i = 0; i < res->nr; i++) {
		free(res->files[i]);
		free(res->sources[i]);
	}
	free(res->files);
	free(res->sources);
	free(res->db);
	free(res->version);
	free(res->env_ref);
	free(res->dropped);
	memset(res, 0, sizeof(*res));
}

/* The rest of a name, fit for an awm name: [A-Za-z0-9_-], never empty. */
static void phrase_of(awm_buf *out, const char *phrase)
{
	const char *p;

	awm_buf_clear(out);
	for (p = phrase; *p; p++) {
		char c = *p;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '-' || c == '_';

		if (ok)
			awm_buf_putc(out, c);
		else if (out->size && out->ptr[out->size - 1] != '_')
			awm_buf_putc(out, '_');
	}
	while (out->size && (out->ptr[out->size - 1] == '_' || out->ptr[out->size - 1] == '-'))
		awm_buf_truncate(out, out->size - 1);
	while (out->size && (out->ptr[0] == '_' || out->ptr[0] == '-')) {
		memmove(out->ptr, out->ptr + 1, out->size);
		out->size--;
	}
	if (!out->size)
		awm_buf_puts(out, "migration");
}

typedef struct plan {
	const awm_import_kind *kind;
	const awm_import_opts *opts;
	awm_repo *repo;
	awm_import_list list;
	awm_buf folder;              /* absolute */
	awm_migration *mig;          /* one per item */
	awm_buf *text;               /* the awm file of each item */
	char **up_src, **down_src;   /* "<folder>/<file>", for messages */
	char **run_path;             /* scripts: the tool's file, absolute */
	size_t nr;
} plan;

static void plan_release(plan *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++) {
		awm_migration_release(&p->mig[i]);
		awm_buf_release(&p->text[i]);
		free(p->up_src[i]);
		free(p->down_src[i]);
		free(p->run_path[i]);
	}
	free(p->mig);
	free(p->text);
	free(p->up_src);
	free(p->down_src);
	free(p->run_path);
	awm_import_list_release(&p->list);
	awm_buf_release(&p->folder);
}

/* The tool's folder cannot be the one its files are converted into. */
static int check_not_awm_folder(plan *p)
{
	awm_buf mig = AWM_BUF_INIT, a = AWM_BUF_INIT;
	int rc = 0;

	awm_repo_migrations_dir(&mig, p->repo);
	awm_fs_canonical(&a, mig.ptr);
	if (!strcmp(a.ptr, p->folder.ptr))
		rc = awm_error_set(AWM_EUSAGE, "'%s' is awm's migrations folder too; import from "
				   "the tool's own folder into another one (set [migrations] dir "
				   "in awm.conf)", p->opts->folder);
	awm_buf_release(&mig);
	awm_buf_release(&a);
	return rc;
}

/* Refuse to mix the import with files awm has not recorded yet. */
static int check_awm_folder(plan *p)
{
	awm_recorded_set rec;
	awm_wt_status st;
	awm_oid head;
	size_t i;
	int rc, has_head;

	memset(&rec, 0, sizeof(rec));
	memset(&st, 0, sizeof(st));
	rc = awm_ref_lookup(&head, p->repo, "HEAD");
	if (rc < 0 && rc != AWM_ENOTFOUND)
		goto done;
	awm_error_clear();
	has_head = rc == 0;
	if ((rc = awm_recorded_load(&rec, p->repo, has_head ? &head : NULL)) < 0 ||
	    (rc = awm_worktree_status(&st, p->repo, &rec)) < 0)
		goto done;
	for (i = 0; i < st.nr; i++)
		if (st.items[i].state != AWM_WT_MISSING) {
			rc = awm_error_set(AWM_EINVALID, "awm's migrations folder holds '%s', which is "
					   "not recorded as it is; record it (awm commit) or move it "
					   "away before importing", st.items[i].path);
			goto done;
		}
done:
	awm_recorded_release(&rec);
	awm_wt_status_release(&st);
	return rc;
}

/* The width numeric versions are padded to: the longest as written. */
static size_t version_width(const awm_import_list *l, int numeric)
{
	size_t i, w = 0;

	for (i = 0; numeric && i < l->nr; i++)
		if (strlen(l->items[i].version) > w)
			w = strlen(l->items[i].version);
	return w;
}

/* The awm file of a SQL migration: a line naming its source, then the sections. */
static int convert_sql(plan *p, size_t i, const awm_import_item *it, const char *path)
{
	awm_buf *text = &p->text[i];
	int rc;

	awm_buf_printf(text, "-- Imported from %s: %s", p->kind->name, p->up_src[i]);
	if (it->down_file && strcmp(it->down_file, it->up_file))
		awm_buf_printf(text, " and %s", p->down_src[i]);
	awm_buf_printf(text, "\n%s\n%s", AWM_UP_MARKER, it->up.ptr);
	if (it->up.size && it->up.ptr[it->up.size - 1] != '\n')
		awm_buf_putc(text, '\n');
	if (it->down_file || it->down.size) {
		awm_buf_printf(text, "%s\n%s", AWM_DOWN_MARKER, it->down.ptr);
		if (it->down.size && it->down.ptr[it->down.size - 1] != '\n')
			awm_buf_putc(text, '\n');
	}
	if ((rc = awm_migration_parse(&p->mig[i], path, text->ptr, text->size)) < 0) {
		awm_error_prefix("cannot import '%s'", p->up_src[i]);
		return rc;
	}
	p->mig[i].up_line = it->up_line;
	p->mig[i].down_file = p->down_src[i] ? p->down_src[i] : p->up_src[i];
	p->mig[i].down_line = it->down_line;
	return 0;
}

/*
 * The awm file of a script migration is the program, byte for byte (a
 * comment naming the source could break a "#!" line; the commit message
 * names it).  It is validated by running the tool's own file, so that a
 * program importing its neighbours finds them.
 */
static void convert_script(plan *p, size_t i, const awm_import_item *it, const char *path)
{
	awm_buf bytes = AWM_BUF_INIT;

	awm_buf_put(&bytes, it->up.ptr, it->up.size);
	awm_migration_from_script(&p->mig[i], path, &bytes);
	awm_buf_put(&p->text[i], p->mig[i].script.ptr, p->mig[i].script.size);
	p->run_path[i] = awm_printf_alloc("%s/%s", p->folder.ptr, it->up_file);
	p->mig[i].script_path = p->run_path[i];
	awm_buf_release(&bytes);
}

/* Turn each item into the awm migration file that will hold it. */
static int convert(plan *p)
{
	awm_buf rel = AWM_BUF_INIT, name = AWM_BUF_INIT, phrase = AWM_BUF_INIT;
	awm_buf path = AWM_BUF_INIT, abs = AWM_BUF_INIT;
	size_t i, width = version_width(&p->list, p->kind->numeric);
	int rc = 0;

	awm_repo_migrations_rel(&rel, p->repo);
	p->mig = awm_calloc(p->list.nr, sizeof(*p->mig));
	p->text = awm_calloc(p->list.nr, sizeof(*p->text));
	p->up_src = awm_calloc(p->list.nr, sizeof(char *));
	p->down_src = awm_calloc(p->list.nr, sizeof(char *));
	p->run_path = awm_calloc(p->list.nr, sizeof(char *));
	for (i = 0; i < p->list.nr && rc == 0; i++) {
		const awm_import_item *it = &p->list.items[i];
		size_t pad = strlen(it->version) < width ? width - strlen(it->version) : 0;
		const char *ext = it->is_script ? strrchr(it->up_file, '.') : NULL;

		p->nr++;
		awm_buf_init(&p->text[i]);
		p->up_src[i] = awm_printf_alloc("%s/%s", p->opts->folder, it->up_file);
		if (it->down_file)
			p->down_src[i] = awm_printf_alloc("%s/%s", p->opts->folder, it->down_file);
		phrase_of(&phrase, it->phrase);
		awm_buf_clear(&name);
		while (pad--)
			awm_buf_putc(&name, '0');
		awm_buf_printf(&name, "%s_%s%s", it->version, phrase.ptr, ext ? ext : ".sql");
		if ((rc = awm_migration_name_check(name.ptr)) < 0)
			break;
		awm_buf_clear(&path);
		awm_path_join(&path, rel.ptr, name.ptr);
		if (it->is_script)
			convert_script(p, i, it, path.ptr);
		else if ((rc = convert_sql(p, i, it, path.ptr)) < 0)
			break;
		p->mig[i].up_file = p->up_src[i];
		awm_buf_clear(&abs);
		awm_path_join(&abs, p->repo->root, path.ptr);
		if (awm_fs_exists(abs.ptr))
			rc = awm_error_set(AWM_EEXISTS, "'%s' (for '%s') exists already; nothing was "
					   "imported", path.ptr, p->up_src[i]);
	}
	awm_buf_release(&rel);
	awm_buf_release(&name);
	awm_buf_release(&phrase);
	awm_buf_release(&path);
	awm_buf_release(&abs);
	return rc;
}

/* Write every awm file, or none. */
static int write_files(plan *p, size_t *written)
{
	awm_buf dir = AWM_BUF_INIT, abs = AWM_BUF_INIT;
	size_t i;
	int rc;

	*written = 0;
	awm_repo_migrations_dir(&dir, p->repo);
	if ((rc = awm_fs_mkdir_p(dir.ptr, 0755)) < 0)
		goto done;
	for (i = 0; i < p->nr; i++) {
		awm_buf_clear(&abs);
		awm_path_join(&abs, p->repo->root, p->mig[i].path);
		if ((rc = awm_fs_write_atomic(abs.ptr, p->text[i].ptr, p->text[i].size, 0644,
					      AWM_FS_EXCL)) < 0)
			goto done;
		(*written)++;
	}
done:
	awm_buf_release(&dir);
	awm_buf_release(&abs);
	return rc;
}

static void unwrite_files(plan *p, size_t n)
{
	awm_buf abs = AWM_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		awm_buf_clear(&abs);
		awm_path_join(&abs, p->repo->root, p->mig[i].path);
		unlink(abs.ptr);
	}
	awm_buf_release(&abs);
}

static char *commit_message(const plan *p, size_t i)
{
	awm_buf msg = AWM_BUF_INIT, phrase = AWM_BUF_INIT;
	size_t j;

	phrase_of(&phrase, p->list.items[i].phrase);
	for (j = 0; j < phrase.size; j++)
		if (phrase.ptr[j] == '_')
			phrase.ptr[j] = ' ';
	awm_buf_printf(&msg, "%s\n\nImported from %s: %s\n", phrase.ptr, p->kind->name,
		       p->up_src[i]);
	awm_buf_release(&phrase);
	return awm_buf_detach(&msg);
}

/* The schema of the batch's scratch database (the state after what it staged). */
static int batch_schema(awm_schema **out, awm_record_batch *b)
{
	sqlite3 *db = awm_record_batch_db(b);

	return db ? awm_sqlite_schema_snapshot(out, db) : awm_error_code();
}

static int run(awm_import_result *out, plan *p)
{
	awm_record_batch *b = NULL;
	awm_schema *want = NULL;
	awm_import_db st;
	const awm_import_opts *o = p->opts;
	awm_buf dbpath = AWM_BUF_INIT, ref = AWM_BUF_INIT, url = AWM_BUF_INIT;
	size_t i, written = 0;
	int rc, undone;

	memset(&st, 0, sizeof(st));
	if (o->env) {
		awm_buf_printf(&ref, "refs/envs/%s", o->env);
		if ((rc = awm_refname_check(ref.ptr)) < 0)
			goto done;
	}
	if (o->db) {
		awm_buf_puts(&dbpath, o->db);
		out->db = awm_strdup(o->db);
	} else if (o->env) {
		size_t n = strlen(p->repo->root);

		if ((rc = awm_import_env_database(&dbpath, p->repo, o->env)) < 0)
			goto done;
		/* Named as awm.conf names it: relative to the project root. */
		out->db = awm_strdup(!strncmp(dbpath.ptr, p->repo->root, n) && dbpath.ptr[n] == '/' ?
				     dbpath.ptr + n + 1 : dbpath.ptr);
	}
	if (o->applied && !out->db) {
		rc = awm_error_set(AWM_EUSAGE, "--applied says how far a database is; name it "
				   "with --db or --env");
		goto done;
	}
	if (out->db) {
		out->has_db = 1;
		if ((rc = awm_import_db_read(&st, p->kind, &p->list, o->folder, dbpath.ptr,
					      out->db, o->applied)) < 0)
			goto done;
		out->applied = st.applied;
		out->version = st.version ? awm_strdup(st.version) : NULL;
	}
	/* A database awm moves already cannot be adopted: say so before any work. */
	if (o->env && out->has_db &&
	    ((rc = awm_import_adopt_url(&url, p->repo, o->env, dbpath.ptr, out->db)) < 0 ||
	     (rc = awm_import_adopt_check(p->repo, url.ptr, out->db)) < 0))
		goto done;
	if ((rc = awm_record_batch_new(&b, p->repo, NULL)) < 0)
		goto done;
	if (out->has_db && st.applied == 0 &&
	    (rc = batch_schema(&want, b)) < 0)
		goto done;
	for (i = 0; i < p->nr; i++) {
		char *msg = commit_message(p, i);

		rc = awm_record_batch_add(b, &p->mig[i], msg);
		free(msg);
		if (rc < 0) {
			awm_error_prefix("nothing was imported");
			goto done;
		}
		if (out->has_db && i + 1 == st.applied &&
		    (rc = batch_schema(&want, b)) < 0)
			goto done;
		if (o->progress)
			o->progress("Importing migrations", i + 1, p->nr, o->payload);
	}
	if (out->has_db && (rc = awm_import_db_check(&st, want, out->db)) < 0)
		goto done;
	if (o->dry_run) {
		awm_record_batch_take(&out->commits, b);
		goto done;
	}
	if ((rc = write_files(p, &written)) < 0 || (rc = awm_record_batch_commit(b)) < 0) {
		unwrite_files(p, written);
		goto done;
	}
	awm_record_batch_take(&out->commits, b);
	if (o->env && out->has_db &&
	    (rc = awm_import_settle_env(&undone, out, p->repo, o, p->kind, b, &st, url.ptr)) < 0 &&
	    undone)
		unwrite_files(p, written);
done:
	awm_record_batch_free(b);
	awm_schema_free(want);
	awm_import_db_release(&st);
	awm_buf_release(&dbpath);
	awm_buf_release(&ref);
	awm_buf_release(&url);
	return rc;
}

int awm_import(awm_import_result *out, awm_repo *repo, const awm_import_opts *opts)
{
	plan p;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	awm_buf_init(&p.folder);
	p.opts = opts;
	p.repo = repo;
	if (!(p.kind = awm_import_kind_find(opts->kind))) {
		rc = awm_error_set(AWM_EUSAGE, "unknown kind '%s'; awm imports %s", opts->kind,
				   awm_import_kind_names());
		goto done;
	}
	awm_fs_canonical(&p.folder, opts->folder);
	if (!awm_fs_is_dir(p.folder.ptr)) {
		rc = awm_error_set(AWM_ENOTFOUND, "'%s' is not a folder", opts->folder);
		goto done;
	}
	if ((rc = check_not_awm_folder(&p)) < 0 ||
	    (rc = p.kind->scan(&p.list, p.folder.ptr, opts->folder)) < 0)
		goto done;
	if (p.list.nr == 0) {
		rc = awm_error_set(AWM_ENOTFOUND, "'%s' holds no %s migrations (%s)", opts->folder,
				   p.kind->name, p.kind->layout);
		goto done;
	}
	if ((rc = check_awm_folder(&p)) < 0 || (rc = convert(&p)) < 0 || (rc = run(out, &p)) < 0)
		goto done;
	out->nr = p.nr;
	out->files = awm_calloc(p.nr, sizeof(char *));
	out->sources = awm_calloc(p.nr, sizeof(char *));
	for (i = 0; i < p.nr; i++) {
		out->files[i] = awm_strdup(p.mig[i].path);
		out->sources[i] = awm_strdup(p.up_src[i]);
	}
done:
	if (rc < 0)
		awm_import_result_release(out);
	plan_release(&p);
	return rc;
}
