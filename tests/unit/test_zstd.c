/*
 * zstd round trips, and damaged frames refused with AWM_ECORRUPT.
 */
#include "unit.h"
#include "objects/zstd.h"

/* Deterministic content: half text-like (compressible), half noise. */
static unsigned char *make_data(size_t n, unsigned seed)
{
	unsigned char *p = awm_malloc(n ? n : 1);
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		p[i] = (i / 4096) % 2 ? (unsigned char)(x >> 24) : (unsigned char)("abc def\n"[i % 8]);
	}
	return p;
}

static void round_trip(awm_zstd *z, size_t n)
{
	unsigned char *data = make_data(n, (unsigned)n);
	awm_buf frame = AWM_BUF_INIT, out = AWM_BUF_INIT;

	assert_ok(awm_zstd_compress(z, &frame, data, n));
	assert_true(frame.size > 0);
	/* Output is appended, so existing content must survive. */
	awm_buf_puts(&out, "prefix");
	assert_ok(awm_zstd_decompress(z, &out, frame.ptr, frame.size, n, "test"));
	assert_int_equal(out.size, n + 6);
	assert_memory_equal(out.ptr, "prefix", 6);
	if (n)
		assert_memory_equal(out.ptr + 6, data, n);
	assert_int_equal(out.ptr[out.size], '\0');
	awm_buf_release(&frame);
	awm_buf_release(&out);
	free(data);
}

static void test_zstd__round_trip_sizes(void **state)
{
	static const size_t sizes[] = {
		0, 1, 2, 100, 4095, 4096, 65536, 65537, (1u << 20) + 12345, 3u << 20,
	};
	awm_zstd *z = awm_zstd_new(AWM_ZSTD_LEVEL);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		round_trip(z, sizes[i]);   /* the same contexts, reused */
	awm_zstd_free(z);
	awm_zstd_free(NULL);
}

static void test_zstd__wrong_expected_size_is_corrupt(void **state)
{
	awm_zstd *z = awm_zstd_new(AWM_ZSTD_LEVEL);
	awm_buf frame = AWM_BUF_INIT, out = AWM_BUF_INIT;

	(void)state;
	assert_ok(awm_zstd_compress(z, &frame, "hello world", 11));
	assert_code(AWM_ECORRUPT, awm_zstd_decompress(z, &out, frame.ptr, frame.size, 10, "obj"));
	assert_error_has("obj");
	assert_code(AWM_ECORRUPT, awm_zstd_decompress(z, &out, frame.ptr, frame.size, 12, "obj"));
	awm_buf_release(&frame);
	awm_buf_release(&out);
	awm_zstd_free(z);
}

static void test_zstd__garbage_and_truncation_are_corrupt(void **state)
{
	awm_zstd *z = awm_zstd_new(AWM_ZSTD_LEVEL);
	unsigned char *data = make_data(20000, 7);
	awm_buf frame = AWM_BUF_INIT, out = AWM_BUF_INIT;
	size_t cut;

	(void)state;
	assert_code(AWM_ECORRUPT, awm_zstd_decompress(z, &out, "not zstd at all", 15, 15, "x"));
	assert_code(AWM_ECORRUPT, awm_zstd_decompress(z, &out, "", 0, 0, "x"));
	assert_ok(awm_zstd_compress(z, &frame, data, 20000));
	for (cut = 0; cut < frame.size; cut += frame.size / 17 + 1) {
		awm_buf_clear(&out);
		assert_code(AWM_ECORRUPT,
			    awm_zstd_decompress(z, &out, frame.ptr, cut, 20000, "x"));
	}
	awm_buf_release(&frame);
	awm_buf_release(&out);
	free(data);
	awm_zstd_free(z);
}

/*
 * Flip each byte of a frame in turn.  Every frame carries a content
 * checksum, so a flip either yields the original bytes (a change zstd can
 * ignore, such as an unused header bit) or is refused as AWM_ECORRUPT; it
 * never yields other content and never fails some other way.
 */
static void test_zstd__every_flipped_byte_is_caught(void **state)
{
	awm_zstd *z = awm_zstd_new(AWM_ZSTD_LEVEL);
	unsigned char *data = make_data(9000, 3);
	awm_buf frame = AWM_BUF_INIT, out = AWM_BUF_INIT;
	size_t i, refused = 0;

	(void)state;
	assert_ok(awm_zstd_compress(z, &frame, data, 9000));
	for (i = 0; i < frame.size; i++) {
		int rc;

		frame.ptr[i] ^= 0x21;
		awm_buf_clear(&out);
		rc = awm_zstd_decompress(z, &out, frame.ptr, frame.size, 9000, "x");
		if (rc == 0)
			assert_memory_equal(out.ptr, data, 9000);
		else if (rc != AWM_ECORRUPT)
			fail_msg("flip at %zu gave %d: %s", i, rc, awm_error_last());
		else
			refused++;
		frame.ptr[i] ^= 0x21;
	}
	assert_true(refused > frame.size * 9 / 10);
	awm_buf_release(&frame);
	awm_buf_release(&out);
	free(data);
	awm_zstd_free(z);
}

/* Two frames back to back are not one object. */
static void test_zstd__trailing_frame_is_refused(void **state)
{
	awm_zstd *z = awm_zstd_new(AWM_ZSTD_LEVEL);
	awm_buf frame = AWM_BUF_INIT, out = AWM_BUF_INIT;

	(void)state;
	assert_ok(awm_zstd_compress(z, &frame, "first", 5));
	assert_ok(awm_zstd_compress(z, &frame, "second", 6));
	assert_code(AWM_ECORRUPT, awm_zstd_decompress(z, &out, frame.ptr, frame.size, 5, "x"));
	awm_buf_release(&frame);
	awm_buf_release(&out);
	awm_zstd_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zstd__round_trip_sizes),
		cmocka_unit_test(test_zstd__wrong_expected_size_is_corrupt),
		cmocka_unit_test(test_zstd__garbage_and_truncation_are_corrupt),
		cmocka_unit_test(test_zstd__every_flipped_byte_is_caught),
		cmocka_unit_test(test_zstd__trailing_frame_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
