/*
 * Object ids: known-answer vectors, hex forms, ordering.
 *
 * Every expected id below was computed outside awm, with
 *   printf '<type> <length>\0<payload>' | xxhsum -H2
 * over the exact header and payload bytes (xxhsum 0.8.1), and is written
 * here by hand: a change to the header, the hash or the byte order changes
 * every stored id, and must fail here first.
 */
#include "unit.h"
#include "objects/oid.h"

typedef struct vector {
	awm_otype type;
	const char *payload;
	size_t len;
	const char *id;
} vector;

#define V(type, lit, id) { type, lit, sizeof(lit) - 1, id }

/* The commit and schema payloads are the formats' canonical text. */
#define COMMIT_ROOT \
	"schema 6e3c5a123def28030bc52022420ccdb0\n" \
	"engine sqlite\n" \
	"author A U Thor <author@example.com> 1700000000 +0000\n" \
	"committer A U Thor <author@example.com> 1700000000 +0000\n" \
	"\n" \
	"first\n"

#define COMMIT_FULL \
	"parent 8ea94845c052ea1c80321d83b8208662\n" \
	"parent 7e9c4f181d45558edaae8a6e7184d9e0\n" \
	"up 8ea94845c052ea1c80321d83b8208662\n" \
	"down 7e9c4f181d45558edaae8a6e7184d9e0\n" \
	"changeset 902a874266867db18ac0e8d989ed56de\n" \
	"schema 6e3c5a123def28030bc52022420ccdb0\n" \
	"engine sqlite\n" \
	"kind data\n" \
	"migration migrations/20240101000000_add_users.sql\n" \
	"author A U Thor <author@example.com> 1700000000 -0130\n" \
	"committer C O Mitter <committer@example.com> 1700000100 +0545\n" \
	"gitcommit 0123456789abcdef0123456789abcdef01234567\n" \
	"\n" \
	"add users\n" \
	"\n" \
	"With a body.\n"

#define SCHEMA_THREE \
	"awm-schema 1\n" \
	"engine sqlite\n" \
	"table\tt\tt\tCREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)\n" \
	"index\tt_v\tt\tCREATE INDEX t_v ON t(v)\n" \
	"view\tw\tw\tCREATE VIEW w AS SELECT\\n1\n"

static const vector vectors[] = {
	V(AWM_OBJ_BLOB, "hello\n", "8ea94845c052ea1c80321d83b8208662"),   /* DESIGN.md */
	V(AWM_OBJ_BLOB, "", "7e9c4f181d45558edaae8a6e7184d9e0"),
	V(AWM_OBJ_CHANGESET, "", "902a874266867db18ac0e8d989ed56de"),
	V(AWM_OBJ_SCHEMA, "", "7f26838aed58e08a7d678908ecab5078"),
	V(AWM_OBJ_COMMIT, "", "140cab225bc459179459c748d771d044"),
	V(AWM_OBJ_SCHEMA, "awm-schema 1\nengine sqlite\n", "6e3c5a123def28030bc52022420ccdb0"),
	V(AWM_OBJ_SCHEMA, SCHEMA_THREE, "b10a1062f4ada2ed816e6b88060e5230"),
	V(AWM_OBJ_COMMIT, COMMIT_ROOT, "0e4af84b114f6b7445a2d5ecbc06a2ee"),
	V(AWM_OBJ_COMMIT, COMMIT_FULL, "3a13b179cbac9a849726f7b974dd967b"),
};

static void test_oid__known_answers(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		awm_oid oid;

		awm_oid_hash(&oid, vectors[i].type, vectors[i].payload, vectors[i].len);
		if (strcmp(awm_oid_tohex(&oid).s, vectors[i].id))
			fail_msg("vector %zu (%s, %zu bytes): got %s, expected %s", i,
				 awm_otype_name(vectors[i].type), vectors[i].len,
				 awm_oid_tohex(&oid).s, vectors[i].id);
	}
}

