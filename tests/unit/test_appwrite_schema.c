/*
 * Appwrite schemas as code: the canonical form (known-answer ids, defaults
 * filled as Appwrite fills them), files and API answers meeting in it, and
 * the plans between schemas (order, in-place changes, recreates, inverses,
 * data loss).
 */
#include "unit.h"
#include "core/appwrite_plan.h"
#include "core/appwrite_schema.h"

static const char users_file[] =
	"{\"projectId\": \"p\", \"collections\": [{\"$id\": \"users\", \"name\": \"Users\",\n"
	" \"$permissions\": [\"write(\\\"users\\\")\", \"read(\\\"any\\\")\"],\n"
	" \"attributes\": [{\"key\": \"name\", \"type\": \"string\", \"size\": 50, \"required\": true},\n"
	"  {\"key\": \"age\", \"type\": \"integer\", \"default\": 3},\n"
	"  {\"key\": \"score\", \"type\": \"float\", \"min\": 0}],\n"
	" \"indexes\": [{\"key\": \"by_name\", \"type\": \"key\", \"attributes\": [\"name\"]}]},\n"
	" {\"$id\": \"posts\", \"name\": \"Posts\", \"attributes\": [{\"key\": \"author\",\n"
	"  \"type\": \"relationship\", \"relatedCollection\": \"users\", \"relationType\": \"manyToOne\",\n"
	"  \"twoWay\": true, \"twoWayKey\": \"posts\"}]}]}\n";

static awm_aw_schema *parse(const char *text)
{
	awm_aw_schema *s = NULL;

	if (awm_aw_schema_parse_file(&s, "f.json", text, strlen(text)) < 0)
		fail_msg("refused: %s", awm_error_last());
	return s;
}

static void schema_id(awm_oid *out, const awm_aw_schema *s)
{
	awm_schema *as;
	awm_buf payload = AWM_BUF_INIT;

	assert_ok(awm_aw_schema_to_awm(&as, s));
	assert_ok(awm_schema_serialize(&payload, as));
	awm_oid_hash(out, AWM_OBJ_SCHEMA, payload.ptr, payload.size);
	awm_schema_free(as);
	awm_buf_release(&payload);
}

static const char *entry(const awm_aw_schema *s, const char *type, const char *name)
{
	static char text[2048];
	awm_schema *as;
	const awm_schema_entry *e;

	assert_ok(awm_aw_schema_to_awm(&as, s));
	e = awm_schema_find(as, type, name);
	snprintf(text, sizeof(text), "%s", e ? e->sql : "(none)");
	awm_schema_free(as);
	return text;
}

static void test_appwrite_schema__canonical_defaults(void **state)
{
	awm_aw_schema *s = parse(users_file);

	(void)state;
	assert_string_equal(entry(s, "collection", "users"),
			    "{\"$permissions\":[\"create(\\\"users\\\")\",\"delete(\\\"users\\\")\","
			    "\"read(\\\"any\\\")\",\"update(\\\"users\\\")\"],\"documentSecurity\":false,"
			    "\"enabled\":true,\"name\":\"Users\"}");
	assert_string_equal(entry(s, "attribute", "users/age"),
			    "{\"array\":false,\"default\":3,\"key\":\"age\",\"max\":9223372036854775807,"
			    "\"min\":-9223372036854775808,\"required\":false,\"type\":\"integer\"}");
	assert_string_equal(entry(s, "attribute", "users/score"),
			    "{\"array\":false,\"default\":null,\"key\":\"score\","
			    "\"max\":1.7976931348623157e308,\"min\":0.0,\"required\":false,"
			    "\"type\":\"double\"}");
	assert_string_equal(entry(s, "index", "users/by_name"),
			    "{\"attributes\":[\"name\"],\"key\":\"by_name\",\"lengths\":[null],"
			    "\"orders\":[],\"type\":\"key\"}");
	/* The two-way relationship's other side, as Appwrite makes it. */
	assert_string_equal(entry(s, "attribute", "users/posts"),
			    "{\"array\":false,\"default\":null,\"key\":\"posts\",\"onDelete\":\"restrict\","
			    "\"relatedCollection\":\"posts\",\"relationType\":\"manyToOne\","
			    "\"required\":false,\"side\":\"child\",\"twoWay\":true,\"twoWayKey\":\"author\","
			    "\"type\":\"relationship\"}");
	awm_aw_schema_free(s);
}

