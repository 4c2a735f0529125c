/*
 * Canonical forms of what Appwrite describes (see appwrite_schema.h):
 * attributes, indexes and collection settings, each checked and with
 * every value Appwrite fills in filled in the same way, whether it comes
 * from a schema file or from the live API.
 */
#include "core/appwrite_internal.h"
#include "core/appwrite_api.h"
#include "core/error.h"

#include <arpa/inet.h>
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STRING_MAX 1073741824LL

/* ---- values ---- */

int awm_aw_get_bool(int *out, json_t *raw, const char *name, int dflt, awm_aw_problems *p,
		    const char *path)
{
	json_t *v = json_object_get(raw, name);

	*out = dflt;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		awm_aw_problem(p, path, "'%s' must be true or false", name);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

/* UTF-8 characters in `s`: Appwrite's sizes count characters. */
size_t awm_aw_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * A date-time in UTC as Appwrite writes it back: "2025-01-02T03:04:05.678+00:00".
 * Accepts seconds without a fraction and "Z"; NULL when it is not one.
 */
static char *canon_datetime(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0, ms = 0, digits = 0;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
		return NULL;
	p = s + n;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*p - '0');
		if (!digits)
			return NULL;
		for (; digits < 3; digits++)
			ms *= 10;
	}
	if (strcmp(p, "Z") && strcmp(p, "+00:00"))
		return NULL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
		return NULL;
	return awm_printf_alloc("%04d-%02d-%02dT%02d:%02d:%02d.%03d+00:00", y, mo, d, h, mi, sec, ms);
}

static int email_ok(const char *s)
{
	const char *at = strchr(s, '@');

	return at && at > s && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
	       at[1] != '.' && s[strlen(s) - 1] != '.' && !strpbrk(s, " \t\n");
}

static int url_ok(const char *s)
{
	const char *host = !strncmp(s, "http://", 7) ? s + 7 : !strncmp(s, "https://", 8) ? s + 8 : NULL;

	return host && *host && *host != '/' && !strpbrk(s, " \t\n");
}

static int ip_ok(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* ---- attributes ---- */

static const char *const relation_types[] = { "oneToOne", "oneToMany", "manyToOne",
					      "manyToMany", NULL };
static const char *const on_delete[] = { "cascade", "restrict", "setNull", NULL };

static int one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (s && !strcmp(s, *set))
			return 1;
	return 0;
}

/* An id-valued member: present and a valid Appwrite id, else a problem. */
static const char *id_member(json_t *raw, const char *name, const char *dflt,
			     awm_aw_problems *p, const char *path)
{
	json_t *v = json_object_get(raw, name);
	const char *s;

	if (!v || json_is_null(v)) {
		if (!dflt)
			awm_aw_problem(p, path, "'%s' is missing", name);
		return dflt;
	}
	s = json_string_value(v);
	if (!s || !awm_appwrite_id_ok(s)) {
		awm_aw_problem(p, path, "'%s' is not a valid Appwrite id (up to 36 letters, "
			       "digits, '.', '-' or '_', not starting with '.', '-' or '_')", name);
		return NULL;
	}
	return s;
}

static int canon_relationship(json_t *out, json_t *raw, const char *coll, awm_aw_problems *p,
			      const char *path)
{
	const char *related = id_member(raw, "relatedCollection", NULL, p, path);
	const char *rtype = awm_appwrite_jstr(raw, "relationType");
	const char *od = awm_appwrite_jstr(raw, "onDelete");
	const char *side = awm_appwrite_jstr(raw, "side");
	const char *twokey = id_member(raw, "twoWayKey", coll, p, path);
	int two = 0, bad = !related || !twokey;

	bad |= awm_aw_get_bool(&two, raw, "twoWay", 0, p, path) < 0;
	if (!one_of(rtype, relation_types)) {
		awm_aw_problem(p, path, "'relationType' must be oneToOne, oneToMany, manyToOne "
			       "or manyToMany");
		bad = 1;
	}
	if (od && !one_of(od, on_delete)) {
		awm_aw_problem(p, path, "'onDelete' must be cascade, restrict or setNull");
		bad = 1;
	}
	if (side && strcmp(side, "parent") && strcmp(side, "child")) {
		awm_aw_problem(p, path, "'side' must be parent or child");
		bad = 1;
	}
	if (bad)
		return -1;
	json_object_set_new(out, "relatedCollection", json_string(related));
	json_object_set_new(out, "relationType", json_string(rtype));
	json_object_set_new(out, "twoWay", json_boolean(two));
	json_object_set_new(out, "twoWayKey", json_string(twokey));
	json_object_set_new(out, "onDelete", json_string(od ? od : "restrict"));
	json_object_set_new(out, "side", json_string(side ? side : "parent"));
	return 0;
}

