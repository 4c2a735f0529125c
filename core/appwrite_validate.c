/*
 * Reading and checking an appwrite.json-compatible schema file (see
 * awm_aw_schema_parse_file): every rule Appwrite would refuse at deploy
 * time, found before anything is sent, each with the file and the path of
 * the offending part.
 */
#include "core/appwrite_internal.h"
#include "core/appwrite_api.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static const char *const system_keys[] = { "$id", "$createdAt", "$updatedAt", NULL };

static int is_system_key(const char *k)
{
	const char *const *p;

	for (p = system_keys; *p; p++)
		if (!strcmp(*p, k))
			return 1;
	return 0;
}

/* "collections[1] ('posts')" */
static void coll_path(awm_buf *out, size_t i, const char *id)
{
	awm_buf_clear(out);
	awm_buf_printf(out, "collections[%zu]", i);
	if (id)
		awm_buf_printf(out, " ('%s')", id);
}

static void item_path(awm_buf *out, const awm_buf *coll, const char *what, size_t i,
		      json_t *item)
{
	const char *key = awm_appwrite_jstr(item, "key");

	awm_buf_clear(out);
	awm_buf_printf(out, "%s.%s[%zu]", coll->ptr, what, i);
	if (key)
		awm_buf_printf(out, " ('%s')", key);
}

/*
 * Attributes of one collection, canonical, child sides left for later.
 * `*keys` gets every key the file gives, broken attributes' too (an object
 * of key -> true): a second attribute with a broken one's key is still a
 * duplicate, and an index on a broken attribute is not on a missing one.
 */
static json_t *read_attributes(json_t **keys, json_t *raw, const char *id, awm_aw_problems *p,
			       const awm_buf *cpath)
{
	json_t *attrs = json_array(), *v, *x;
	awm_buf path = AWM_BUF_INIT;
	const char *key;
	size_t i;

	*keys = json_object();
	if (raw && !json_is_null(raw) && !json_is_array(raw))
		awm_aw_problem(p, cpath->ptr, "'attributes' must be an array");
	json_array_foreach(raw, i, v) {
		int dup = 0;

		item_path(&path, cpath, "attributes", i, v);
		if ((key = awm_appwrite_jstr(v, "key")) && json_object_get(*keys, key)) {
			awm_aw_problem(p, path.ptr, "duplicate attribute key '%s'", key);
			dup = 1;
		} else if (key) {
			json_object_set_new(*keys, key, json_true());
		}
		if (!(x = awm_aw_canon_attribute(v, id, p, path.ptr, 0)))
			continue;
		if (dup)
			json_decref(x);
		else
			json_array_append_new(attrs, x);
	}
	awm_buf_release(&path);
	return attrs;
}

/* Indexes of one collection, each checked against its attributes. */
static json_t *read_indexes(json_t *raw, json_t *attrs, json_t *keys, awm_aw_problems *p,
			    const awm_buf *cpath)
{
	json_t *idx = json_array(), *v, *x, *a;
	awm_buf path = AWM_BUF_INIT;
	size_t i, j, k;

	if (raw && !json_is_null(raw) && !json_is_array(raw))
		awm_aw_problem(p, cpath->ptr, "'indexes' must be an array");
	json_array_foreach(raw, i, v) {
		int bad = 0;

		item_path(&path, cpath, "indexes", i, v);
		if (!(x = awm_aw_canon_index(v, p, path.ptr, 0)))
			continue;
		if (awm_aw_find_key(idx, awm_appwrite_jstr(x, "key"))) {
			awm_aw_problem(p, path.ptr, "duplicate index key '%s'", awm_appwrite_jstr(x, "key"));
			bad = 1;
		}
		json_array_foreach(json_object_get(x, "attributes"), j, a) {
			const char *name = json_string_value(a);
			json_t *attr = awm_aw_find_key(attrs, name);
			const char *type = awm_appwrite_jstr(attr, "type");

			for (k = 0; k < j; k++)
				if (!strcmp(name, json_string_value(json_array_get(
						json_object_get(x, "attributes"), k)))) {
					awm_aw_problem(p, path.ptr, "lists attribute '%s' twice", name);
					bad = 1;
				}
			if (is_system_key(name)) {
				if (!strcmp(awm_appwrite_jstr(x, "type"), "fulltext")) {
					awm_aw_problem(p, path.ptr, "a fulltext index needs string "
						       "attributes, and '%s' is not one", name);
					bad = 1;
				}
				continue;
			}
			if (!attr && json_object_get(keys, name)) {
				bad = 1;	/* the attribute's own problems are reported */
			} else if (!attr) {
				awm_aw_problem(p, path.ptr, "indexes attribute '%s', which the "
					       "collection does not have", name);
				bad = 1;
			} else if (!strcmp(type, "relationship")) {
				awm_aw_problem(p, path.ptr, "indexes relationship attribute '%s', "
					       "which Appwrite cannot index", name);
				bad = 1;
			} else if (!strcmp(awm_appwrite_jstr(x, "type"), "fulltext") &&
				   strcmp(type, "string")) {
				awm_aw_problem(p, path.ptr, "a fulltext index needs string "
					       "attributes, and '%s' is %s", name, type);
				bad = 1;
			}
		}
		if (bad)
			json_decref(x);
		else
			json_array_append_new(idx, x);
	}
	awm_buf_release(&path);
	awm_aw_sort_by_key(idx);
	return idx;
}

