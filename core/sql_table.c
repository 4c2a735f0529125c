/*
 * CREATE TABLE statements as columns, and identifiers in SQL (see
 * sql_table.h).
 */
#include "core/sql_table.h"
#include "core/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Past a quoted token starting at p ('...', "...", `...`, [...]). */
static const char *skip_quoted(const char *p)
{
	char close = *p == '[' ? ']' : *p;

	for (p++; *p; p++) {
		if (*p == close) {
			if (close != ']' && p[1] == close) {
				p++;        /* a doubled quote */
				continue;
			}
			return p + 1;
		}
	}
	return p;
}

static int is_quote(char c)
{
	return c == '\'' || c == '"' || c == '`' || c == '[';
}

static int is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80 || c == '$';
}

/* The identifier token at p, unquoted, into `out`; returns the end of it. */
static const char *take_ident(awm_buf *out, const char *p)
{
	awm_buf_clear(out);
	if (*p == '"' || *p == '`' || *p == '[') {
		char close = *p == '[' ? ']' : *p;

		for (p++; *p; p++) {
			if (*p == close) {
				if (close != ']' && p[1] == close) {
					awm_buf_putc(out, *p++);
					continue;
				}
				return p + 1;
			}
			awm_buf_putc(out, *p);
		}
		return p;
	}
	while (is_word(*p))
		awm_buf_putc(out, *p++);
	return p;
}

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return awm_strndup(s, n);
}

static int starts_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	return !strncasecmp(s, word, n) && !is_word(s[n]);
}

static int is_constraint(const char *part)
{
	return starts_word(part, "CONSTRAINT") || starts_word(part, "PRIMARY") ||
	       starts_word(part, "UNIQUE") || starts_word(part, "CHECK") ||
	       starts_word(part, "FOREIGN");
}

static void add_part(awm_sql_table *t, const char *s, size_t n)
{
	awm_buf name = AWM_BUF_INIT;
	char *text = trimmed(s, n);
	awm_sql_column *c;
	const char *rest;

	if (is_constraint(text)) {
		t->constraints = awm_realloc(t->constraints, (t->ncons + 1) * sizeof(char *));
		t->constraints[t->ncons++] = text;
		return;
	}
	rest = take_ident(&name, text);
	t->cols = awm_realloc(t->cols, (t->ncols + 1) * sizeof(*t->cols));
	c = &t->cols[t->ncols++];
	c->name = awm_buf_detach(&name);
	c->def = trimmed(rest, strlen(rest));
	c->text = text;
}

int awm_sql_table_parse(awm_sql_table *out, const char *sql)
{
	const char *p = sql, *open = NULL, *part;
	int depth = 0;

	memset(out, 0, sizeof(*out));
	if (!starts_word(sql, "CREATE"))
		return AWM_EINVALID;
	for (; *p && !open; ) {
		if (is_quote(*p))
			p = skip_quoted(p);
		else if (*p == '(')
			open = p;
		else if (starts_word(p, "AS") && p > sql && !is_word(p[-1]))
			return AWM_EINVALID;   /* CREATE TABLE ... AS SELECT */
		else
			p++;
	}
	if (!open || starts_word(sql + 6 + strspn(sql + 6, " "), "VIRTUAL"))
		return AWM_EINVALID;
	out->head = awm_strndup(sql, (size_t)(open - sql + 1));
	for (p = part = open + 1; *p; ) {
		if (is_quote(*p)) {
			p = skip_quoted(p);
			continue;
		}
		if (*p == '(') {
			depth++;
		} else if (*p == ')' && depth == 0) {
			add_part(out, part, (size_t)(p - part));
			out->tail = awm_strdup(p);
			return 0;
		} else if (*p == ')') {
			depth--;
		} else if (*p == ',' && depth == 0) {
			add_part(out, part, (size_t)(p - part));
			part = p + 1;
		}
		p++;
	}
	awm_sql_table_release(out);
	return AWM_EINVALID;
}

void awm_sql_table_release(awm_sql_table *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].def);
		free(t->cols[i].text);
	}
	for (i = 0; i < t->ncons; i++)
		free(t->constraints[i]);
	free(t->cols);
	free(t->constraints);
	free(t->head);
	free(t->tail);
	memset(t, 0, sizeof(*t));
}

const awm_sql_column *awm_sql_table_column(const awm_sql_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (awm_sql_ident_equal(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

int awm_sql_ident_equal(const char *a, const char *b)
{
	return !strcasecmp(a, b);
}

void awm_sql_quote_ident(awm_buf *out, const char *name)
{
	const char *p;
	int plain = *name && !isdigit((unsigned char)*name);

	for (p = name; plain && *p; p++)
		plain = isalnum((unsigned char)*p) || *p == '_';
	if (plain) {
		awm_buf_puts(out, name);
		return;
	}
	awm_buf_putc(out, '"');
	for (p = name; *p; p++) {
		if (*p == '"')
			awm_buf_putc(out, '"');
		awm_buf_putc(out, *p);
	}
	awm_buf_putc(out, '"');
}

int awm_sql_mentions(const char *sql, const char *ident)
{
	awm_buf tok = AWM_BUF_INIT;
	const char *p = sql;
	int found = 0;

	while (*p && !found) {
		if (*p == '\'') {
			p = skip_quoted(p);   /* a string, not a name */
		} else if (*p == '"' || *p == '`' || *p == '[' || is_word(*p)) {
			p = take_ident(&tok, p);
			found = awm_sql_ident_equal(tok.ptr, ident);
		} else {
			p++;
		}
	}
	awm_buf_release(&tok);
	return found;
}
