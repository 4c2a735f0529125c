/*
 * Parsing and writing commit objects (see commit.h for the format).
 */
#include "objects/commit.h"
#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

awm_commit *awm_commit_new(void)
{
	return awm_calloc(1, sizeof(awm_commit));
}

void awm_commit_free(awm_commit *c)
{
	if (!c)
		return;
	free(c->parents);
	free(c->engine);
	free(c->migration);
	free(c->gitcommit);
	free(c->message);
	awm_signature_release(&c->author);
	awm_signature_release(&c->committer);
	free(c);
}

void awm_commit_add_parent(awm_commit *c, const awm_oid *parent)
{
	c->parents = awm_realloc(c->parents, (c->nparents + 1) * sizeof(awm_oid));
	c->parents[c->nparents++] = *parent;
}

void awm_signature_format(awm_buf *out, const awm_signature *sig)
{
	int tz = sig->tz < 0 ? -sig->tz : sig->tz;

	awm_buf_printf(out, "%s <%s> %lld %c%02d%02d", sig->name, sig->email,
		       (long long)sig->time, sig->tz < 0 ? '-' : '+', tz / 60, tz % 60);
}

/* Lowercase hex only: ids are written that way, so other forms are not canonical. */
static int is_lower_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* 1 when all `len` (> 0) characters are decimal digits. */
static int all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return len > 0;
}

/*
 * Seconds as awm_signature_format writes them: an optional '-', then digits
 * without leading zeros ("0" alone for zero), within int64.
 */
static int parse_seconds(long long *out, const char *p, size_t n)
{
	char num[24];
	char *end;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	p = num[0] == '-' ? num + 1 : num;
	if (!all_digits(p, strlen(p)) || (p[0] == '0' && (p[1] || p != num)))
		return -1;
	errno = 0;
	*out = strtoll(num, &end, 10);
	return errno || *end ? -1 : 0;
}

int awm_signature_parse(awm_signature *out, const char *s, size_t len)
{
	const char *lt = memchr(s, '<', len), *gt, *end = s + len, *p, *sp;
	long long t;
	int hh, mm;

	memset(out, 0, sizeof(*out));
	if (!lt || lt == s || lt[-1] != ' ')
		return AWM_ECORRUPT;
	gt = memchr(lt, '>', (size_t)(end - lt));
	if (!gt || gt + 2 >= end || gt[1] != ' ')
		return AWM_ECORRUPT;
	/* What awm_commit_serialize refuses to write is not read either. */
	if (memchr(s, '>', (size_t)(lt - s)) || memchr(s, '\n', (size_t)(lt - s)) ||
	    memchr(lt + 1, '<', (size_t)(gt - lt - 1)) || memchr(lt + 1, '\n', (size_t)(gt - lt - 1)))
		return AWM_ECORRUPT;
	p = gt + 2;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (!sp || parse_seconds(&t, p, (size_t)(sp - p)) < 0)
		return AWM_ECORRUPT;
	p = sp + 1;
	if (end - p != 5 || (p[0] != '+' && p[0] != '-') || !all_digits(p + 1, 4))
		return AWM_ECORRUPT;
	hh = (p[1] - '0') * 10 + (p[2] - '0');
	mm = (p[3] - '0') * 10 + (p[4] - '0');
	if (mm >= 60 || (p[0] == '-' && hh == 0 && mm == 0))   /* written "+0000" */
		return AWM_ECORRUPT;
	out->name = awm_strndup(s, (size_t)(lt - 1 - s));
	out->email = awm_strndup(lt + 1, (size_t)(gt - lt - 1));
	out->time = t;
	out->tz = (p[0] == '-' ? -1 : 1) * (hh * 60 + mm);
	return 0;
}

/* Cursor over "key value\n" header lines. */
typedef struct cursor {
	const char *p, *end;
	const char *key, *val;
	size_t klen, vlen;
} cursor;

static int next_field(cursor *c)
{
	const char *nl, *sp;

	if (c->p >= c->end || *c->p == '\n')
		return 0;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (!nl)
		return -1;
	sp = memchr(c->p, ' ', (size_t)(nl - c->p));
	if (!sp)
		return -1;
	c->key = c->p;
	c->klen = (size_t)(sp - c->p);
	c->val = sp + 1;
	c->vlen = (size_t)(nl - sp - 1);
	c->p = nl + 1;
	return 1;
}