/* Payloads longer than 240 bytes take XXH3's long-input path; cover it too. */
static void test_oid__known_answers_long_binary(void **state)
{
	unsigned char bytes[256], *big = awm_malloc(5000);
	awm_oid oid;
	size_t i;

	(void)state;
	for (i = 0; i < 256; i++)
		bytes[i] = (unsigned char)i;
	awm_oid_hash(&oid, AWM_OBJ_BLOB, bytes, sizeof(bytes));
	assert_string_equal(awm_oid_tohex(&oid).s, "8ea33f5d5da30dcf77c2f06f3f2b3f9b");
	for (i = 0; i < 5000; i++)
		big[i] = (unsigned char)((i * 7) % 251);
	awm_oid_hash(&oid, AWM_OBJ_CHANGESET, big, 5000);
	assert_string_equal(awm_oid_tohex(&oid).s, "f211cd0857c40cb72c956d3e27dfb380");
	free(big);
}

/* The serializers produce exactly the vector bytes, so the ids above are theirs. */
static void test_oid__commit_serializer_matches_vector(void **state)
{
	awm_commit *c = awm_commit_new();
	awm_buf out = AWM_BUF_INIT;
	awm_oid oid;

	(void)state;
	c->schema = unit_oid("6e3c5a123def28030bc52022420ccdb0");
	c->engine = awm_strdup("sqlite");
	c->author.name = awm_strdup("A U Thor");
	c->author.email = awm_strdup("author@example.com");
	c->author.time = 1700000000;
	awm_signature_copy(&c->committer, &c->author);
	c->message = awm_strdup("first\n");
	assert_ok(awm_commit_serialize(&out, c));
	assert_string_equal(out.ptr, COMMIT_ROOT);
	awm_oid_hash(&oid, AWM_OBJ_COMMIT, out.ptr, out.size);
	assert_string_equal(awm_oid_tohex(&oid).s, "0e4af84b114f6b7445a2d5ecbc06a2ee");
	awm_buf_release(&out);
	awm_commit_free(c);
}

static void test_oid__schema_serializer_matches_vector(void **state)
{
	awm_schema *s = awm_schema_new("sqlite");
	awm_buf out = AWM_BUF_INIT;
	awm_oid oid;

	(void)state;
	/* Added out of order: serialising sorts them. */
	assert_ok(awm_schema_add(s, "view", "w", "w", "CREATE VIEW w AS SELECT\n1"));
	assert_ok(awm_schema_add(s, "index", "t_v", "t", "CREATE INDEX t_v ON t(v)"));
	assert_ok(awm_schema_add(s, "table", "t", "t",
				 "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)"));
	assert_ok(awm_schema_serialize(&out, s));
	assert_string_equal(out.ptr, SCHEMA_THREE);
	awm_oid_hash(&oid, AWM_OBJ_SCHEMA, out.ptr, out.size);
	assert_string_equal(awm_oid_tohex(&oid).s, "b10a1062f4ada2ed816e6b88060e5230");
	awm_buf_release(&out);
	awm_schema_free(s);
}

static void test_oid__type_is_part_of_the_id(void **state)
{
	awm_oid a, b;

	(void)state;
	awm_oid_hash(&a, AWM_OBJ_BLOB, "x", 1);
	awm_oid_hash(&b, AWM_OBJ_SCHEMA, "x", 1);
	assert_false(awm_oid_equal(&a, &b));
}

static void test_oid__hex_round_trip(void **state)
{
	awm_oid oid, back;
	awm_oid_hex h;

	(void)state;
	assert_ok(awm_oid_fromhex(&oid, "8EA94845C052EA1C80321D83B8208662"));
	h = awm_oid_tohex(&oid);
	assert_string_equal(h.s, "8ea94845c052ea1c80321d83b8208662");
	assert_ok(awm_oid_fromhex(&back, h.s));
	assert_true(awm_oid_equal(&oid, &back));
	assert_int_equal(oid.id[0], 0x8e);
	assert_int_equal(oid.id[15], 0x62);
	assert_string_equal(awm_oid_short(&oid, 10).s, "8ea94845c0");
	assert_string_equal(awm_oid_short(&oid, 99).s, h.s);
}

