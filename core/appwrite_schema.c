/*
 * The Appwrite schema model (see appwrite_schema.h): the live schema from
 * API answers, and the conversion to and from schema objects.  The
 * canonical forms are in appwrite_canon.c, reading and checking files in
 * appwrite_validate.c.
 */
#include "core/appwrite_internal.h"
#include "core/appwrite_api.h"
#include "core/error.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const internal_ids[] = { "awm_state", "awm_locks", "awm_refs" };

int awm_aw_is_internal(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(internal_ids) / sizeof(internal_ids[0]); i++)
		if (!strcmp(id, internal_ids[i]))
			return 1;
	return 0;
}

void awm_aw_problem(awm_aw_problems *p, const char *path, const char *fmt, ...)
{
	va_list ap;

	awm_buf_printf(&p->text, "%s%s: %s: ", p->nr ? "\n" : "", p->file, path);
	va_start(ap, fmt);
	awm_buf_vprintf(&p->text, fmt, ap);
	va_end(ap);
	p->nr++;
}

char *awm_aw_dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17) |
			  JSON_ENCODE_ANY);
}

json_t *awm_aw_find_key(json_t *array, const char *key)
{
	size_t i;
	json_t *v;

	json_array_foreach(array, i, v) {
		const char *k = awm_appwrite_jstr(v, "key");

		if (k && !strcmp(k, key))
			return v;
	}
	return NULL;
}

int awm_aw_is_relationship(const json_t *attr)
{
	const char *t = awm_appwrite_jstr((json_t *)attr, "type");
	const char *side = awm_appwrite_jstr((json_t *)attr, "side");

	if (!t || strcmp(t, "relationship"))
		return 0;
	return side && !strcmp(side, "child") ? 2 : 1;
}

/* ---- collection settings ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* action("role") with a role Appwrite knows; write() is create, update and delete. */
static int add_permission(json_t *out, const char *perm)
{
	static const char *const actions[] = { "read", "create", "update", "delete", "write" };
	const char *open = strchr(perm, '('), *role;
	size_t i, n, alen;
	char *r;
	int ok = 0;

	if (!open || strncmp(open, "(\"", 2) || (n = strlen(open)) < 5 || strcmp(open + n - 2, "\")"))
		return -1;
	alen = (size_t)(open - perm);
	role = open + 2;
	r = awm_strndup(role, n - 4);
	ok = !strcmp(r, "any") || !strcmp(r, "guests") || !strcmp(r, "users") ||
	     !strcmp(r, "users/verified") || !strcmp(r, "users/unverified") ||
	     !strncmp(r, "user:", 5) || !strncmp(r, "team:", 5) || !strncmp(r, "member:", 7) ||
	     !strncmp(r, "label:", 6);
	if (ok && strpbrk(r, "\" ()"))
		ok = 0;
	for (i = 0; ok && i < 5; i++) {
		if (strlen(actions[i]) != alen || strncmp(perm, actions[i], alen))
			continue;
		if (i == 4) {
			json_array_append_new(out, json_sprintf("create(\"%s\")", r));
			json_array_append_new(out, json_sprintf("update(\"%s\")", r));
			json_array_append_new(out, json_sprintf("delete(\"%s\")", r));
		} else {
			json_array_append_new(out, json_sprintf("%s(\"%s\")", actions[i], r));
		}
		break;
	}
	free(r);
	return ok && i < 5 ? 0 : -1;
}

json_t *awm_aw_canon_meta(json_t *raw, awm_aw_problems *p, const char *path)
{
	json_t *perms = json_object_get(raw, "$permissions"), *list = json_array(), *v, *sorted;
	const char *name = awm_appwrite_jstr(raw, "name");
	json_t **items;
	size_t i, n;
	int sec = 0, enabled = 1, bad = 0;

	if (!name || !*name || awm_aw_utf8_len(name) > 128) {
		awm_aw_problem(p, path, "'name' must be a string of 1 to 128 characters");
		bad = 1;
	}
	bad |= awm_aw_get_bool(&sec, raw, "documentSecurity", 0, p, path) < 0;
	bad |= awm_aw_get_bool(&enabled, raw, "enabled", 1, p, path) < 0;
	if (perms && !json_is_null(perms) && !json_is_array(perms)) {
		awm_aw_problem(p, path, "'$permissions' must be an array");
		bad = 1;
	}
	json_array_foreach(perms, i, v)
		if (!json_is_string(v) || add_permission(list, json_string_value(v)) < 0) {
			awm_aw_problem(p, path, "permission %s is not action(\"role\") with an "
				       "action of read, create, update, delete or write and an "
				       "Appwrite role", json_is_string(v) ? json_string_value(v) : "?");
			bad = 1;
		}
	if (bad) {
		json_decref(list);
		return NULL;
	}
	/* Sorted, without duplicates: Appwrite keeps each permission once. */
	n = json_array_size(list);
	items = awm_calloc(n ? n : 1, sizeof(json_t *));
	for (i = 0; i < n; i++)
		items[i] = json_array_get(list, i);
	if (n)
		qsort(items, n, sizeof(json_t *), cmp_str);
	sorted = json_array();
	for (i = 0; i < n; i++)
		if (!i || strcmp(json_string_value(items[i]), json_string_value(items[i - 1])))
			json_array_append(sorted, items[i]);
	free(items);
	json_decref(list);
	return json_pack("{s:s, s:o, s:b, s:b}", "name", name, "$permissions", sorted,
			 "documentSecurity", sec, "enabled", enabled);
}