static int canon_range(json_t *out, json_t *raw, int is_int, awm_aw_problems *p,
		       const char *path)
{
	json_t *lo = json_object_get(raw, "min"), *hi = json_object_get(raw, "max");
	double dlo = -DBL_MAX, dhi = DBL_MAX;
	json_int_t ilo = INT64_MIN, ihi = INT64_MAX;
	int bad = 0;

	if (lo && !json_is_null(lo)) {
		if (is_int ? !json_is_integer(lo) : !json_is_number(lo))
			bad = 1;
		ilo = json_integer_value(lo);
		dlo = json_number_value(lo);
	}
	if (hi && !json_is_null(hi)) {
		if (is_int ? !json_is_integer(hi) : !json_is_number(hi))
			bad = 1;
		ihi = json_integer_value(hi);
		dhi = json_number_value(hi);
	}
	if (bad) {
		awm_aw_problem(p, path, "'min' and 'max' must be %s", is_int ? "integers" : "numbers");
		return -1;
	}
	if (is_int ? ilo > ihi : dlo > dhi) {
		awm_aw_problem(p, path, "'min' is greater than 'max'");
		return -1;
	}
	json_object_set_new(out, "min", is_int ? json_integer(ilo) : json_real(dlo));
	json_object_set_new(out, "max", is_int ? json_integer(ihi) : json_real(dhi));
	return 0;
}

static int canon_string(json_t *out, json_t *raw, awm_aw_problems *p, const char *path)
{
	const char *format = awm_appwrite_jstr(raw, "format");
	json_t *size = json_object_get(raw, "size"), *el = json_object_get(raw, "elements"), *v;
	size_t i, j;
	int enc = 0;

	if (json_object_get(raw, "format") && !json_is_null(json_object_get(raw, "format")) &&
	    !format) {
		awm_aw_problem(p, path, "'format' must be a string");
		return -1;
	}
	if (!format || !*format) {
		if (!json_is_integer(size) || json_integer_value(size) < 1 ||
		    json_integer_value(size) > STRING_MAX) {
			awm_aw_problem(p, path, "a string attribute needs a 'size' from 1 to %lld",
				       STRING_MAX);
			return -1;
		}
		if (awm_aw_get_bool(&enc, raw, "encrypt", 0, p, path) < 0)
			return -1;
		json_object_set_new(out, "size", json_integer(json_integer_value(size)));
		json_object_set_new(out, "encrypt", json_boolean(enc));
		return 0;
	}
	if (strcmp(format, "email") && strcmp(format, "url") && strcmp(format, "ip") &&
	    strcmp(format, "enum")) {
		awm_aw_problem(p, path, "unknown string format '%s'; use email, url, ip or enum",
			       format);
		return -1;
	}
	json_object_set_new(out, "format", json_string(format));
	if (strcmp(format, "enum"))
		return 0;
	if (!json_is_array(el) || !json_array_size(el) || json_array_size(el) > 100) {
		awm_aw_problem(p, path, "an enum attribute needs 'elements': 1 to 100 strings");
		return -1;
	}
	json_array_foreach(el, i, v) {
		const char *s = json_string_value(v);

		if (!s || !*s || awm_aw_utf8_len(s) > 255) {
			awm_aw_problem(p, path, "enum element %zu must be a string of 1 to 255 "
				       "characters", i);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(s, json_string_value(json_array_get(el, j)))) {
				awm_aw_problem(p, path, "enum element '%s' is listed twice", s);
				return -1;
			}
	}
	json_object_set_new(out, "elements", json_deep_copy(el));
	return 0;
}