/* A change to the canonical form changes every recorded id: this catches it. */
static void test_appwrite_schema__known_answer(void **state)
{
	awm_aw_schema *s = parse(users_file);
	awm_oid id;

	(void)state;
	schema_id(&id, s);
	assert_string_equal(awm_oid_tohex(&id).s, "0da4869f4b278a453f5d8a46222dc58e");
	awm_aw_schema_free(s);
}

/* Written differently, the same schema: the child side spelled out, order, write(). */
static void test_appwrite_schema__same_schema_same_id(void **state)
{
	static const char other[] =
		"{\"collections\": [{\"$id\": \"posts\", \"name\": \"Posts\", \"enabled\": true,\n"
		" \"attributes\": [{\"key\": \"author\", \"type\": \"relationship\",\n"
		"  \"relatedCollection\": \"users\", \"relationType\": \"manyToOne\", \"twoWay\": true,\n"
		"  \"twoWayKey\": \"posts\", \"onDelete\": \"restrict\", \"side\": \"parent\"}]},\n"
		" {\"$id\": \"users\", \"name\": \"Users\", \"documentSecurity\": false,\n"
		" \"$permissions\": [\"read(\\\"any\\\")\", \"create(\\\"users\\\")\",\n"
		"  \"update(\\\"users\\\")\", \"delete(\\\"users\\\")\", \"read(\\\"any\\\")\"],\n"
		" \"attributes\": [{\"key\": \"score\", \"type\": \"double\", \"min\": 0.0,\n"
		"  \"max\": 1.7976931348623157e308, \"status\": \"available\"},\n"
		"  {\"key\": \"posts\", \"type\": \"relationship\", \"relatedCollection\": \"posts\",\n"
		"   \"relationType\": \"manyToOne\", \"twoWay\": true, \"twoWayKey\": \"author\",\n"
		"   \"onDelete\": \"restrict\", \"side\": \"child\"},\n"
		"  {\"key\": \"age\", \"type\": \"integer\", \"default\": 3, \"array\": false},\n"
		"  {\"key\": \"name\", \"type\": \"string\", \"size\": 50, \"required\": true,\n"
		"   \"encrypt\": false, \"default\": null}],\n"
		" \"indexes\": [{\"key\": \"by_name\", \"type\": \"key\", \"attributes\": [\"name\"],\n"
		"  \"orders\": [], \"lengths\": [null]}]}]}\n";
	awm_aw_schema *a = parse(users_file), *b = parse(other);
	awm_oid x, y;

	(void)state;
	schema_id(&x, a);
	schema_id(&y, b);
	assert_true(awm_oid_equal(&x, &y));
	awm_aw_schema_free(a);
	awm_aw_schema_free(b);
}

