/*
 * Presenting commits (see display.h).
 */
#include "commands/display.h"
#include "core/changeset.h"
#include "core/git.h"
#include "core/refs.h"
#include "core/sqlite_schema.h"
#include "objects/schema.h"

#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1fu;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0fu;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	/* No overlong forms, surrogates or code points past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

json_t *display_json_text(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	awm_buf fixed = AWM_BUF_INIT;
	size_t i = 0, n;

	if (j)
		return j;
	/* Not UTF-8: keep the field, with U+FFFD for each byte that is not. */
	while (i < len) {
		if ((n = utf8_len((const unsigned char *)s + i, len - i)) > 0) {
			awm_buf_put(&fixed, s + i, n);
			i += n;
		} else {
			awm_buf_puts(&fixed, "\xef\xbf\xbd");
			i++;
		}
	}
	j = json_stringn(fixed.ptr, fixed.size);
	awm_buf_release(&fixed);
	return j ? j : json_string("");
}

json_t *display_json_text0(const char *s)
{
	return display_json_text(s ? s : "", s ? strlen(s) : 0);
}

static json_t *text(const char *s)
{
	return display_json_text0(s);
}

static void add_label(decorations *d, const awm_oid *oid, char *label, char kind)
{
	AWM_ARRAY_GROW(d->labels, d->nr + 1, d->alloc);
	d->targets = awm_realloc(d->targets, d->alloc * sizeof(awm_oid));
	d->kinds = awm_realloc(d->kinds, d->alloc);
	d->labels[d->nr] = label;
	d->targets[d->nr] = *oid;
	d->kinds[d->nr] = kind;
	d->nr++;
}

static int collect(const char *name, const awm_oid *oid, void *payload)
{
	decorations *d = payload;

	if (!strncmp(name, "refs/heads/", 11))
		add_label(d, oid, awm_strdup(name + 11), 'b');
	else if (!strncmp(name, "refs/envs/", 10))
		add_label(d, oid, awm_printf_alloc("env/%s", name + 10), 'e');
	else if (!strncmp(name, "refs/remotes/", 13))
		add_label(d, oid, awm_strdup(name + 13), 'r');
	else
		add_label(d, oid, awm_strdup(name), 'o');
	return 0;
}

int decorations_load(decorations *d, awm_repo *repo)
{
	awm_buf target = AWM_BUF_INIT;
	awm_oid head;
	size_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	if (awm_ref_lookup(&head, repo, "HEAD") == 0) {
		if (awm_ref_symbolic_target(&target, repo, "HEAD") == 0 &&
		    !strncmp(target.ptr, "refs/heads/", 11))
			add_label(d, &head, awm_printf_alloc("HEAD -> %s", target.ptr + 11), 'H');
		else
			add_label(d, &head, awm_strdup("HEAD"), 'H');
	}
	awm_buf_release(&target);
	awm_error_clear();
	if ((rc = awm_ref_foreach(repo, "refs/", collect, d)) < 0)
		return rc;
	/* "HEAD -> main" already names main. */
	for (i = 1; i < d->nr; i++)
		if (d->nr && !strncmp(d->labels[0], "HEAD -> ", 8) &&
		    !strcmp(d->labels[0] + 8, d->labels[i]) &&
		    awm_oid_equal(&d->targets[0], &d->targets[i]))
			d->labels[i][0] = '\0';
	for (i = d->nr; i-- > 0; )
		awm_oidmap_put(&d->index, &d->targets[i], (uint32_t)i + 1);
	return 0;
}

void decorations_release(decorations *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		free(d->labels[i]);
	free(d->labels);
	free(d->targets);
	free(d->kinds);
	awm_oidmap_release(&d->index);
	memset(d, 0, sizeof(*d));
}

