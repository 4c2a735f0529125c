/*
 * Parsing and writing schema objects (see schema.h for the format).
 */
#include "objects/schema.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

#define HEADER "awm-schema 1\n"

awm_schema *awm_schema_new(const char *engine)
{
	awm_schema *s = awm_calloc(1, sizeof(*s));

	s->engine = awm_strdup(engine);
	return s;
}

void awm_schema_free(awm_schema *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nr; i++) {
		free(s->entries[i].type);
		free(s->entries[i].name);
		free(s->entries[i].tbl_name);
		free(s->entries[i].sql);
	}
	free(s->entries);
	free(s->engine);
	free(s);
}

int awm_schema_add(awm_schema *s, const char *type, const char *name,
		   const char *tbl_name, const char *sql)
{
	awm_schema_entry *e;

	if (strpbrk(type, "\t\n") || strpbrk(name, "\t\n") || strpbrk(tbl_name, "\t\n") ||
	    !*type || !*name)
		return awm_error_set(AWM_EINVALID, "schema object name '%s' holds a tab or "
				     "newline, which awm cannot record", name);
	AWM_ARRAY_GROW(s->entries, s->nr + 1, s->alloc);
	e = &s->entries[s->nr++];
	e->type = awm_strdup(type);
	e->name = awm_strdup(name);
	e->tbl_name = awm_strdup(tbl_name);
	e->sql = awm_strdup(sql);
	return 0;
}

static int type_rank(const char *type)
{
	static const char *const order[] = { "table", "index", "view", "trigger" };
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(type, order[i]))
			return i;
	return 4;
}

static int cmp_entry(const void *a, const void *b)
{
	const awm_schema_entry *x = a, *y = b;
	int r = type_rank(x->type) - type_rank(y->type);

	if (r)
		return r;
	r = strcmp(x->type, y->type);
	return r ? r : strcmp(x->name, y->name);
}

static void escape(awm_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			awm_buf_puts(out, "\\\\");
		else if (*s == '\n')
			awm_buf_puts(out, "\\n");
		else if (*s == '\t')
			awm_buf_puts(out, "\\t");
		else
			awm_buf_putc(out, *s);
	}
}

int awm_schema_serialize(awm_buf *out, awm_schema *s)
{
	size_t i;

	if (s->nr)   /* qsort on NULL is undefined, even for no entries */
		qsort(s->entries, s->nr, sizeof(awm_schema_entry), cmp_entry);
	awm_buf_puts(out, HEADER);
	awm_buf_printf(out, "engine %s\n", s->engine);
	for (i = 0; i < s->nr; i++) {
		const awm_schema_entry *e = &s->entries[i];

		awm_buf_printf(out, "%s\t%s\t%s\t", e->type, e->name, e->tbl_name);
		escape(out, e->sql);
		awm_buf_putc(out, '\n');
	}
	return 0;
}

/* Undo escape(); NULL for text escape() cannot have written. */
static char *unescape(const char *s, size_t len)
{
	awm_buf out = AWM_BUF_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\t' || c == '\n' || (c == '\\' && i + 1 == len))
			goto bad;
		if (c == '\\') {
			c = s[++i];
			if (c != '\\' && c != 'n' && c != 't')
				goto bad;
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		}
		awm_buf_putc(&out, c);
	}
	return awm_buf_detach(&out);
bad:
	awm_buf_release(&out);
	return NULL;
}

