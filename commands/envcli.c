/*
 * Shared helpers of the environment commands (see envcli.h).
 */
#include "commands/envcli.h"
#include "core/changeset.h"
#include "core/refs.h"
#include "core/revparse.h"
#include "objects/odb.h"

#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/*
 * The run a signal interrupts.  A signal handler can reach nothing else,
 * so this is the one piece of file-level mutable state in the tool; it is
 * set only between envcli_guard() and envcli_unguard().
 */
static awm_engine *volatile guarded;
static volatile sig_atomic_t caught;
static struct sigaction old_int, old_term;

static void on_signal(int sig)
{
	caught = sig;
	if (guarded)
		awm_engine_interrupt(guarded);
}

void envcli_guard(awm_engine *e)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;   /* a second signal kills at once */
	sigemptyset(&sa.sa_mask);
	caught = 0;
	guarded = e;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/* A signal the caller ignores (a background job's SIGINT) stays ignored. */
	if (old_int.sa_handler == SIG_IGN)
		sigaction(SIGINT, &old_int, NULL);
	if (old_term.sa_handler == SIG_IGN)
		sigaction(SIGTERM, &old_term, NULL);
}

void envcli_unguard(void)
{
	int sig = caught;

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	guarded = NULL;
	if (sig) {
		/* Die of the signal, as the caller expects, now that the lock is gone. */
		fflush(stdout);
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

int envcli_open(awm_cli *cli, const char *name, unsigned flags, awm_env *env,
		awm_engine **engine)
{
	int rc = name ? awm_env_get(env, cli->repo, name) : awm_env_default(env, cli->repo);

	if (rc < 0)
		return rc == AWM_EUSAGE ? cli_usage_error(cli, "%s", awm_error_last()) : cli_fail(rc);
	if ((rc = awm_engine_open(engine, cli->repo, env->url, flags)) < 0) {
		awm_error_prefix("environment '%s'", env->name);
		awm_env_release(env);
		return cli_fail(rc);
	}
	return 0;
}

void envcli_commit_label(awm_cli *cli, awm_buf *out, const awm_oid *oid, int has,
			 const char *none)
{
	awm_commit *c;
	awm_buf subj = AWM_BUF_INIT;

	if (!has) {
		awm_buf_puts(out, none);
		return;
	}
	awm_buf_printf(out, "%s%s%s", cli_color(cli, C_YELLOW), awm_oid_short(oid, 10).s,
		       cli_color(cli, C_RESET));
	if (awm_commit_read(&c, cli->repo->odb, oid) == 0) {
		awm_commit_subject(&subj, c);
		awm_buf_printf(out, " %s", subj.ptr);
		awm_commit_free(c);
	}
	awm_error_clear();
	awm_buf_release(&subj);
}

void envcli_step_line(awm_cli *cli, awm_buf *out, const awm_plan_step *s)
{
	awm_buf subj = AWM_BUF_INIT;

	awm_commit_subject(&subj, s->commit);
	awm_buf_printf(out, "%s%-4s%s %s%s%s  %s%s\n",
		       cli_color(cli, s->dir == AWM_DIR_UP ? C_GREEN : C_RED),
		       s->dir == AWM_DIR_UP ? "up" : "down", cli_color(cli, C_RESET),
		       cli_color(cli, C_YELLOW), awm_oid_short(&s->commit->oid, 10).s,
		       cli_color(cli, C_RESET), subj.ptr, s->resume ? " (resumed)" : "");
	awm_buf_release(&subj);
}

static void indented_blob(awm_cli *cli, awm_buf *out, const char *title, const awm_oid *oid)
{
	awm_object *obj;
	const char *p, *nl;

	if (awm_odb_read_typed(&obj, cli->repo->odb, oid, AWM_OBJ_BLOB) < 0) {
		awm_buf_printf(out, "    %s: (cannot read %s: %s)\n", title,
			       awm_oid_short(oid, 10).s, awm_error_last());
		awm_error_clear();
		return;
	}
	awm_buf_printf(out, "    %s:\n", title);
	for (p = (const char *)obj->data; *p; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (nl > p)
			awm_buf_printf(out, "        %.*s\n", (int)(nl - p), p);
	}
	awm_object_free(obj);
}

/* "users: 2 inserted, 1 updated" for each table; `invert` swaps the sides. */
static void counts_line(awm_buf *out, const char *title, const char *table, json_int_t ins,
			json_int_t upd, json_int_t del, int invert)
{
	if (invert) {
		json_int_t t = ins;

		ins = del;
		del = t;
	}
	awm_buf_printf(out, "    %s: %s: %lld inserted, %lld updated, %lld deleted\n", title,
		       table, (long long)ins, (long long)upd, (long long)del);
}

static void commit_changeset(awm_cli *cli, awm_buf *out, const awm_commit *c, int invert)
{
	awm_changeset_summary sum;
	awm_object *obj = NULL;
	size_t i;

	if (awm_odb_read_typed(&obj, cli->repo->odb, &c->changeset, AWM_OBJ_CHANGESET) < 0 ||
	    awm_changeset_summarize(&sum, obj->data, obj->size, NULL, 0) < 0) {
		awm_object_free(obj);
		awm_buf_printf(out, "    changeset: (cannot read: %s)\n", awm_error_last());
		awm_error_clear();
		return;
	}
	for (i = 0; i < sum.nr; i++)
		counts_line(out, invert ? "inverse changeset" : "changeset", sum.tables[i].name,
			    (json_int_t)sum.tables[i].inserts, (json_int_t)sum.tables[i].updates,
			    (json_int_t)sum.tables[i].deletes, invert);
	if (!sum.nr)
		awm_buf_puts(out, "    changeset: no rows\n");
	awm_changeset_summary_release(&sum);
	awm_object_free(obj);
}

/* The effect the row recorded, inverted: what rolling it back undoes. */
static void row_changes(awm_buf *out, const awm_plan_step *s)
{
	json_t *payload = json_loads(s->row->payload, 0, NULL);
	json_t *tables = json_object_get(json_object_get(payload, "changes"), "tables");
	size_t i;

	for (i = 0; i < json_array_size(tables); i++) {
		json_t *t = json_array_get(tables, i);

		counts_line(out, "inverse changeset", json_string_value(json_object_get(t, "table")),
			    json_integer_value(json_object_get(t, "inserts")),
			    json_integer_value(json_object_get(t, "updates")),
			    json_integer_value(json_object_get(t, "deletes")), 1);
	}
	if (!json_array_size(tables))
		awm_buf_puts(out, "    inverse changeset: no rows\n");
	json_decref(payload);
}

void envcli_step_detail(awm_cli *cli, awm_buf *out, const awm_plan_step *s)
{
	const awm_commit *c = s->commit;

	envcli_step_line(cli, out, s);
	if (s->dir == AWM_DIR_UP) {
		if (c->has_up)
			indented_blob(cli, out, strcmp(c->engine, "sqlite") ? "target schema" : "up SQL",
				      &c->up);
		if (c->kind != AWM_KIND_SQL && c->has_changeset)
			commit_changeset(cli, out, c, 0);
		if (!c->has_up && (c->kind == AWM_KIND_SQL || !c->has_changeset))
			awm_buf_puts(out, "    (nothing to run)\n");
	} else {
		if (s->refusal)
			awm_buf_printf(out, "    %scannot be rolled back:%s %s\n",
				       cli_color(cli, C_RED), cli_color(cli, C_RESET), s->refusal);
		if (s->undo == AWM_UNDO_INVERSE || s->undo == AWM_UNDO_INVERSE_THEN_DOWN) {
			if (c->kind == AWM_KIND_SQL && s->row && s->row->has_capture)
				row_changes(out, s);
			else if (c->has_changeset)
				commit_changeset(cli, out, c, 1);
		}
		if (s->undo == AWM_UNDO_DOWN || s->undo == AWM_UNDO_INVERSE_THEN_DOWN)
			indented_blob(cli, out, "down SQL", &c->down);
	}
}

void envcli_drift(awm_cli *cli, awm_buf *out, const awm_deploy *d, const char *indent)
{
	if (!d->drifted)
		return;
	awm_buf_printf(out, "%sdrift:%s the schema is not the one the history has at %s\n",
		       cli_color(cli, C_RED), cli_color(cli, C_RESET),
		       d->plan.has_head ? awm_oid_short(&d->plan.head, 10).s : "the start");
	awm_drift_format(out, &d->drift, indent);
}

int envcli_target(awm_cli *cli, awm_oid *out, const char **what, const awm_env *env,
		  const char *rev)
{
	int rc;

	if (rev) {
		*what = rev;
		return cli_rev(cli, out, rev);
	}
	if ((rc = awm_env_ref(out, cli->repo, env->name)) == 0) {
		*what = "env ref";
		return 0;
	}
	if (rc != AWM_ENOTFOUND)
		return cli_fail(rc);
	*what = "HEAD";
	if ((rc = awm_ref_lookup(out, cli->repo, "HEAD")) == AWM_ENOTFOUND) {
		awm_error_clear();
		return cli_error("no migrations recorded yet, and environment '%s' has no "
				 "commit set; record some with 'awm commit'", env->name);
	}
	return rc < 0 ? cli_fail(rc) : 0;
}

int envcli_deploy_opts(awm_cli *cli, awm_deploy_opts *o, awm_buf *owner, const awm_env *env)
{
	int rc;

	awm_env_lock_owner(owner);
	o->owner = owner->ptr;
	o->payload = cli;   /* each step prints its line: that is the progress */
	if ((rc = awm_env_lock_ttl(&o->lock_ttl_ms, cli->repo, env->name)) < 0)
		return cli_fail(rc);
	return 0;
}

static void print_step(const awm_deploy *d, size_t i, void *payload)
{
	awm_cli *cli = payload;
	awm_buf line = AWM_BUF_INIT;

	envcli_step_line(cli, &line, &d->plan.steps[i]);
	fputs(line.ptr, stdout);
	fflush(stdout);
	awm_buf_release(&line);
}

static void print_plan(awm_cli *cli, const awm_env *env, const awm_engine *e,
		       const awm_deploy *d, const char *target_what)
{
	awm_buf out = AWM_BUF_INIT;
	size_t i;

	awm_buf_printf(&out, "Plan for '%s' (%s): %zu step%s\n", env->name, e->url, d->plan.nr,
		       d->plan.nr == 1 ? "" : "s");
	awm_buf_puts(&out, "  applied: ");
	envcli_commit_label(cli, &out, &d->plan.head, d->plan.has_head, "nothing");
	awm_buf_puts(&out, "\n  target:  ");
	envcli_commit_label(cli, &out, &d->plan.target, d->plan.has_target, "nothing (empty)");
	if (target_what)
		awm_buf_printf(&out, " (%s)", target_what);
	awm_buf_putc(&out, '\n');
	if (d->plan.ndown && d->plan.ndown < d->plan.nr) {
		awm_buf_puts(&out, "  down to ");
		envcli_commit_label(cli, &out, &d->plan.base, d->plan.has_base, "the start");
		awm_buf_printf(&out, ", then up %zu\n", d->plan.nr - d->plan.ndown);
	}
	if (d->drifted)
		awm_buf_puts(&out, "  ");
	envcli_drift(cli, &out, d, "    ");
	for (i = 0; i < d->plan.nr; i++) {
		awm_buf_putc(&out, '\n');
		if (d->previews && d->previews[i]) {
			/* The engine listed what the step does: its operations. */
			envcli_step_line(cli, &out, &d->plan.steps[i]);
			awm_buf_puts(&out, d->previews[i]);
		} else {
			envcli_step_detail(cli, &out, &d->plan.steps[i]);
		}
	}
	fputs(out.ptr, stdout);
	awm_buf_release(&out);
}

int envcli_deploy(awm_cli *cli, const awm_env *env, awm_engine *e, awm_deploy_opts *o,
		  const char *target_what)
{
	awm_deploy d;
	awm_buf label = AWM_BUF_INIT;
	int rc;

	if (o->allow_data_loss && !awm_engine_has_preview(e))
		return cli_usage_error(cli, "--allow-data-loss is for Appwrite environments; '%s' "
				       "is a %s database, whose migrations say in their own SQL "
				       "what they drop", env->name, e->ops->schema_engine);
	if (!o->dry_run) {
		o->on_step = print_step;
		envcli_guard(e);
	}
	rc = awm_deploy_run(&d, cli->repo, e, o);
	if (o->dry_run && d.plan.nr + d.history.nr + d.plan.has_target) {
		char *msg = rc < 0 ? awm_strdup(awm_error_last()) : NULL;

		print_plan(cli, env, e, &d, target_what);
		if (msg)   /* printing reads commits, which may clear it */
			awm_error_set(rc, "%s", msg);
		free(msg);
	}
	if (rc < 0) {
		if (!o->dry_run && d.done)
			printf("'%s' stopped after %zu of %zu steps\n", env->name, d.done, d.plan.nr);
		rc = cli_fail(rc);
		goto done;
	}
	if (!o->dry_run && d.plan.nr == 0) {
		envcli_commit_label(cli, &label, &d.plan.head, d.plan.has_head, "nothing");
		printf("'%s' is up to date at %s\n", env->name, label.ptr);
		awm_buf_clear(&label);
		envcli_drift(cli, &label, &d, "  ");
		if (label.size)
			fprintf(stderr, "warning: %s", label.ptr);
	} else if (!o->dry_run) {
		envcli_commit_label(cli, &label, &d.plan.target, d.plan.has_target, "");
		if (d.plan.has_target)
			printf("'%s' is now at %s\n", env->name, label.ptr);
		else
			printf("'%s' is now empty: everything was rolled back\n", env->name);
	}
	rc = EXIT_OK;
done:
	if (!o->dry_run)
		envcli_unguard();
	awm_buf_release(&label);
	awm_deploy_release(&d);
	return rc;
}

int envcli_move(awm_cli *cli, const char *env_name, awm_deploy_mode mode, const char *to,
		awm_deploy_opts *o)
{
	const char *what = to;
	awm_buf owner = AWM_BUF_INIT;
	awm_engine *e = NULL;
	awm_env env = { NULL, NULL };
	awm_oid target;
	int rc;

	if ((rc = envcli_open(cli, env_name, o->dry_run ? 0 : AWM_ENGINE_WRITE, &env, &e)))
		return rc;
	if (mode == AWM_DEPLOY_APPLY)
		rc = envcli_target(cli, &target, &what, &env, to);
	else if (to)
		rc = cli_rev(cli, &target, to);
	if (rc || (rc = envcli_deploy_opts(cli, o, &owner, &env)))
		goto done;
	o->mode = mode;
	o->target = mode == AWM_DEPLOY_APPLY || to ? &target : NULL;
	rc = envcli_deploy(cli, &env, e, o, what);
done:
	awm_engine_free(e);
	awm_env_release(&env);
	awm_buf_release(&owner);
	return rc;
}