/*
 * Relationships across collections: the target must exist, and a two-way
 * one adds its child side to the target, where the key must be free (or
 * hold exactly that child side, as the Appwrite CLI writes both).
 */
static void link_relationships(awm_aw_schema *s, json_t *raw_colls, awm_aw_problems *p)
{
	awm_buf cpath = AWM_BUF_INIT, path = AWM_BUF_INIT;
	size_t i, j;
	json_t *v, *raw;

	/* Child sides written in the file are checked against their parents below. */
	for (i = 0; i < s->nr; i++) {
		json_t *kept = json_array();

		json_array_foreach(s->items[i].attributes, j, v)
			if (awm_aw_is_relationship(v) != 2)
				json_array_append(kept, v);
		json_array_foreach(s->items[i].attributes, j, v) {
			const char *rel;

			if (awm_aw_is_relationship(v) != 2)
				continue;
			rel = awm_appwrite_jstr(v, "relatedCollection");
			if (!awm_aw_schema_find(s, rel)) {
				awm_aw_problem(p, s->items[i].id, "the child side '%s' belongs to a "
					       "relationship of collection '%s', which does not exist",
					       awm_appwrite_jstr(v, "key"), rel);
			}
		}
		json_decref(s->items[i].attributes);
		s->items[i].attributes = kept;
	}
	json_array_foreach(raw_colls, i, raw) {
		const char *id = awm_appwrite_jstr(raw, "$id");
		awm_aw_collection *c = (awm_aw_collection *)(id ? awm_aw_schema_find(s, id) : NULL);

		if (!c)
			continue;
		coll_path(&cpath, i, id);
		json_array_foreach(json_object_get(raw, "attributes"), j, v) {
			const char *key = awm_appwrite_jstr(v, "key"), *rel;
			json_t *attr = key ? awm_aw_find_key(c->attributes, key) : NULL, *child, *have;
			awm_aw_collection *t;

			if (!attr || awm_aw_is_relationship(attr) != 1)
				continue;
			item_path(&path, &cpath, "attributes", j, v);
			rel = awm_appwrite_jstr(attr, "relatedCollection");
			if (!(t = (awm_aw_collection *)awm_aw_schema_find(s, rel))) {
				awm_aw_problem(p, path.ptr, "relates to collection '%s', which the "
					       "schema does not have", rel);
				continue;
			}
			if (!json_is_true(json_object_get(attr, "twoWay")))
				continue;
			child = awm_aw_child_side(attr, c->id);
			have = awm_aw_find_key(t->attributes, awm_appwrite_jstr(child, "key"));
			if (have) {
				awm_aw_problem(p, path.ptr, "its two-way key '%s' is already an "
					       "attribute of collection '%s'",
					       awm_appwrite_jstr(child, "key"), rel);
				json_decref(child);
				continue;
			}
			json_array_append_new(t->attributes, child);
		}
	}
	/* A child side in the file must be the one its parent makes. */
	json_array_foreach(raw_colls, i, raw) {
		const char *id = awm_appwrite_jstr(raw, "$id");
		const awm_aw_collection *c = id ? awm_aw_schema_find(s, id) : NULL;

		coll_path(&cpath, i, id);
		json_array_foreach(json_object_get(raw, "attributes"), j, v) {
			const char *side = awm_appwrite_jstr(v, "side");
			json_t *mine, *derived;
			awm_aw_problems quiet = { "", AWM_BUF_INIT, 0 };

			if (!c || !side || strcmp(side, "child"))
				continue;
			item_path(&path, &cpath, "attributes", j, v);
			mine = awm_aw_canon_attribute(v, id, &quiet, path.ptr, 0);
			awm_buf_release(&quiet.text);
			if (!mine)
				continue;
			derived = awm_aw_find_key(c->attributes, awm_appwrite_jstr(mine, "key"));
			if (!derived || !json_equal(derived, mine))
				awm_aw_problem(p, path.ptr, "this child side of a two-way relationship "
					       "does not match its parent in collection '%s'",
					       awm_appwrite_jstr(mine, "relatedCollection"));
			json_decref(mine);
		}
	}
	for (i = 0; i < s->nr; i++)
		awm_aw_sort_by_key(s->items[i].attributes);
	awm_buf_release(&cpath);
	awm_buf_release(&path);
}