static int parse_line(awm_schema *s, const char *p, size_t len)
{
	const char *f[4];
	size_t flen[4], i;
	const char *q = p, *end = p + len;
	char *type, *name, *tbl, *sql;
	int rc;

	for (i = 0; i < 3; i++) {
		const char *tab = memchr(q, '\t', (size_t)(end - q));

		if (!tab)
			return awm_error_set(AWM_ECORRUPT, "schema line has fewer than 4 fields");
		f[i] = q;
		flen[i] = (size_t)(tab - q);
		q = tab + 1;
	}
	f[3] = q;
	flen[3] = (size_t)(end - q);
	if (!(sql = unescape(f[3], flen[3])))
		return awm_error_set(AWM_ECORRUPT, "schema line for '%.*s' has a bad escape "
				     "or a raw tab", (int)flen[1], f[1]);
	type = awm_strndup(f[0], flen[0]);
	name = awm_strndup(f[1], flen[1]);
	tbl = awm_strndup(f[2], flen[2]);
	if (type_rank(type) == 4 && strcmp(s->engine, "sqlite") == 0)
		rc = awm_error_set(AWM_ECORRUPT, "schema lists an unknown object type '%s'", type);
	else if (!*type || !*name)
		rc = awm_error_set(AWM_ECORRUPT, "schema line has an empty type or name");
	else
		rc = awm_schema_add(s, type, name, tbl, sql);
	free(type);
	free(name);
	free(tbl);
	free(sql);
	return rc;
}

int awm_schema_parse(awm_schema **out, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;
	awm_schema *s;
	size_t i;
	int rc = 0;

	if (len < strlen(HEADER) || memcmp(data, HEADER, strlen(HEADER)))
		return awm_error_set(AWM_ECORRUPT, "schema does not start with '%.*s'",
				     (int)strlen(HEADER) - 1, HEADER);
	p += strlen(HEADER);
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl || (size_t)(nl - p) < 8 || memcmp(p, "engine ", 7))
		return awm_error_set(AWM_ECORRUPT, "schema has no engine line");
	s = awm_calloc(1, sizeof(*s));
	s->engine = awm_strndup(p + 7, (size_t)(nl - p - 7));
	for (p = nl + 1; rc == 0 && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			rc = awm_error_set(AWM_ECORRUPT, "schema ends without a newline");
			break;
		}
		rc = parse_line(s, p, (size_t)(nl - p));
	}
	/* Equal schemas must have equal ids: only the sorted, unique form is valid. */
	for (i = 1; rc == 0 && i < s->nr; i++)
		if (cmp_entry(&s->entries[i - 1], &s->entries[i]) >= 0)
			rc = awm_error_set(AWM_ECORRUPT, "schema lists %s '%s' out of order "
					   "or twice", s->entries[i].type, s->entries[i].name);
	if (rc < 0) {
		awm_schema_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int awm_schema_read(awm_schema **out, awm_odb *odb, const awm_oid *oid)
{
	awm_object *obj;
	int rc = awm_odb_read_typed(&obj, odb, oid, AWM_OBJ_SCHEMA);

	if (rc < 0)
		return rc;
	rc = awm_schema_parse(out, (const char *)obj->data, obj->size);
	if (rc < 0)
		awm_error_prefix("schema %s", awm_oid_tohex(oid).s);
	awm_object_free(obj);
	return rc;
}

int awm_schema_write(awm_oid *out, awm_odb *odb, awm_schema *s)
{
	awm_buf payload = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_schema_serialize(&payload, s)) == 0)
		rc = awm_odb_write(out, odb, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	awm_buf_release(&payload);
	return rc;
}

void awm_schema_empty_payload(awm_buf *out, const char *engine)
{
	awm_buf_puts(out, HEADER);
	awm_buf_printf(out, "engine %s\n", engine);
}

void awm_schema_empty_id(awm_oid *out, const char *engine)
{
	awm_buf payload = AWM_BUF_INIT;

	awm_schema_empty_payload(&payload, engine);
	awm_oid_hash(out, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	awm_buf_release(&payload);
}

const awm_schema_entry *awm_schema_find(const awm_schema *s, const char *type,
					const char *name)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->entries[i].type, type) && !strcmp(s->entries[i].name, name))
			return &s->entries[i];
	return NULL;
}

void awm_schema_render_sql(awm_buf *out, const awm_schema *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		awm_buf_printf(out, "%s;\n", s->entries[i].sql);
}