/* ---- the model ---- */

awm_aw_schema *awm_aw_schema_new(void)
{
	return awm_calloc(1, sizeof(awm_aw_schema));
}

void awm_aw_schema_free(awm_aw_schema *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nr; i++) {
		free(s->items[i].id);
		json_decref(s->items[i].meta);
		json_decref(s->items[i].attributes);
		json_decref(s->items[i].indexes);
	}
	free(s->items);
	free(s);
}

awm_aw_collection *awm_aw_schema_add(awm_aw_schema *s, const char *id, json_t *meta,
				     json_t *attributes, json_t *indexes)
{
	size_t pos = s->nr;

	while (pos > 0 && strcmp(s->items[pos - 1].id, id) > 0)
		pos--;
	AWM_ARRAY_GROW(s->items, s->nr + 1, s->alloc);
	memmove(&s->items[pos + 1], &s->items[pos], (s->nr - pos) * sizeof(awm_aw_collection));
	s->nr++;
	s->items[pos].id = awm_strdup(id);
	s->items[pos].meta = meta;
	s->items[pos].attributes = attributes ? attributes : json_array();
	s->items[pos].indexes = indexes ? indexes : json_array();
	return &s->items[pos];
}

const awm_aw_collection *awm_aw_schema_find(const awm_aw_schema *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->items[i].id, id))
			return &s->items[i];
	return NULL;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(awm_appwrite_jstr(*(json_t *const *)a, "key"),
		      awm_appwrite_jstr(*(json_t *const *)b, "key"));
}

void awm_aw_sort_by_key(json_t *array)
{
	size_t n = json_array_size(array), i;
	json_t **items;

	if (n < 2)
		return;
	items = awm_calloc(n, sizeof(json_t *));
	for (i = 0; i < n; i++)
		items[i] = json_incref(json_array_get(array, i));
	qsort(items, n, sizeof(json_t *), cmp_key);
	json_array_clear(array);
	for (i = 0; i < n; i++)
		json_array_append_new(array, items[i]);
	free(items);
}

/*
 * An attribute awm has no canonical form for (a type a newer Appwrite
 * added, say): kept as Appwrite describes it, without what changes by
 * itself, so it is still part of the schema, and shows as drift.
 */
static json_t *as_answered(json_t *raw)
{
	json_t *x = json_deep_copy(raw);
	const char *st = awm_appwrite_jstr(x, "status");

	json_object_del(x, "$createdAt");
	json_object_del(x, "$updatedAt");
	json_object_del(x, "error");
	if (st && !strcmp(st, "available"))
		json_object_del(x, "status");
	if (!json_is_string(json_object_get(x, "key")))
		json_object_set_new(x, "key", json_string("?"));
	return x;
}

int awm_aw_schema_from_api(awm_aw_schema **out, json_t *collections, const char *shown)
{
	awm_aw_problems p = { shown, AWM_BUF_INIT, 0 }, quiet = { shown, AWM_BUF_INIT, 0 };
	awm_aw_schema *s = awm_aw_schema_new();
	awm_buf path = AWM_BUF_INIT;
	size_t i, j;
	json_t *c, *v;
	int rc = 0;

	json_array_foreach(collections, i, c) {
		const char *id = awm_appwrite_jstr(c, "$id");
		json_t *meta, *attrs = json_array(), *idx = json_array(), *x;

		if (!id || awm_aw_is_internal(id)) {
			json_decref(attrs);
			json_decref(idx);
			continue;
		}
		awm_buf_clear(&path);
		awm_buf_printf(&path, "collection '%s'", id);
		meta = awm_aw_canon_meta(c, &p, path.ptr);
		json_array_foreach(json_object_get(c, "attributes"), j, v) {
			const char *st = awm_appwrite_jstr(v, "status");

			if (st && !strcmp(st, "deleting"))
				continue;   /* on its way out */
			if (!(x = awm_aw_canon_attribute(v, id, &quiet, path.ptr, 1)))
				x = as_answered(v);
			json_array_append_new(attrs, x);
		}
		json_array_foreach(json_object_get(c, "indexes"), j, v) {
			const char *st = awm_appwrite_jstr(v, "status");

			if (st && !strcmp(st, "deleting"))
				continue;
			if ((x = awm_aw_canon_index(v, &p, path.ptr, 1)))
				json_array_append_new(idx, x);
		}
		awm_aw_sort_by_key(attrs);
		awm_aw_sort_by_key(idx);
		if (meta)
			awm_aw_schema_add(s, id, meta, attrs, idx);
		else {
			json_decref(attrs);
			json_decref(idx);
		}
	}
	if (p.nr) {
		rc = awm_error_set(AWM_ERROR, "cannot read the schema Appwrite answered:\n%s",
				   p.text.ptr);
		awm_aw_schema_free(s);
	} else {
		*out = s;
	}
	awm_buf_release(&p.text);
	awm_buf_release(&quiet.text);
	awm_buf_release(&path);
	return rc;
}

