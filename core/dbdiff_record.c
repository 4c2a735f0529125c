/*
 * Decoding SQLite records for the diff engine's page road
 * (https://www.sqlite.org/fileformat2.html#record_format).
 */
#include "core/dbdiff_internal.h"
#include "core/error.h"

#include <string.h>

/*
 * SQLite's varint: 1 to 9 bytes, big-endian 7-bit groups, the ninth byte
 * whole.  Shared by the record decoder and the b-tree reader.
 */
int dd_get_varint(uint64_t *out, const unsigned char *p, const unsigned char *end)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 9 && p + i < end; i++) {
		if (i == 8) {
			*out = (v << 8) | p[i];
			return 9;
		}
		v = (v << 7) | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*out = v;
			return i + 1;
		}
	}
	return 0;
}

/* Bytes a serial type takes in the body. */
static uint64_t serial_size(uint64_t st)
{
	static const unsigned char sizes[] = { 0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0 };

	return st < 12 ? sizes[st] : (st - 12) / 2;
}

static int64_t big_endian_int(const unsigned char *p, int n)
{
	uint64_t v = (p[0] & 0x80) ? ~(uint64_t)0 : 0;   /* sign-extend */
	int i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return (int64_t)v;
}

static int decode_value(dd_value *v, uint64_t st, const unsigned char *p)
{
	uint64_t bits;

	switch (st) {
	case 0:
		v->type = SQLITE_NULL;
		return 0;
	case 1: case 2: case 3: case 4: case 5: case 6:
		v->type = SQLITE_INTEGER;
		v->i = big_endian_int(p, (int)serial_size(st));
		return 0;
	case 7:
		v->type = SQLITE_FLOAT;
		bits = (uint64_t)big_endian_int(p, 8);
		memcpy(&v->r, &bits, sizeof(bits));
		return 0;
	case 8: case 9:
		v->type = SQLITE_INTEGER;
		v->i = (int64_t)st - 8;
		return 0;
	case 10: case 11:
		return AWM_ECORRUPT;
	default:
		v->type = st & 1 ? SQLITE_TEXT : SQLITE_BLOB;
		v->p = p;
		v->n = (size_t)serial_size(st);
		return 0;
	}
}

int dd_record_decode(dd_value *row, const dd_table *t, int64_t rowid,
		     const unsigned char *p, uint64_t n, int nfields)
{
	const unsigned char *end = p + n, *hp, *body;
	uint64_t hsize, st, off = 0;
	int k, field = 0;

	if (!(k = dd_get_varint(&hsize, p, end)) || hsize > n || hsize < (uint64_t)k)
		return AWM_ECORRUPT;
	hp = p + k;
	body = p + hsize;
	while (hp < body && field < nfields) {
		int col;

		if (!(k = dd_get_varint(&st, hp, body)))
			return AWM_ECORRUPT;
		hp += k;
		if (field >= t->ncol || serial_size(st) > n - hsize - off)
			return AWM_ECORRUPT;
		col = t->field_col[field];
		if (decode_value(&row[col], st, body + off) < 0)
			return AWM_ECORRUPT;
		off += serial_size(st);
		if (col == t->ipk) {
			row[col].type = SQLITE_INTEGER;
			row[col].i = rowid;
		} else if (t->real_aff[col] && row[col].type == SQLITE_INTEGER) {
			row[col].type = SQLITE_FLOAT;
			row[col].r = (double)row[col].i;
		}
		field++;
	}
	return field < nfields ? 1 : 0;
}
