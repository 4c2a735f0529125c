/*
 * Planning Appwrite schema changes (see appwrite_plan.h): the diff of two
 * schemas as a list of operations, their inverses, which of them lose
 * data, and how they read in `awm plan`.
 */
#include "core/appwrite_plan.h"
#include "core/appwrite_internal.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

enum phase {
	DEL_REL, DEL_INDEX, DEL_ATTR, DEL_COLL, SET_COLL, SET_ATTR, NEW_INDEX, SET_REL, NPHASES
};

static json_t *op_new(const char *op, const char *coll, const char *key)
{
	json_t *o = json_pack("{s:s, s:s}", "op", op, "collection", coll);

	if (key)
		json_object_set_new(o, "key", json_string(key));
	return o;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = awm_appwrite_jstr(o, k);

	return s ? s : "";
}

/* Attributes Appwrite can change in place: the same kind, array-ness and encryption. */
static int updatable(json_t *a, json_t *b)
{
	static const char *const fixed[] = { "type", "format", "array", "encrypt", "status" };
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		json_t *x = json_object_get(a, fixed[i]), *y = json_object_get(b, fixed[i]);

		if (!(x == y || (x && y && json_equal(x, y))))
			return 0;
	}
	return 1;
}

/* Relationships differ in place only in onDelete. */
static int relation_updatable(json_t *a, json_t *b)
{
	json_t *x = json_deep_copy(a), *y = json_deep_copy(b);
	int same;

	json_object_del(x, "onDelete");
	json_object_del(y, "onDelete");
	same = json_equal(x, y);
	json_decref(x);
	json_decref(y);
	return same;
}

/* The whole collection, as deleting it loses it: settings, plain attributes, indexes. */
static json_t *whole(const awm_aw_collection *c)
{
	json_t *o = json_deep_copy(c->meta), *attrs = json_array(), *v;
	size_t i;

	json_array_foreach(c->attributes, i, v)
		if (!awm_aw_is_relationship(v))
			json_array_append(attrs, v);
	json_object_set_new(o, "attributes", attrs);
	json_object_set(o, "indexes", c->indexes);
	return o;
}

static int uses_any(json_t *index, json_t *keys)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(index, "attributes"), i, v)
		if (json_object_get(keys, json_string_value(v)))
			return 1;
	return 0;
}

static void diff_relationships(json_t **ph, const awm_aw_schema *from, const awm_aw_schema *to)
{
	size_t i, j;
	json_t *v;

	for (i = 0; i < from->nr; i++) {
		const awm_aw_collection *c = &from->items[i], *t = awm_aw_schema_find(to, c->id);

		json_array_foreach(c->attributes, j, v) {
			const char *key = jstr(v, "key");
			json_t *w = t ? awm_aw_find_key(t->attributes, key) : NULL, *o;

			if (awm_aw_is_relationship(v) != 1)
				continue;
			if (w && json_equal(v, w))
				continue;
			if (w && awm_aw_is_relationship(w) == 1 && relation_updatable(v, w)) {
				o = op_new("updateRelationship", c->id, key);
				json_object_set(o, "spec", w);
				json_object_set(o, "old", v);
				json_array_append_new(ph[SET_REL], o);
				continue;
			}
			o = op_new("deleteRelationship", c->id, key);
			json_object_set(o, "old", v);
			json_array_append_new(ph[DEL_REL], o);
		}
	}
	for (i = 0; i < to->nr; i++) {
		const awm_aw_collection *c = &to->items[i], *f = awm_aw_schema_find(from, c->id);

		json_array_foreach(c->attributes, j, v) {
			const char *key = jstr(v, "key");
			json_t *w = f ? awm_aw_find_key(f->attributes, key) : NULL, *o;

			if (awm_aw_is_relationship(v) != 1)
				continue;
			if (w && (json_equal(v, w) || (awm_aw_is_relationship(w) == 1 &&
						       relation_updatable(v, w))))
				continue;
			o = op_new("createRelationship", c->id, key);
			json_object_set(o, "spec", v);
			json_array_append_new(ph[SET_REL], o);
		}
	}
}