int awm_aw_schema_to_awm(awm_schema **out, const awm_aw_schema *s)
{
	awm_schema *r = awm_schema_new(AWM_APPWRITE_ENGINE);
	awm_buf name = AWM_BUF_INIT;
	size_t i, j;
	json_t *v;
	char *text;
	int rc = 0;

	for (i = 0; rc == 0 && i < s->nr; i++) {
		const awm_aw_collection *c = &s->items[i];

		text = awm_aw_dump(c->meta);
		rc = awm_schema_add(r, "collection", c->id, c->id, text);
		free(text);
		json_array_foreach(c->attributes, j, v) {
			awm_buf_clear(&name);
			awm_buf_printf(&name, "%s/%s", c->id, awm_appwrite_jstr(v, "key"));
			text = awm_aw_dump(v);
			if (rc == 0)
				rc = awm_schema_add(r, "attribute", name.ptr, c->id, text);
			free(text);
		}
		json_array_foreach(c->indexes, j, v) {
			awm_buf_clear(&name);
			awm_buf_printf(&name, "%s/%s", c->id, awm_appwrite_jstr(v, "key"));
			text = awm_aw_dump(v);
			if (rc == 0)
				rc = awm_schema_add(r, "index", name.ptr, c->id, text);
			free(text);
		}
	}
	awm_buf_release(&name);
	if (rc < 0) {
		awm_schema_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static awm_aw_collection *find_mut(awm_aw_schema *s, const char *id)
{
	return (awm_aw_collection *)awm_aw_schema_find(s, id);
}

int awm_aw_schema_from_awm(awm_aw_schema **out, const awm_schema *s)
{
	awm_aw_schema *r = awm_aw_schema_new();
	size_t i, pass;
	int rc = 0;

	if (strcmp(s->engine, AWM_APPWRITE_ENGINE)) {
		awm_aw_schema_free(r);
		return awm_error_set(AWM_EINVALID, "a %s schema is not an Appwrite schema", s->engine);
	}
	/* Collections first, then what belongs to them. */
	for (pass = 0; rc == 0 && pass < 2; pass++) {
		for (i = 0; rc == 0 && i < s->nr; i++) {
			const awm_schema_entry *e = &s->entries[i];
			json_t *j = json_loads(e->sql, JSON_DECODE_ANY, NULL);
			awm_aw_collection *c;

			if (!j) {
				rc = awm_error_set(AWM_ECORRUPT, "schema entry '%s' is not JSON", e->name);
				break;
			}
			if (pass == 0 && !strcmp(e->type, "collection")) {
				awm_aw_schema_add(r, e->name, j, NULL, NULL);
				continue;
			}
			if (pass == 0 || !strcmp(e->type, "collection")) {
				json_decref(j);
				continue;
			}
			if (!(c = find_mut(r, e->tbl_name)) ||
			    (strcmp(e->type, "attribute") && strcmp(e->type, "index"))) {
				json_decref(j);
				rc = awm_error_set(AWM_ECORRUPT, "schema entry %s '%s' belongs to no "
						   "collection", e->type, e->name);
				break;
			}
			json_array_append_new(!strcmp(e->type, "index") ? c->indexes : c->attributes, j);
		}
	}
	for (i = 0; i < r->nr; i++) {
		awm_aw_sort_by_key(r->items[i].attributes);
		awm_aw_sort_by_key(r->items[i].indexes);
	}
	if (rc < 0) {
		awm_aw_schema_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

json_t *awm_aw_collection_to_cli(const awm_aw_collection *c, const char *database)
{
	json_t *o = json_object();

	json_object_set_new(o, "$id", json_string(c->id));
	json_object_set(o, "$permissions", json_object_get(c->meta, "$permissions"));
	json_object_set_new(o, "databaseId", json_string(database));
	json_object_set(o, "name", json_object_get(c->meta, "name"));
	json_object_set(o, "enabled", json_object_get(c->meta, "enabled"));
	json_object_set(o, "documentSecurity", json_object_get(c->meta, "documentSecurity"));
	json_object_set_new(o, "attributes", json_deep_copy(c->attributes));
	json_object_set_new(o, "indexes", json_deep_copy(c->indexes));
	return o;
}

void awm_aw_schema_count(awm_aw_counts *out, const awm_aw_schema *s)
{
	size_t i, j;
	json_t *v;

	memset(out, 0, sizeof(*out));
	out->collections = s->nr;
	for (i = 0; i < s->nr; i++) {
		json_array_foreach(s->items[i].attributes, j, v) {
			if (awm_aw_is_relationship(v) == 1)
				out->relationships++;
			else if (!awm_aw_is_relationship(v))
				out->attributes++;
		}
		out->indexes += json_array_size(s->items[i].indexes);
	}
}