/* Check the default against the attribute, and store it canonical. */
static int canon_default(json_t *out, json_t *raw, awm_aw_problems *p, const char *path)
{
	json_t *d = json_object_get(raw, "default");
	const char *type = awm_appwrite_jstr(out, "type"), *fmt = awm_appwrite_jstr(out, "format");
	const char *s = json_string_value(d);
	char *dt;

	if (!d || json_is_null(d)) {
		json_object_set_new(out, "default", json_null());
		return 0;
	}
	if (json_is_true(json_object_get(out, "required"))) {
		awm_aw_problem(p, path, "a required attribute cannot have a default (Appwrite "
			       "refuses it); drop the default or make it optional");
		return -1;
	}
	if (json_is_true(json_object_get(out, "array"))) {
		awm_aw_problem(p, path, "an array attribute cannot have a default");
		return -1;
	}
	if (!strcmp(type, "relationship")) {
		awm_aw_problem(p, path, "a relationship attribute cannot have a default");
		return -1;
	}
	if (!strcmp(type, "integer") || !strcmp(type, "double")) {
		int is_int = !strcmp(type, "integer");

		if (is_int ? !json_is_integer(d) : !json_is_number(d)) {
			awm_aw_problem(p, path, "the default must be %s", is_int ? "an integer" : "a number");
			return -1;
		}
		if (is_int ? json_integer_value(d) < json_integer_value(json_object_get(out, "min")) ||
			     json_integer_value(d) > json_integer_value(json_object_get(out, "max"))
			   : json_number_value(d) < json_real_value(json_object_get(out, "min")) ||
			     json_number_value(d) > json_real_value(json_object_get(out, "max"))) {
			awm_aw_problem(p, path, "the default is outside 'min' and 'max'");
			return -1;
		}
		json_object_set_new(out, "default", is_int ? json_integer(json_integer_value(d))
						    : json_real(json_number_value(d)));
		return 0;
	}
	if (!strcmp(type, "boolean")) {
		if (!json_is_boolean(d)) {
			awm_aw_problem(p, path, "the default must be true or false");
			return -1;
		}
		json_object_set(out, "default", d);
		return 0;
	}
	if (!s) {
		awm_aw_problem(p, path, "the default must be a string");
		return -1;
	}
	if (!strcmp(type, "datetime")) {
		if (!(dt = canon_datetime(s))) {
			awm_aw_problem(p, path, "the default '%s' is not a UTC date-time such as "
				       "2025-01-02T03:04:05.000+00:00", s);
			return -1;
		}
		json_object_set_new(out, "default", json_string(dt));
		free(dt);
		return 0;
	}
	if (!fmt && (json_int_t)awm_aw_utf8_len(s) > json_integer_value(json_object_get(out, "size"))) {
		awm_aw_problem(p, path, "the default is longer than 'size'");
		return -1;
	}
	if ((fmt && !strcmp(fmt, "email") && !email_ok(s)) ||
	    (fmt && !strcmp(fmt, "url") && !url_ok(s)) || (fmt && !strcmp(fmt, "ip") && !ip_ok(s))) {
		awm_aw_problem(p, path, "the default '%s' is not a valid %s", s, fmt);
		return -1;
	}
	if (fmt && !strcmp(fmt, "enum")) {
		size_t i;
		json_t *v;
		int found = 0;

		json_array_foreach(json_object_get(out, "elements"), i, v)
			found |= !strcmp(json_string_value(v), s);
		if (!found) {
			awm_aw_problem(p, path, "the default '%s' is not one of the elements", s);
			return -1;
		}
	}
	json_object_set(out, "default", d);
	return 0;
}