/* What the API answers (every value filled, statuses) is the same schema. */
static void test_appwrite_schema__from_api(void **state)
{
	static const char answer[] =
		"[{\"$id\": \"awm_state\", \"name\": \"awm_state\", \"$permissions\": [],"
		"  \"documentSecurity\": false, \"enabled\": true, \"attributes\": [], \"indexes\": []},"
		" {\"$id\": \"t\", \"$createdAt\": \"2025-01-01T00:00:00.000+00:00\", \"name\": \"T\","
		"  \"$permissions\": [], \"documentSecurity\": false, \"enabled\": true,"
		"  \"attributes\": [{\"key\": \"n\", \"type\": \"integer\", \"status\": \"available\","
		"   \"error\": \"\", \"required\": false, \"array\": false, \"default\": null,"
		"   \"min\": -9223372036854775808, \"max\": 9223372036854775807},"
		"  {\"key\": \"gone\", \"type\": \"boolean\", \"status\": \"deleting\", \"required\": false},"
		"  {\"key\": \"bad\", \"type\": \"boolean\", \"status\": \"failed\", \"required\": false},"
		"  {\"key\": \"where\", \"type\": \"point\", \"status\": \"available\", \"required\": false}],"
		"  \"indexes\": []}]";
	json_t *j = json_loads(answer, 0, NULL);
	awm_aw_schema *live, *file = parse("{\"collections\": [{\"$id\": \"t\", \"name\": \"T\","
					   " \"attributes\": [{\"key\": \"n\", \"type\": \"integer\"},"
					   " {\"key\": \"bad\", \"type\": \"boolean\"}]}]}");

	(void)state;
	assert_ok(awm_aw_schema_from_api(&live, j, "test"));
	assert_int_equal(live->nr, 1);   /* awm's own collections are never part of it */
	assert_string_equal(entry(live, "attribute", "t/n"), entry(file, "attribute", "t/n"));
	assert_string_equal(entry(live, "attribute", "t/gone"), "(none)");
	/* A failed attribute keeps its status: it is drift, not the schema. */
	assert_non_null(strstr(entry(live, "attribute", "t/bad"), "\"status\":\"failed\""));
	/* A type awm does not know is kept as answered: drift, not an error. */
	assert_string_equal(entry(live, "attribute", "t/where"),
			    "{\"key\":\"where\",\"required\":false,\"type\":\"point\"}");
	json_decref(j);
	awm_aw_schema_free(live);
	awm_aw_schema_free(file);
}

static void test_appwrite_schema__problems_counted(void **state)
{
	static const char bad[] =
		"{\"collections\": [{\"$id\": \"a\", \"name\": \"A\", \"attributes\": [\n"
		" {\"key\": \"x\", \"type\": \"integer\", \"min\": 2, \"max\": 3},\n"
		" {\"key\": \"x\", \"type\": \"boolean\"},\n"
		" {\"key\": \"z\", \"type\": \"integer\", \"min\": 2, \"max\": 1},\n"
		" {\"key\": \"r\", \"type\": \"relationship\", \"relatedCollection\": \"nope\",\n"
		"  \"relationType\": \"oneToOne\"}],\n"
		" \"indexes\": [{\"key\": \"i\", \"type\": \"unique\", \"attributes\": [\"y\"]}]}]}";
	awm_aw_schema *s = NULL;
	const char *msg, *p;
	int lines = 1;

	(void)state;
	assert_code(AWM_EINVALID, awm_aw_schema_parse_file(&s, "bad.json", bad, strlen(bad)));
	assert_null(s);
	msg = awm_error_last();
	for (p = msg; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 4);
	assert_non_null(strstr(msg, "attributes[2] ('z'): 'min' is greater than 'max'"));
	assert_non_null(strstr(msg, "bad.json: collections[0] ('a').attributes[1] ('x'): "
			       "duplicate attribute key 'x'"));
	assert_non_null(strstr(msg, "relates to collection 'nope'"));
}

static const char *op_at(json_t *ops, size_t i)
{
	static char text[256];
	json_t *o = json_array_get(ops, i);
	const char *key = json_string_value(json_object_get(o, "key"));

	snprintf(text, sizeof(text), "%s %s%s%s", json_string_value(json_object_get(o, "op")),
		 json_string_value(json_object_get(o, "collection")), key ? "." : "", key ? key : "");
	return text;
}

static void test_appwrite_schema__plan_order(void **state)
{
	awm_aw_schema *empty = awm_aw_schema_new(), *s = parse(users_file);
	json_t *ops = awm_aw_diff(empty, s, 0), *back;
	awm_buf why = AWM_BUF_INIT;

	(void)state;
	/* Collections, then attributes, then indexes, then relationships. */
	assert_int_equal(json_array_size(ops), 7);
	assert_string_equal(op_at(ops, 0), "createCollection posts");
	assert_string_equal(op_at(ops, 1), "createCollection users");
	assert_string_equal(op_at(ops, 2), "createAttribute users.age");
	assert_string_equal(op_at(ops, 5), "createIndex users.by_name");
	assert_string_equal(op_at(ops, 6), "createRelationship posts.author");
	assert_false(awm_aw_ops_lossy(&why, ops, 0));
	/* Undone in reverse; deleting what it made loses nothing it did not make. */
	back = awm_aw_inverse(ops, json_array_size(ops));
	assert_string_equal(op_at(back, 0), "deleteRelationship posts.author");
	assert_string_equal(op_at(back, 6), "deleteCollection posts");
	assert_false(awm_aw_ops_lossy(&why, back, 1));
	assert_true(awm_aw_ops_lossy(&why, back, 0));
	json_decref(ops);
	json_decref(back);
	ops = awm_aw_diff(s, s, 0);
	assert_int_equal(json_array_size(ops), 0);
	json_decref(ops);
	awm_aw_schema_free(empty);
	awm_aw_schema_free(s);
	awm_buf_release(&why);
}