static void test_oid__fromhex_refuses_bad_input(void **state)
{
	static const char *const bad[] = {
		"", "8ea9", "8ea94845c052ea1c80321d83b820866",      /* 31 */
		"8ea94845c052ea1c80321d83b82086622",                /* 33 */
		"8ea94845c052ea1c80321d83b820866g", " ea94845c052ea1c80321d83b8208662",
		"8ea94845c052ea1c80321d83b820866\n",
	};
	size_t i;
	awm_oid oid;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(awm_oid_fromhex(&oid, bad[i]), AWM_EINVALID);
	assert_true(awm_is_hex("09afAF", 6));
	assert_false(awm_is_hex("09ag", 4));
}

static void test_oid__order_is_bytewise(void **state)
{
	awm_oid a = unit_oid("00000000000000000000000000000001");
	awm_oid b = unit_oid("00000000000000000000000000000100");
	awm_oid z;

	(void)state;
	assert_true(awm_oid_cmp(&a, &b) < 0);
	assert_true(awm_oid_cmp(&b, &a) > 0);
	assert_int_equal(awm_oid_cmp(&a, &a), 0);
	awm_oid_clear(&z);
	assert_true(awm_oid_is_zero(&z));
	assert_false(awm_oid_is_zero(&a));
}

static void test_oid__type_names(void **state)
{
	(void)state;
	assert_string_equal(awm_otype_name(AWM_OBJ_BLOB), "blob");
	assert_string_equal(awm_otype_name(AWM_OBJ_CHANGESET), "changeset");
	assert_string_equal(awm_otype_name(AWM_OBJ_SCHEMA), "schema");
	assert_string_equal(awm_otype_name(AWM_OBJ_COMMIT), "commit");
	assert_null(awm_otype_name(AWM_OBJ_NONE));
	assert_string_equal(awm_otype_name(AWM_OBJ_PAGE), "page");
	assert_string_equal(awm_otype_name(AWM_OBJ_SNAPSHOT), "snapshot");
	assert_null(awm_otype_name((awm_otype)(AWM_OBJ_MAX + 1)));
	assert_int_equal(awm_otype_from_name("commit"), AWM_OBJ_COMMIT);
	assert_int_equal(awm_otype_from_name("tree"), AWM_OBJ_NONE);
}

/* The streaming hasher (pack checksums) equals the one-shot hash. */
static void test_oid__streaming_hash_matches_one_shot(void **state)
{
	unsigned char *data = awm_malloc(100000), a[16], b[16];
	awm_hasher *h = awm_hasher_new();
	size_t i, off;

	(void)state;
	for (i = 0; i < 100000; i++)
		data[i] = (unsigned char)(i * 31 + (i >> 8));
	for (off = 0; off < 100000; off += 777)
		awm_hasher_update(h, data + off, off + 777 > 100000 ? 100000 - off : 777);
	awm_hasher_final(h, a);
	awm_hash128(b, data, 100000);
	assert_memory_equal(a, b, 16);
	awm_hasher_free(h);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oid__known_answers),
		cmocka_unit_test(test_oid__known_answers_long_binary),
		cmocka_unit_test(test_oid__commit_serializer_matches_vector),
		cmocka_unit_test(test_oid__schema_serializer_matches_vector),
		cmocka_unit_test(test_oid__type_is_part_of_the_id),
		cmocka_unit_test(test_oid__hex_round_trip),
		cmocka_unit_test(test_oid__fromhex_refuses_bad_input),
		cmocka_unit_test(test_oid__order_is_bytewise),
		cmocka_unit_test(test_oid__type_names),
		cmocka_unit_test(test_oid__streaming_hash_matches_one_shot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