/* Plain attributes and indexes of a collection both schemas have. */
static void diff_collection(json_t **ph, const awm_aw_collection *f, const awm_aw_collection *t)
{
	json_t *gone = json_object(), *v, *w, *o;
	size_t j;

	json_array_foreach(f->attributes, j, v) {
		const char *key = jstr(v, "key");

		if (awm_aw_is_relationship(v))
			continue;
		w = awm_aw_find_key(t->attributes, key);
		if (w && json_equal(v, w))
			continue;
		if (w && !awm_aw_is_relationship(w) && updatable(v, w)) {
			o = op_new("updateAttribute", f->id, key);
			json_object_set(o, "spec", w);
			json_object_set(o, "old", v);
			json_array_append_new(ph[SET_ATTR], o);
			continue;
		}
		o = op_new("deleteAttribute", f->id, key);
		json_object_set(o, "old", v);
		json_array_append_new(ph[DEL_ATTR], o);
		json_object_set_new(gone, key, json_true());
	}
	json_array_foreach(t->attributes, j, v) {
		const char *key = jstr(v, "key");

		if (awm_aw_is_relationship(v))
			continue;
		w = awm_aw_find_key(f->attributes, key);
		if (w && !json_object_get(gone, key) && !awm_aw_is_relationship(w))
			continue;
		o = op_new("createAttribute", t->id, key);
		json_object_set(o, "spec", v);
		json_array_append_new(ph[SET_ATTR], o);
	}
	/* An index over an attribute that goes would silently shrink: drop it first. */
	json_array_foreach(f->indexes, j, v) {
		w = awm_aw_find_key(t->indexes, jstr(v, "key"));
		if (w && json_equal(v, w) && !uses_any(v, gone))
			continue;
		o = op_new("deleteIndex", f->id, jstr(v, "key"));
		json_object_set(o, "old", v);
		json_array_append_new(ph[DEL_INDEX], o);
	}
	json_array_foreach(t->indexes, j, v) {
		w = awm_aw_find_key(f->indexes, jstr(v, "key"));
		if (w && json_equal(v, w) && !uses_any(w, gone))
			continue;
		o = op_new("createIndex", t->id, jstr(v, "key"));
		json_object_set(o, "spec", v);
		json_array_append_new(ph[NEW_INDEX], o);
	}
	json_decref(gone);
}

json_t *awm_aw_diff(const awm_aw_schema *from, const awm_aw_schema *to, int relationships_only)
{
	json_t *ph[NPHASES], *out = json_array(), *o, *v;
	size_t i, j;

	for (i = 0; i < NPHASES; i++)
		ph[i] = json_array();
	diff_relationships(ph, from, to);
	for (i = 0; !relationships_only && i < from->nr; i++) {
		const awm_aw_collection *f = &from->items[i], *t = awm_aw_schema_find(to, f->id);

		if (!t) {
			o = op_new("deleteCollection", f->id, NULL);
			json_object_set_new(o, "old", whole(f));
			json_array_append_new(ph[DEL_COLL], o);
			continue;
		}
		if (!json_equal(f->meta, t->meta)) {
			o = op_new("updateCollection", f->id, NULL);
			json_object_set(o, "spec", t->meta);
			json_object_set(o, "old", f->meta);
			json_array_append_new(ph[SET_COLL], o);
		}
		diff_collection(ph, f, t);
	}
	for (i = 0; !relationships_only && i < to->nr; i++) {
		const awm_aw_collection *t = &to->items[i];

		if (awm_aw_schema_find(from, t->id))
			continue;
		o = op_new("createCollection", t->id, NULL);
		json_object_set(o, "spec", t->meta);
		json_array_append_new(ph[SET_COLL], o);
		json_array_foreach(t->attributes, j, v) {
			if (awm_aw_is_relationship(v))
				continue;
			o = op_new("createAttribute", t->id, jstr(v, "key"));
			json_object_set(o, "spec", v);
			json_array_append_new(ph[SET_ATTR], o);
		}
		json_array_foreach(t->indexes, j, v) {
			o = op_new("createIndex", t->id, jstr(v, "key"));
			json_object_set(o, "spec", v);
			json_array_append_new(ph[NEW_INDEX], o);
		}
	}
	for (i = 0; i < NPHASES; i++) {
		json_array_extend(out, ph[i]);
		json_decref(ph[i]);
	}
	return out;
}

static json_t *invert_one(json_t *op)
{
	const char *name = jstr(op, "op"), *coll = jstr(op, "collection");
	const char *key = awm_appwrite_jstr(op, "key");
	json_t *o;
	char what[64];

	if (!strncmp(name, "create", 6)) {
		snprintf(what, sizeof(what), "delete%s", name + 6);
		o = op_new(what, coll, key);
		json_object_set(o, "old", json_object_get(op, "spec"));
	} else if (!strncmp(name, "delete", 6)) {
		snprintf(what, sizeof(what), "create%s", name + 6);
		o = op_new(what, coll, key);
		json_object_set(o, "spec", json_object_get(op, "old"));
	} else {
		o = op_new(name, coll, key);
		json_object_set(o, "spec", json_object_get(op, "old"));
		json_object_set(o, "old", json_object_get(op, "spec"));
	}
	return o;
}

json_t *awm_aw_inverse(json_t *ops, size_t n)
{
	json_t *out = json_array();

	if (n > json_array_size(ops))
		n = json_array_size(ops);
	while (n-- > 0)
		json_array_append_new(out, invert_one(json_array_get(ops, n)));
	return out;
}

static int is_delete(json_t *op)
{
	const char *name = jstr(op, "op");

	return !strcmp(name, "deleteCollection") || !strcmp(name, "deleteAttribute") ||
	       !strcmp(name, "deleteRelationship");
}

