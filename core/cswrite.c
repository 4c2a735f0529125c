/*
 * Changeset encoding (see cswrite.h).
 */
#include "core/cswrite.h"

#include <string.h>

void awm_cs_varint(awm_buf *out, uint64_t v)
{
	unsigned char buf[10];
	int n = 0, i;

	if (v > 0x00ffffffffffffffULL) {
		/* Nine bytes: eight of 7 bits, then one of 8. */
		unsigned char b[9];

		b[8] = (unsigned char)v;
		v >>= 8;
		for (i = 7; i >= 0; i--) {
			b[i] = (unsigned char)((v & 0x7f) | 0x80);
			v >>= 7;
		}
		awm_buf_put(out, b, 9);
		return;
	}
	do {
		buf[n++] = (unsigned char)((v & 0x7f) | 0x80);
		v >>= 7;
	} while (v);
	buf[0] &= 0x7f;
	for (i = n - 1; i >= 0; i--)
		awm_buf_putc(out, (char)buf[i]);
}

void awm_cs_table(awm_buf *out, const char *name, int ncol, const unsigned char *pk)
{
	awm_buf_putc(out, 'T');
	awm_cs_varint(out, (uint64_t)ncol);
	awm_buf_put(out, pk, (size_t)ncol);
	awm_buf_put(out, name, strlen(name) + 1);
}

void awm_cs_change(awm_buf *out, int op)
{
	awm_buf_putc(out, (char)op);
	awm_buf_putc(out, 0);
}

void awm_cs_undefined(awm_buf *out)
{
	awm_buf_putc(out, AWM_CS_UNDEFINED);
}

void awm_cs_null(awm_buf *out)
{
	awm_buf_putc(out, AWM_CS_NULL);
}

static void put_be64(awm_buf *out, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 7; i >= 0; i--) {
		b[i] = (unsigned char)v;
		v >>= 8;
	}
	awm_buf_put(out, b, 8);
}

void awm_cs_int(awm_buf *out, int64_t v)
{
	awm_buf_putc(out, AWM_CS_INTEGER);
	put_be64(out, (uint64_t)v);
}

void awm_cs_real(awm_buf *out, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	awm_buf_putc(out, AWM_CS_REAL);
	put_be64(out, bits);
}

void awm_cs_bytes(awm_buf *out, int type, const void *p, size_t n)
{
	awm_buf_putc(out, (char)type);
	awm_cs_varint(out, n);
	awm_buf_put(out, p, n);
}

void awm_cs_column(awm_buf *out, sqlite3_stmt *st, int col)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		awm_cs_int(out, sqlite3_column_int64(st, col));
		break;
	case SQLITE_FLOAT:
		awm_cs_real(out, sqlite3_column_double(st, col));
		break;
	case SQLITE_TEXT: {
		const unsigned char *t = sqlite3_column_text(st, col);

		awm_cs_bytes(out, AWM_CS_TEXT, t, (size_t)sqlite3_column_bytes(st, col));
		break;
	}
	case SQLITE_BLOB: {
		const void *b = sqlite3_column_blob(st, col);

		awm_cs_bytes(out, AWM_CS_BLOB, b, (size_t)sqlite3_column_bytes(st, col));
		break;
	}
	default:
		awm_cs_null(out);
	}
}

void awm_cs_value(awm_buf *out, sqlite3_value *v)
{
	if (!v) {
		awm_cs_undefined(out);
		return;
	}
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		awm_cs_int(out, sqlite3_value_int64(v));
		break;
	case SQLITE_FLOAT:
		awm_cs_real(out, sqlite3_value_double(v));
		break;
	case SQLITE_TEXT:
		awm_cs_bytes(out, AWM_CS_TEXT, sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
		break;
	case SQLITE_BLOB:
		awm_cs_bytes(out, AWM_CS_BLOB, sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v));
		break;
	default:
		awm_cs_null(out);
	}
}

void awm_cs_copy_change(awm_buf *out, sqlite3_changeset_iter *it, int op, int ncol)
{
	int i;

	awm_cs_change(out, op);
	for (i = 0; i < ncol && op != SQLITE_INSERT; i++) {
		sqlite3_value *v = NULL;

		sqlite3changeset_old(it, i, &v);
		awm_cs_value(out, v);
	}
	for (i = 0; i < ncol && op != SQLITE_DELETE; i++) {
		sqlite3_value *v = NULL;

		sqlite3changeset_new(it, i, &v);
		awm_cs_value(out, v);
	}
}