json_t *awm_aw_canon_attribute(json_t *raw, const char *coll, awm_aw_problems *p,
			       const char *path, int live)
{
	const char *key = id_member(raw, "key", NULL, p, path);
	const char *type = awm_appwrite_jstr(raw, "type"), *status = awm_appwrite_jstr(raw, "status");
	json_t *out;
	int req = 0, arr = 0, rc = 0;

	if (!json_is_object(raw)) {
		awm_aw_problem(p, path, "an attribute must be a JSON object");
		return NULL;
	}
	if (awm_aw_get_bool(&req, raw, "required", 0, p, path) < 0 ||
	    awm_aw_get_bool(&arr, raw, "array", 0, p, path) < 0 || !key)
		return NULL;
	if (type && !strcmp(type, "float"))
		type = "double";
	out = json_object();
	json_object_set_new(out, "key", json_string(key));
	json_object_set_new(out, "required", json_boolean(req));
	json_object_set_new(out, "array", json_boolean(arr));
	if (!type) {
		awm_aw_problem(p, path, "'type' is missing");
		rc = -1;
	} else if (!strcmp(type, "string")) {
		rc = canon_string(out, raw, p, path);
	} else if (!strcmp(type, "integer") || !strcmp(type, "double")) {
		rc = canon_range(out, raw, !strcmp(type, "integer"), p, path);
	} else if (!strcmp(type, "relationship")) {
		if (req || arr) {
			awm_aw_problem(p, path, "a relationship attribute cannot be required or "
				       "an array; its relationType says how many");
			rc = -1;
		} else {
			rc = canon_relationship(out, raw, coll, p, path);
		}
	} else if (strcmp(type, "boolean") && strcmp(type, "datetime")) {
		awm_aw_problem(p, path, "unknown type '%s'; use string, integer, double, boolean, "
			       "datetime or relationship", type);
		rc = -1;
	}
	if (rc == 0) {
		json_object_set_new(out, "type", json_string(type));
		rc = canon_default(out, raw, p, path);
	}
	if (rc == 0 && live && status && strcmp(status, "available"))
		json_object_set_new(out, "status", json_string(status));
	if (rc < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *awm_aw_child_side(const json_t *parent, const char *coll)
{
	json_t *child = json_deep_copy(parent);

	json_object_set(child, "key", json_object_get(parent, "twoWayKey"));
	json_object_set_new(child, "relatedCollection", json_string(coll));
	json_object_set(child, "twoWayKey", json_object_get(parent, "key"));
	json_object_set_new(child, "side", json_string("child"));
	json_object_del(child, "status");
	return child;
}

/* ---- indexes and collections ---- */

json_t *awm_aw_canon_index(json_t *raw, awm_aw_problems *p, const char *path, int live)
{
	const char *key = id_member(raw, "key", NULL, p, path);
	const char *type = awm_appwrite_jstr(raw, "type"), *status = awm_appwrite_jstr(raw, "status");
	json_t *attrs = json_object_get(raw, "attributes"), *orders = json_object_get(raw, "orders");
	json_t *lengths = json_object_get(raw, "lengths"), *out, *v;
	size_t i, n = json_array_size(attrs);
	int bad = !key;

	if (!type || (strcmp(type, "key") && strcmp(type, "unique") && strcmp(type, "fulltext"))) {
		awm_aw_problem(p, path, "'type' must be key, unique or fulltext");
		bad = 1;
	}
	if (!json_is_array(attrs) || !n) {
		awm_aw_problem(p, path, "'attributes' must list at least one attribute");
		bad = 1;
	}
	json_array_foreach(attrs, i, v)
		if (!json_is_string(v)) {
			awm_aw_problem(p, path, "'attributes' must hold attribute keys");
			bad = 1;
			break;
		}
	if (orders && !json_is_null(orders)) {
		json_array_foreach(orders, i, v)
			if (!json_is_string(v) || (strcmp(json_string_value(v), "ASC") &&
						   strcmp(json_string_value(v), "DESC")))
				break;
		if (!json_is_array(orders) || i < json_array_size(orders) ||
		    json_array_size(orders) > n) {
			awm_aw_problem(p, path, "'orders' must be ASC or DESC, one per attribute");
			bad = 1;
		}
	}
	if (lengths && !json_is_null(lengths) && json_array_size(lengths)) {
		json_array_foreach(lengths, i, v)
			if (!json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) < 0))
				break;
		if (!json_is_array(lengths) || i < json_array_size(lengths) ||
		    json_array_size(lengths) != n) {
			awm_aw_problem(p, path, "'lengths' must hold a length or null per attribute");
			bad = 1;
		}
	}
	if (bad)
		return NULL;
	out = json_pack("{s:s, s:s, s:O}", "key", key, "type", type, "attributes", attrs);
	json_object_set_new(out, "orders", orders && json_is_array(orders) ? json_deep_copy(orders)
							      : json_array());
	if (lengths && json_array_size(lengths)) {
		json_object_set_new(out, "lengths", json_deep_copy(lengths));
	} else {
		json_t *l = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(l, json_null());
		json_object_set_new(out, "lengths", l);
	}
	if (live && status && strcmp(status, "available"))
		json_object_set_new(out, "status", json_string(status));
	return out;
}