/* A create of the same collection and key later in `ops`. */
static int recreated(json_t *ops, size_t from, json_t *del)
{
	size_t i;
	json_t *v;

	json_array_foreach(ops, i, v) {
		if (i <= from || strncmp(jstr(v, "op"), "create", 6) || strcmp(jstr(v, "op") + 6,
									jstr(del, "op") + 6))
			continue;
		if (!strcmp(jstr(v, "collection"), jstr(del, "collection")) &&
		    !strcmp(jstr(v, "key"), jstr(del, "key")))
			return 1;
	}
	return 0;
}

int awm_aw_ops_lossy(awm_buf *why, json_t *ops, int down)
{
	size_t i;
	json_t *v;

	json_array_foreach(ops, i, v) {
		if (!is_delete(v) || (down && !recreated(ops, i, v)))
			continue;
		awm_buf_clear(why);
		awm_aw_op_describe(why, v);
		if (recreated(ops, i, v))
			awm_buf_puts(why, ", to create it again changed, which Appwrite cannot "
				     "do in place");
		return 1;
	}
	return 0;
}

int awm_aw_op_is_relationship(json_t *op)
{
	return strstr(jstr(op, "op"), "Relationship") != NULL;
}

/* "email, required, array" and the like. */
static void attr_summary(awm_buf *out, json_t *a)
{
	const char *type = jstr(a, "type"), *fmt = awm_appwrite_jstr(a, "format");
	json_t *d = json_object_get(a, "default");

	if (!strcmp(type, "relationship")) {
		awm_buf_printf(out, "%s to %s", jstr(a, "relationType"), jstr(a, "relatedCollection"));
		if (json_is_true(json_object_get(a, "twoWay")))
			awm_buf_printf(out, ", two-way as %s", jstr(a, "twoWayKey"));
		awm_buf_printf(out, ", on delete %s", jstr(a, "onDelete"));
		return;
	}
	awm_buf_puts(out, fmt && *fmt ? fmt : type);
	if (json_object_get(a, "size"))
		awm_buf_printf(out, "(%lld)", (long long)json_integer_value(json_object_get(a, "size")));
	if (json_is_true(json_object_get(a, "required")))
		awm_buf_puts(out, ", required");
	if (json_is_true(json_object_get(a, "array")))
		awm_buf_puts(out, ", array");
	if (d && !json_is_null(d)) {
		char *t = json_dumps(d, JSON_ENCODE_ANY);

		awm_buf_printf(out, ", default %s", t);
		free(t);
	}
}

void awm_aw_op_describe(awm_buf *out, json_t *op)
{
	const char *name = jstr(op, "op"), *coll = jstr(op, "collection"), *key = jstr(op, "key");
	json_t *spec = json_object_get(op, "spec"), *old = json_object_get(op, "old"), *v;
	size_t i;

	if (!strcmp(name, "createCollection")) {
		awm_buf_printf(out, "create collection %s ('%s')", coll, jstr(spec, "name"));
		if (json_array_size(json_object_get(spec, "attributes")))
			awm_buf_printf(out, " with %zu attributes and %zu indexes",
				       json_array_size(json_object_get(spec, "attributes")),
				       json_array_size(json_object_get(spec, "indexes")));
	} else if (!strcmp(name, "updateCollection")) {
		const char *k;

		awm_buf_printf(out, "update collection %s:", coll);
		json_object_foreach(spec, k, v)
			if (!json_equal(v, json_object_get(old, k))) {
				char *a = json_dumps(json_object_get(old, k), JSON_ENCODE_ANY);
				char *b = json_dumps(v, JSON_ENCODE_ANY);

				awm_buf_printf(out, " %s %s -> %s", k, a ? a : "none", b);
				free(a);
				free(b);
			}
	} else if (!strcmp(name, "deleteCollection")) {
		awm_buf_printf(out, "delete collection %s and its documents", coll);
	} else if (!strcmp(name, "createAttribute") || !strcmp(name, "createRelationship")) {
		awm_buf_printf(out, "create %s %s.%s: ", strstr(name, "Rel") ? "relationship" :
			       "attribute", coll, key);
		attr_summary(out, spec);
	} else if (!strcmp(name, "updateAttribute") || !strcmp(name, "updateRelationship")) {
		awm_buf_printf(out, "update %s %s.%s: ", strstr(name, "Rel") ? "relationship" :
			       "attribute", coll, key);
		attr_summary(out, old);
		awm_buf_puts(out, " -> ");
		attr_summary(out, spec);
	} else if (!strcmp(name, "deleteAttribute") || !strcmp(name, "deleteRelationship")) {
		awm_buf_printf(out, "delete %s %s.%s and its values", strstr(name, "Rel") ?
			       "relationship" : "attribute", coll, key);
	} else if (!strcmp(name, "createIndex")) {
		awm_buf_printf(out, "create index %s.%s: %s on", coll, key, jstr(spec, "type"));
		json_array_foreach(json_object_get(spec, "attributes"), i, v)
			awm_buf_printf(out, "%s%s", i ? ", " : " ", json_string_value(v));
	} else if (!strcmp(name, "deleteIndex")) {
		awm_buf_printf(out, "delete index %s.%s", coll, key);
	} else {
		awm_buf_printf(out, "%s %s.%s", name, coll, key);
	}
}