static void test_appwrite_schema__plan_in_place_or_recreate(void **state)
{
	awm_aw_schema *a = parse("{\"collections\": [{\"$id\": \"t\", \"name\": \"T\", \"attributes\": ["
				 " {\"key\": \"s\", \"type\": \"string\", \"size\": 5},"
				 " {\"key\": \"n\", \"type\": \"integer\"}],"
				 " \"indexes\": [{\"key\": \"i\", \"type\": \"key\", \"attributes\": [\"n\"]}]}]}");
	awm_aw_schema *b = parse("{\"collections\": [{\"$id\": \"t\", \"name\": \"T2\", \"attributes\": ["
				 " {\"key\": \"s\", \"type\": \"string\", \"size\": 50},"
				 " {\"key\": \"n\", \"type\": \"string\", \"size\": 9}],"
				 " \"indexes\": [{\"key\": \"i\", \"type\": \"key\", \"attributes\": [\"n\"]}]}]}");
	json_t *ops = awm_aw_diff(a, b, 0), *back;
	awm_buf why = AWM_BUF_INIT;

	(void)state;
	/* The index over the recreated attribute goes first and comes back last. */
	assert_int_equal(json_array_size(ops), 6);
	assert_string_equal(op_at(ops, 0), "deleteIndex t.i");
	assert_string_equal(op_at(ops, 1), "deleteAttribute t.n");
	assert_string_equal(op_at(ops, 2), "updateCollection t");
	assert_string_equal(op_at(ops, 3), "updateAttribute t.s");
	assert_string_equal(op_at(ops, 4), "createAttribute t.n");
	assert_string_equal(op_at(ops, 5), "createIndex t.i");
	assert_true(awm_aw_ops_lossy(&why, ops, 0));
	assert_non_null(strstr(why.ptr, "delete attribute t.n"));
	/* Undoing a recreate recreates too: lossy even going down. */
	back = awm_aw_inverse(ops, json_array_size(ops));
	assert_true(awm_aw_ops_lossy(&why, back, 1));
	json_decref(ops);
	json_decref(back);
	awm_aw_schema_free(a);
	awm_aw_schema_free(b);
	awm_buf_release(&why);
}

static void test_appwrite_schema__awm_round_trip(void **state)
{
	awm_aw_schema *s = parse(users_file), *back;
	awm_schema *as;
	awm_oid x, y;

	(void)state;
	assert_ok(awm_aw_schema_to_awm(&as, s));
	assert_string_equal(as->engine, "appwrite");
	assert_ok(awm_aw_schema_from_awm(&back, as));
	schema_id(&x, s);
	schema_id(&y, back);
	assert_true(awm_oid_equal(&x, &y));
	awm_schema_free(as);
	awm_aw_schema_free(s);
	awm_aw_schema_free(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appwrite_schema__canonical_defaults),
		cmocka_unit_test(test_appwrite_schema__known_answer),
		cmocka_unit_test(test_appwrite_schema__same_schema_same_id),
		cmocka_unit_test(test_appwrite_schema__from_api),
		cmocka_unit_test(test_appwrite_schema__problems_counted),
		cmocka_unit_test(test_appwrite_schema__plan_order),
		cmocka_unit_test(test_appwrite_schema__plan_in_place_or_recreate),
		cmocka_unit_test(test_appwrite_schema__awm_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