void decorations_for(const decorations *d, const awm_oid *oid, awm_buf *out)
{
	uint32_t first;
	size_t i;

	awm_buf_clear(out);
	if (!d || !awm_oidmap_get(&d->index, oid, &first))
		return;
	for (i = first - 1; i < d->nr; i++)
		if (awm_oid_equal(&d->targets[i], oid) && d->labels[i][0])
			awm_buf_printf(out, "%s%s", out->size ? ", " : "", d->labels[i]);
}

void decorations_colored(awm_cli *cli, const decorations *d, const awm_oid *oid,
			 awm_buf *out)
{
	uint32_t first;
	size_t i;

	awm_buf_clear(out);
	if (!d || !awm_oidmap_get(&d->index, oid, &first))
		return;
	for (i = first - 1; i < d->nr; i++) {
		const char *color;

		if (!awm_oid_equal(&d->targets[i], oid) || !d->labels[i][0])
			continue;
		color = d->kinds[i] == 'H' ? C_BOLD_CYAN : d->kinds[i] == 'b' ? C_GREEN
			: d->kinds[i] == 'e' ? C_MAGENTA : d->kinds[i] == 'r' ? C_RED : C_YELLOW;
		awm_buf_printf(out, "%s%s%s%s", out->size ? ", " : "", cli_color(cli, color),
			       d->labels[i], cli_color(cli, C_RESET));
	}
}

json_t *decorations_json(const decorations *d, const awm_oid *oid)
{
	json_t *arr = json_array();
	uint32_t first;
	size_t i;

	if (!d || !awm_oidmap_get(&d->index, oid, &first))
		return arr;
	for (i = first - 1; i < d->nr; i++)
		if (awm_oid_equal(&d->targets[i], oid) && d->labels[i][0])
			json_array_append_new(arr, text(d->labels[i]));
	return arr;
}

void display_commit_header(awm_cli *cli, awm_buf *out, const awm_commit *c,
			   const decorations *d, const char *first, const char *prefix)
{
	awm_buf refs = AWM_BUF_INIT, date = AWM_BUF_INIT;
	const char *m, *nl;
	size_t i;

	decorations_colored(cli, d, &c->oid, &refs);
	awm_buf_printf(out, "%s%scommit %s%s", first, cli_color(cli, C_YELLOW),
		       awm_oid_tohex(&c->oid).s, cli_color(cli, C_RESET));
	if (refs.size)
		awm_buf_printf(out, " %s(%s%s%s)%s", cli_color(cli, C_YELLOW),
			       cli_color(cli, C_RESET), refs.ptr, cli_color(cli, C_YELLOW),
			       cli_color(cli, C_RESET));
	awm_buf_putc(out, '\n');
	if (c->nparents > 1) {
		awm_buf_printf(out, "%sMerge:", prefix);
		for (i = 0; i < c->nparents; i++)
			awm_buf_printf(out, " %s", awm_oid_short(&c->parents[i], 10).s);
		awm_buf_putc(out, '\n');
	}
	if (c->migration)
		awm_buf_printf(out, "%sMigration: %s\n", prefix, c->migration);
	awm_buf_printf(out, "%sAuthor: %s <%s>\n", prefix, c->author.name, c->author.email);
	cli_format_date(&date, c->author.time, c->author.tz);
	awm_buf_printf(out, "%sDate:   %s\n%s\n", prefix, date.ptr, prefix);
	for (m = c->message; m && *m; m = nl + 1) {
		nl = strchr(m, '\n');
		if (!nl)
			nl = m + strlen(m);
		awm_buf_printf(out, "%s    %.*s\n", prefix, (int)(nl - m), m);
		if (!*nl)
			break;
	}
	awm_buf_release(&refs);
	awm_buf_release(&date);
}

json_t *display_signature_json(const awm_signature *s)
{
	json_t *j = json_object();

	json_object_set_new(j, "name", text(s->name));
	json_object_set_new(j, "email", text(s->email));
	json_object_set_new(j, "time", json_integer((json_int_t)s->time));
	json_object_set_new(j, "tz_minutes", json_integer(s->tz));
	return j;
}

