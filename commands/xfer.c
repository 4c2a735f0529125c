/*
 * Transfer display helpers shared by push, fetch, pull, remote and status
 * (see xfer.h).
 */
#include "commands/xfer.h"
#include "core/walk.h"

#include <string.h>

void cli_xfer_init(cli_xfer *x, awm_cli *cli)
{
	memset(x, 0, sizeof(*x));
	x->cli = cli;
}

void cli_format_bytes(awm_buf *out, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	awm_buf_clear(out);
	if (n < 1024) {
		awm_buf_printf(out, "%llu bytes", (unsigned long long)n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	awm_buf_printf(out, "%.2f %s", v, units[u]);
}

void cli_xfer_progress(const awm_xfer_progress *p, void *payload)
{
	cli_xfer *x = payload;
	awm_buf bytes = AWM_BUF_INIT;
	struct timespec now;
	long ms;

	if (!x || !x->cli || !x->cli->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - x->last.tv_sec) * 1000 + (now.tv_nsec - x->last.tv_nsec) / 1000000;
	if (!p->done && x->drawing == p->what && ms < 100)
		return;
	if (x->drawing && x->drawing != p->what)
		fputc('\n', stderr);
	x->last = now;
	x->drawing = p->what;
	fprintf(stderr, "\r%s: ", p->what);
	if (p->objects_total)
		fprintf(stderr, "%3d%% (%llu/%llu)", (int)(p->objects * 100 / p->objects_total),
			(unsigned long long)p->objects, (unsigned long long)p->objects_total);
	else if (p->bytes_total)
		fprintf(stderr, "%3d%%", (int)(p->bytes * 100 / p->bytes_total));
	if (p->bytes) {
		cli_format_bytes(&bytes, p->bytes);
		fprintf(stderr, "%s%s", p->objects_total || p->bytes_total ? ", " : "", bytes.ptr);
	}
	if (p->done) {
		fputs(", done.\n", stderr);
		x->drawing = NULL;
	}
	fflush(stderr);
	awm_buf_release(&bytes);
}

void cli_print_transfer_stats(const awm_remote *r)
{
	printf("requests: %llu, sent: %llu bytes, received: %llu bytes\n",
	       (unsigned long long)r->t->stats.requests,
	       (unsigned long long)r->t->stats.bytes_sent,
	       (unsigned long long)r->t->stats.bytes_received);
}

int cli_open_remote(awm_cli *cli, awm_remote **out, const char *name)
{
	awm_buf def = AWM_BUF_INIT;
	int rc = 0;

	if (!name && (rc = awm_remote_default(&def, cli->repo)) == 0)
		name = def.ptr;
	if (rc == 0)
		rc = awm_remote_open(out, cli->repo, name);
	awm_buf_release(&def);
	return rc;
}

void cli_print_heads(FILE *f, awm_cli *cli, const awm_oid *heads, size_t n,
		     const char *indent)
{
	awm_buf subj = AWM_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		awm_walk *w;
		awm_oid o;

		awm_buf_clear(&subj);
		awm_walk_new(&w, cli->repo, 0);
		if (!awm_odb_exists(cli->repo->odb, &heads[i]))
			awm_buf_puts(&subj, "(not fetched yet)");
		else if (awm_walk_push(w, &heads[i]) == 0 && awm_walk_next(w, &o) == 1)
			awm_walk_subject(w, &subj);
		awm_walk_free(w);
		awm_error_clear();
		fprintf(f, "%s%s%s%s %s\n", indent, cli_color(cli, C_YELLOW),
		       awm_oid_short(&heads[i], 10).s, cli_color(cli, C_RESET), subj.ptr);
	}
	awm_buf_release(&subj);
}

const char *cli_short_ref(const char *ref)
{
	return !strncmp(ref, "refs/heads/", 11) ? ref + 11 : ref;
}

void cli_format_utc(char *out, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}