static int is_key(const cursor *c, const char *key)
{
	return c->klen == strlen(key) && !memcmp(c->key, key, c->klen);
}

static int parse_id(awm_oid *out, const cursor *c)
{
	char hex[AWM_OID_HEXSZ + 1];

	if (c->vlen != AWM_OID_HEXSZ || !is_lower_hex(c->val, c->vlen))
		return -1;
	memcpy(hex, c->val, AWM_OID_HEXSZ);
	hex[AWM_OID_HEXSZ] = '\0';
	return awm_oid_fromhex(out, hex) < 0 ? -1 : 0;
}

static int corrupt(const awm_oid *oid, const char *what)
{
	return awm_error_set(AWM_ECORRUPT, "commit %s is malformed: %s",
			     oid ? awm_oid_tohex(oid).s : "(new)", what);
}

int awm_commit_parse(awm_commit **out, const awm_oid *oid, const char *data, size_t len)
{
	awm_commit *c = awm_commit_new();
	cursor cur = { data, data + len, NULL, NULL, 0, 0 };
	int more, rc = 0;
	awm_oid id;

	if (oid)
		c->oid = *oid;
#define FAIL(msg) do { rc = corrupt(oid, msg); goto fail; } while (0)
	more = next_field(&cur);
	while (more > 0 && is_key(&cur, "parent")) {
		if (parse_id(&id, &cur) < 0)
			FAIL("bad parent id");
		awm_commit_add_parent(c, &id);
		more = next_field(&cur);
	}
	if (more > 0 && is_key(&cur, "up")) {
		if (parse_id(&c->up, &cur) < 0)
			FAIL("bad up id");
		c->has_up = 1;
		more = next_field(&cur);
	}
	if (more > 0 && is_key(&cur, "down")) {
		if (parse_id(&c->down, &cur) < 0)
			FAIL("bad down id");
		c->has_down = 1;
		more = next_field(&cur);
	}
	if (more > 0 && is_key(&cur, "script")) {
		if (parse_id(&c->script, &cur) < 0)
			FAIL("bad script id");
		c->has_script = 1;
		more = next_field(&cur);
	}
	if (more > 0 && is_key(&cur, "changeset")) {
		if (parse_id(&c->changeset, &cur) < 0)
			FAIL("bad changeset id");
		c->has_changeset = 1;
		more = next_field(&cur);
	}
	if (more <= 0 || !is_key(&cur, "schema") || parse_id(&c->schema, &cur) < 0)
		FAIL("missing or bad schema field");
	if (next_field(&cur) <= 0 || !is_key(&cur, "engine") || cur.vlen == 0 ||
	    memchr(cur.val, ' ', cur.vlen))
		FAIL("missing or bad engine field");
	c->engine = awm_strndup(cur.val, cur.vlen);
	more = next_field(&cur);
	if (more > 0 && is_key(&cur, "kind")) {
		int k = awm_commit_kind_from_name(cur.val, cur.vlen);

		/* "sql" is never written: absence means sql, so ids stay canonical. */
		if (k <= (int)AWM_KIND_SQL)
			FAIL("bad kind");
		c->kind = (awm_commit_kind)k;
		more = next_field(&cur);
	}
	if (more > 0 && is_key(&cur, "migration")) {
		if (cur.vlen == 0)
			FAIL("empty migration path");
		c->migration = awm_strndup(cur.val, cur.vlen);
		more = next_field(&cur);
	}
	if (more <= 0 || !is_key(&cur, "author") ||
	    awm_signature_parse(&c->author, cur.val, cur.vlen) < 0)
		FAIL("missing or bad author");
	if (next_field(&cur) <= 0 || !is_key(&cur, "committer") ||
	    awm_signature_parse(&c->committer, cur.val, cur.vlen) < 0)
		FAIL("missing or bad committer");
	more = next_field(&cur);
	if (more > 0 && is_key(&cur, "gitcommit")) {
		if (cur.vlen < 40 || !is_lower_hex(cur.val, cur.vlen))
			FAIL("bad gitcommit");
		c->gitcommit = awm_strndup(cur.val, cur.vlen);
		more = next_field(&cur);
	}
	if (more != 0)
		FAIL(more < 0 ? "truncated header" : "unknown or misplaced field");
	if (cur.p >= cur.end || *cur.p != '\n')
		FAIL("no blank line before the message");
	cur.p++;
	c->message = awm_strndup(cur.p, (size_t)(cur.end - cur.p));
#undef FAIL
	*out = c;
	return 0;
fail:
	awm_commit_free(c);
	return rc;
}