static json_t *opt_oid(int has, const awm_oid *oid)
{
	return has ? json_string(awm_oid_tohex(oid).s) : json_null();
}

json_t *display_commit_json(const awm_commit *c, const decorations *d)
{
	json_t *parents = json_array();
	awm_buf subj = AWM_BUF_INIT;
	json_t *j;
	size_t i;

	for (i = 0; i < c->nparents; i++)
		json_array_append_new(parents, json_string(awm_oid_tohex(&c->parents[i]).s));
	awm_commit_subject(&subj, c);
	j = json_object();
	json_object_set_new(j, "id", json_string(awm_oid_tohex(&c->oid).s));
	json_object_set_new(j, "parents", parents);
	json_object_set_new(j, "subject", display_json_text(subj.ptr, subj.size));
	json_object_set_new(j, "message", text(c->message ? c->message : ""));
	json_object_set_new(j, "migration", c->migration ? text(c->migration) : json_null());
	json_object_set_new(j, "engine", text(c->engine));
	json_object_set_new(j, "author", display_signature_json(&c->author));
	json_object_set_new(j, "committer", display_signature_json(&c->committer));
	json_object_set_new(j, "up", opt_oid(c->has_up, &c->up));
	json_object_set_new(j, "down", opt_oid(c->has_down, &c->down));
	json_object_set_new(j, "script", opt_oid(c->has_script, &c->script));
	json_object_set_new(j, "changeset", opt_oid(c->has_changeset, &c->changeset));
	json_object_set_new(j, "kind", json_string(awm_commit_kind_name(c->kind)));
	json_object_set_new(j, "schema", json_string(awm_oid_tohex(&c->schema).s));
	json_object_set_new(j, "git_commit", c->gitcommit ? json_string(c->gitcommit) : json_null());
	json_object_set_new(j, "refs", decorations_json(d, &c->oid));
	awm_buf_release(&subj);
	return j;
}

static int schema_text(awm_buf *out, awm_repo *repo, const awm_oid *oid)
{
	awm_schema *s;
	int rc;

	awm_buf_clear(out);
	if (!oid)
		return 0;
	if ((rc = awm_schema_read(&s, repo->odb, oid)) < 0)
		return rc;
	awm_schema_render_sql(out, s);
	awm_schema_free(s);
	return 0;
}

int display_schema_diff(awm_cli *cli, awm_buf *out, awm_repo *repo,
			const awm_oid *from, const awm_oid *to)
{
	awm_buf a = AWM_BUF_INIT, b = AWM_BUF_INIT, diff = AWM_BUF_INIT;
	const char *p, *nl;
	int rc;

	if ((rc = schema_text(&a, repo, from)) < 0 || (rc = schema_text(&b, repo, to)) < 0 ||
	    (rc = awm_git_diff_text(&diff, a.ptr, "schema.sql", b.ptr, "schema.sql")) < 0)
		goto done;
	for (p = diff.ptr; *p; p = nl + 1) {
		const char *color = "";

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (!strncmp(p, "diff --git ", 11) || !strncmp(p, "index ", 6))
			continue;   /* git's file headers mean nothing here */
		if (!strncmp(p, "+++", 3) || !strncmp(p, "---", 3) || !strncmp(p, "diff", 4))
			color = cli_color(cli, C_BOLD);
		else if (*p == '+')
			color = cli_color(cli, C_GREEN);
		else if (*p == '-')
			color = cli_color(cli, C_RED);
		else if (*p == '@')
			color = cli_color(cli, C_CYAN);
		awm_buf_printf(out, "%s%.*s%s\n", color, (int)(nl - p), p,
			       *color ? cli_color(cli, C_RESET) : "");
		if (!*nl)
			break;
	}
done:
	awm_buf_release(&a);
	awm_buf_release(&b);
	awm_buf_release(&diff);
	return rc;
}

