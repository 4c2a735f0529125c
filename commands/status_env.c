/*
 * `awm status --env <env>`: where an environment's database is against
 * where it should be (see envcli.h).
 */
#include "commands/envcli.h"
#include "core/refs.h"

#include <string.h>

static void label_line(awm_cli *cli, awm_buf *out, const char *title, const awm_oid *oid,
		       int has, const char *none)
{
	awm_buf_printf(out, "  %-9s ", title);
	envcli_commit_label(cli, out, oid, has, none);
	awm_buf_putc(out, '\n');
}

static void steps(awm_cli *cli, awm_buf *out, const awm_plan *p, awm_direction dir,
		  const char *title)
{
	size_t i, n = 0;

	for (i = 0; i < p->nr; i++)
		n += p->steps[i].dir == dir;
	if (!n)
		return;
	awm_buf_printf(out, "\n%s (%zu):\n", title, n);
	for (i = 0; i < p->nr; i++) {
		if (p->steps[i].dir != dir)
			continue;
		awm_buf_puts(out, "  ");
		envcli_step_line(cli, out, &p->steps[i]);
		if (p->steps[i].refusal)
			awm_buf_printf(out, "      cannot be rolled back: %s\n", p->steps[i].refusal);
	}
}

int envcli_status(awm_cli *cli, const char *env_name)
{
	awm_deploy_opts o = { 0 };
	awm_deploy d;
	awm_buf out = AWM_BUF_INIT, owner = AWM_BUF_INIT;
	awm_engine *e = NULL;
	awm_env env = { NULL, NULL };
	awm_oid target, ref, head;
	const char *what = NULL;
	int rc, has_ref, has_head;

	memset(&d, 0, sizeof(d));
	if ((rc = envcli_open(cli, env_name, 0, &env, &e)))
		return rc;
	has_ref = awm_env_ref(&ref, cli->repo, env.name) == 0;
	has_head = awm_ref_lookup(&head, cli->repo, "HEAD") == 0;
	awm_error_clear();
	if ((rc = envcli_deploy_opts(cli, &o, &owner, &env)))
		goto done;
	o.dry_run = 1;
	o.mode = AWM_DEPLOY_APPLY;
	if (has_ref || has_head) {
		target = has_ref ? ref : head;
		what = has_ref ? "env ref" : "HEAD";
		o.target = &target;
	}
	rc = awm_deploy_run(&d, cli->repo, e, &o);
	if (rc < 0 && !d.plan.nr && !d.history.nr) {
		rc = cli_fail(rc);
		goto done;
	}
	awm_error_clear();
	awm_buf_printf(&out, "Environment '%s' (%s)\n", env.name, env.url);
	label_line(cli, &out, "applied:", &d.plan.head, d.plan.has_head, "nothing");
	label_line(cli, &out, "env ref:", &ref, has_ref, "not set");
	label_line(cli, &out, "HEAD:", &head, has_head, "no commits");
	if (what)
		awm_buf_printf(&out, "  target:   %s\n", what);
	if (what) {   /* with nothing to aim at, nothing is pending or extra */
		steps(cli, &out, &d.plan, AWM_DIR_DOWN, "Extra, applied but not in the "
		      "target's history (apply rolls them back)");
		steps(cli, &out, &d.plan, AWM_DIR_UP, "Pending (apply applies them)");
	}
	if (!d.plan.nr && what)
		awm_buf_puts(&out, "\nUp to date\n");
	awm_buf_puts(&out, "\n");
	if (d.drifted)
		envcli_drift(cli, &out, &d, "  ");
	else
		awm_buf_puts(&out, "drift: none\n");
	if (!d.lock.held)
		awm_buf_puts(&out, "lock: free\n");
	else
		awm_buf_printf(&out, "lock: held by %s until %s%s\n", d.lock.owner,
			       d.lock.expires_at, d.lock.expired ? " (expired)" : "");
	fputs(out.ptr, stdout);
	rc = EXIT_OK;
done:
	awm_deploy_release(&d);
	awm_buf_release(&out);
	awm_buf_release(&owner);
	awm_engine_free(e);
	awm_env_release(&env);
	return rc;
}