static int bad_text(const char *s)
{
	return strpbrk(s, "<>\n") != NULL;
}

int awm_commit_serialize(awm_buf *out, const awm_commit *c)
{
	size_t i;

	if (!c->engine || !*c->engine || strpbrk(c->engine, " \n") ||
	    (c->migration && (!*c->migration || strchr(c->migration, '\n'))) ||
	    !c->author.name || bad_text(c->author.name) || bad_text(c->author.email) ||
	    !c->committer.name || bad_text(c->committer.name) ||
	    bad_text(c->committer.email) ||
	    (c->gitcommit && (strlen(c->gitcommit) < 40 ||
			      !is_lower_hex(c->gitcommit, strlen(c->gitcommit)))) ||
	    !awm_commit_kind_name(c->kind))
		return awm_error_set(AWM_EINVALID, "cannot write a commit with a malformed field");
	for (i = 0; i < c->nparents; i++)
		awm_buf_printf(out, "parent %s\n", awm_oid_tohex(&c->parents[i]).s);
	if (c->has_up)
		awm_buf_printf(out, "up %s\n", awm_oid_tohex(&c->up).s);
	if (c->has_down)
		awm_buf_printf(out, "down %s\n", awm_oid_tohex(&c->down).s);
	if (c->has_script)
		awm_buf_printf(out, "script %s\n", awm_oid_tohex(&c->script).s);
	if (c->has_changeset)
		awm_buf_printf(out, "changeset %s\n", awm_oid_tohex(&c->changeset).s);
	awm_buf_printf(out, "schema %s\n", awm_oid_tohex(&c->schema).s);
	awm_buf_printf(out, "engine %s\n", c->engine);
	if (c->kind != AWM_KIND_SQL)
		awm_buf_printf(out, "kind %s\n", awm_commit_kind_name(c->kind));
	if (c->migration)
		awm_buf_printf(out, "migration %s\n", c->migration);
	awm_buf_puts(out, "author ");
	awm_signature_format(out, &c->author);
	awm_buf_puts(out, "\ncommitter ");
	awm_signature_format(out, &c->committer);
	awm_buf_putc(out, '\n');
	if (c->gitcommit)
		awm_buf_printf(out, "gitcommit %s\n", c->gitcommit);
	awm_buf_putc(out, '\n');
	if (c->message)
		awm_buf_puts(out, c->message);
	return 0;
}

int awm_commit_read(awm_commit **out, awm_odb *odb, const awm_oid *oid)
{
	awm_object *obj;
	int rc = awm_odb_read_typed(&obj, odb, oid, AWM_OBJ_COMMIT);

	if (rc < 0)
		return rc;
	rc = awm_commit_parse(out, oid, (const char *)obj->data, obj->size);
	awm_object_free(obj);
	return rc;
}

int awm_commit_write(awm_odb *odb, awm_commit *c)
{
	awm_buf payload = AWM_BUF_INIT;
	int rc;

	if ((rc = awm_commit_serialize(&payload, c)) == 0)
		rc = awm_odb_write(&c->oid, odb, AWM_OBJ_COMMIT, payload.ptr, payload.size);
	awm_buf_release(&payload);
	return rc;
}

static const char *const kind_names[] = { "sql", "data", "script" };

const char *awm_commit_kind_name(awm_commit_kind kind)
{
	return (unsigned)kind < 3 ? kind_names[kind] : NULL;
}

int awm_commit_kind_from_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strlen(kind_names[i]) == len && !memcmp(kind_names[i], name, len))
			return i;
	return -1;
}

void awm_commit_subject(awm_buf *out, const awm_commit *c)
{
	const char *m = c->message ? c->message : "";
	size_t n = strcspn(m, "\n");

	awm_buf_clear(out);
	awm_buf_put(out, m, n);
}