int awm_aw_schema_parse_file(awm_aw_schema **out, const char *file, const char *text,
			     size_t len)
{
	awm_aw_problems p = { file, AWM_BUF_INIT, 0 };
	awm_aw_schema *s = awm_aw_schema_new();
	awm_buf cpath = AWM_BUF_INIT;
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err), *colls, *raw;
	size_t i, j;
	int rc = 0;

	*out = NULL;
	if (!root) {
		rc = awm_error_set(AWM_EINVALID, "%s:%d:%d: not valid JSON: %s", file, err.line,
				   err.column, err.text);
		goto done;
	}
	colls = json_object_get(root, "collections");
	if (!json_is_object(root) || !json_is_array(colls)) {
		rc = awm_error_set(AWM_EINVALID, "%s: not an Appwrite schema: it needs a "
				   "\"collections\" array, as appwrite.json has", file);
		goto done;
	}
	json_array_foreach(colls, i, raw) {
		const char *id = awm_appwrite_jstr(raw, "$id");
		json_t *meta, *attrs, *idx, *keys;

		coll_path(&cpath, i, id);
		if (!json_is_object(raw)) {
			awm_aw_problem(&p, cpath.ptr, "a collection must be a JSON object");
			continue;
		}
		if (!id || !awm_appwrite_id_ok(id)) {
			awm_aw_problem(&p, cpath.ptr, "'$id' must be an Appwrite id (up to 36 "
				       "letters, digits, '.', '-' or '_')");
			continue;
		}
		if (awm_aw_is_internal(id)) {
			awm_aw_problem(&p, cpath.ptr, "'%s' is awm's own collection; choose "
				       "another id", id);
			continue;
		}
		for (j = 0; j < i; j++) {
			const char *other = awm_appwrite_jstr(json_array_get(colls, j), "$id");

			if (other && !strcmp(other, id))
				break;
		}
		if (j < i) {
			awm_aw_problem(&p, cpath.ptr, "duplicate collection id '%s' (also "
				       "collections[%zu])", id, j);
			continue;
		}
		meta = awm_aw_canon_meta(raw, &p, cpath.ptr);
		attrs = read_attributes(&keys, json_object_get(raw, "attributes"), id, &p, &cpath);
		idx = read_indexes(json_object_get(raw, "indexes"), attrs, keys, &p, &cpath);
		json_decref(keys);
		if (!meta) {
			json_decref(attrs);
			json_decref(idx);
			continue;
		}
		awm_aw_schema_add(s, id, meta, attrs, idx);
	}
	link_relationships(s, colls, &p);
	if (p.nr)
		rc = awm_error_set(AWM_EINVALID, "%s", p.text.ptr);
done:
	json_decref(root);
	awm_buf_release(&cpath);
	awm_buf_release(&p.text);
	if (rc < 0)
		awm_aw_schema_free(s);
	else
		*out = s;
	return rc;
}