static int summarize(awm_changeset_summary *sum, awm_repo *repo, const awm_oid *changeset,
		     const awm_oid *schema, size_t max_rows)
{
	awm_object *cs;
	awm_schema *s = NULL;
	sqlite3 *db = NULL;
	int rc;

	if ((rc = awm_odb_read_typed(&cs, repo->odb, changeset, AWM_OBJ_CHANGESET)) < 0)
		return rc;
	if (schema && awm_schema_read(&s, repo->odb, schema) == 0)
		awm_sqlite_open_schema(&db, s);
	awm_error_clear();
	rc = awm_changeset_summarize(sum, cs->data, cs->size, db, max_rows);
	sqlite3_close(db);
	awm_schema_free(s);
	awm_object_free(cs);
	return rc;
}

int display_changeset(awm_cli *cli, awm_buf *out, awm_repo *repo,
		      const awm_oid *changeset, const awm_oid *schema, size_t max_rows)
{
	awm_changeset_summary sum;
	size_t i;
	int rc = summarize(&sum, repo, changeset, schema, max_rows);

	if (rc < 0)
		return rc;
	for (i = 0; i < sum.nr; i++) {
		const awm_changeset_table *t = &sum.tables[i];
		const char *p, *nl;

		awm_buf_printf(out, "    %s%s%s: %zu inserted, %zu updated, %zu deleted\n",
			       cli_color(cli, C_BOLD), t->name, cli_color(cli, C_RESET),
			       t->inserts, t->updates, t->deletes);
		for (p = t->rows.ptr; *p; p = nl + 1) {
			const char *color = *p == '+' ? C_GREEN : *p == '-' ? C_RED : C_YELLOW;

			nl = strchr(p, '\n');
			awm_buf_printf(out, "      %s%.*s%s\n", cli_color(cli, color),
				       (int)(nl - p), p, cli_color(cli, C_RESET));
		}
		if (t->rows_shown < t->inserts + t->updates + t->deletes)
			awm_buf_printf(out, "      ... %zu more\n",
				       t->inserts + t->updates + t->deletes - t->rows_shown);
	}
	awm_changeset_summary_release(&sum);
	return 0;
}

int display_changeset_json(json_t **out, awm_repo *repo, const awm_oid *changeset,
			   const awm_oid *schema, size_t max_rows)
{
	awm_changeset_summary sum;
	size_t i;
	int rc = summarize(&sum, repo, changeset, schema, max_rows);

	if (rc < 0)
		return rc;
	*out = json_array();
	for (i = 0; i < sum.nr; i++) {
		const awm_changeset_table *t = &sum.tables[i];
		json_t *rows = json_array();
		const char *p, *nl;

		for (p = t->rows.ptr; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			json_array_append_new(rows, display_json_text(p, (size_t)(nl - p)));
		}
		json_array_append_new(*out, json_pack("{s:o, s:I, s:I, s:I, s:o}",
			"table", text(t->name), "inserts", (json_int_t)t->inserts,
			"updates", (json_int_t)t->updates, "deletes", (json_int_t)t->deletes,
			"rows", rows));
	}
	awm_changeset_summary_release(&sum);
	return 0;
}

void display_indented(const char *text)
{
	const char *p, *nl;

	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		printf("    %.*s\n", (int)(nl - p), p);
		if (!*nl)
			break;
	}
}

void display_rows(awm_cli *cli, const char *rows, const char *indent)
{
	const char *p, *nl;

	for (p = rows; *p; p = nl + 1) {
		const char *color = *p == '+' ? C_GREEN : *p == '-' ? C_RED : C_YELLOW;

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		printf("%s%s%.*s%s\n", indent, cli_color(cli, color), (int)(nl - p), p,
		       cli_color(cli, C_RESET));
		if (!*nl)
			break;
	}
}

int display_print_json(json_t *j)
{
	int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(j);
	fputc('\n', stdout);
	return rc < 0 ? cli_error("cannot write JSON") : EXIT_OK;
}
