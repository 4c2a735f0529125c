/*
 * Snapshot and page objects (see snapshot.h for the formats).
 */
#include "objects/snapshot.h"
#include "core/error.h"
#include "objects/zstd.h"

#include <stdlib.h>
#include <string.h>

void awm_snapshot_free(awm_snapshot *s)
{
	if (!s)
		return;
	free(s->engine);
	free(s->pages);
	free(s);
}

/* The next line of [*p, end) without its newline; 0 at the end. */
static int next_line(const char **line, size_t *n, const char **p, const char *end)
{
	const char *nl;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl)
		return -1;   /* every line ends with a newline */
	*line = *p;
	*n = (size_t)(nl - *p);
	*p = nl + 1;
	return 1;
}

/* "<key> <value>" with a decimal value below 2^32. */
static int keyed_number(uint64_t *out, const char *line, size_t n, const char *key)
{
	size_t k = strlen(key), i;
	uint64_t v = 0;

	if (n <= k + 1 || memcmp(line, key, k) || line[k] != ' ')
		return -1;
	for (i = k + 1; i < n; i++) {
		if (line[i] < '0' || line[i] > '9' || (line[i] == '0' && i == k + 1 && n > k + 2))
			return -1;
		v = v * 10 + (uint64_t)(line[i] - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*out = v;
	return 0;
}

static int hex_line(awm_oid *out, const char *line, size_t n, const char *key)
{
	size_t k = key ? strlen(key) + 1 : 0;
	char hex[AWM_OID_HEXSZ + 1];

	if (n != k + AWM_OID_HEXSZ || (key && (memcmp(line, key, k - 1) || line[k - 1] != ' ')))
		return -1;
	memcpy(hex, line + k, AWM_OID_HEXSZ);
	hex[AWM_OID_HEXSZ] = '\0';
	return awm_oid_fromhex(out, hex) < 0 ? -1 : 0;
}

#define BAD(what) do { why = what; goto bad; } while (0)

int awm_snapshot_parse(awm_snapshot **out, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *line, *why;
	awm_snapshot *s = awm_calloc(1, sizeof(*s));
	uint64_t size, count;
	size_t n, i;

	if (next_line(&line, &n, &p, end) != 1 || n != 14 || memcmp(line, "awm-snapshot 1", 14))
		BAD("the first line is not 'awm-snapshot 1'");
	if (next_line(&line, &n, &p, end) != 1 || hex_line(&s->commit, line, n, "commit") < 0)
		BAD("bad 'commit' line");
	if (next_line(&line, &n, &p, end) != 1 || n < 8 || memcmp(line, "engine ", 7) ||
	    memchr(line, '\0', n))
		BAD("bad 'engine' line");
	s->engine = awm_strndup(line + 7, n - 7);
	if (next_line(&line, &n, &p, end) != 1 || keyed_number(&size, line, n, "page-size") < 0 ||
	    size < 512 || size > 65536 || (size & (size - 1)))
		BAD("bad 'page-size' line");
	s->page_size = (uint32_t)size;
	if (next_line(&line, &n, &p, end) != 1 || keyed_number(&count, line, n, "pages") < 0)
		BAD("bad 'pages' line");
	/* Each page line takes 33 bytes: a count beyond that is a lie. */
	if (count > (uint64_t)(end - p) / (AWM_OID_HEXSZ + 1))
		BAD("fewer page lines than 'pages' says");
	s->npages = (size_t)count;
	s->pages = awm_calloc(s->npages ? s->npages : 1, sizeof(awm_oid));
	for (i = 0; i < s->npages; i++)
		if (next_line(&line, &n, &p, end) != 1 || hex_line(&s->pages[i], line, n, NULL) < 0)
			BAD("bad page line");
	if (p != end)
		BAD("data after the last page line");
	*out = s;
	return 0;
bad:
	awm_snapshot_free(s);
	return awm_error_set(AWM_ECORRUPT, "snapshot object: %s", why);
}

void awm_snapshot_serialize(awm_buf *out, const awm_snapshot *s)
{
	size_t i;

	awm_buf_printf(out, "awm-snapshot %d\ncommit %s\nengine %s\npage-size %u\npages %zu\n",
		       AWM_SNAPSHOT_VERSION, awm_oid_tohex(&s->commit).s, s->engine,
		       s->page_size, s->npages);
	awm_buf_grow(out, s->npages * (AWM_OID_HEXSZ + 1));
	for (i = 0; i < s->npages; i++) {
		awm_buf_put(out, awm_oid_tohex(&s->pages[i]).s, AWM_OID_HEXSZ);
		awm_buf_putc(out, '\n');
	}
}

int awm_snapshot_read(awm_snapshot **out, awm_odb *odb, const awm_oid *oid)
{
	awm_object *obj;
	int rc = awm_odb_read_typed(&obj, odb, oid, AWM_OBJ_SNAPSHOT);

	if (rc < 0)
		return rc;
	rc = awm_snapshot_parse(out, (const char *)obj->data, obj->size);
	if (rc < 0)
		awm_error_prefix("%s", awm_oid_tohex(oid).s);
	awm_object_free(obj);
	return rc;
}

void awm_page_full_payload(awm_buf *out, const void *page, size_t len)
{
	awm_buf_clear(out);
	awm_buf_putc(out, (char)AWM_PAGE_FULL);
	awm_buf_put(out, page, len);
}

int awm_page_parse(int *kind, awm_oid *base, const void *payload, size_t len)
{
	const unsigned char *p = payload;

	if (len >= 1 && p[0] == AWM_PAGE_FULL) {
		*kind = AWM_PAGE_FULL;
		return 0;
	}
	if (len > AWM_PAGE_DELTA_HDRSZ && p[0] == AWM_PAGE_DELTA) {
		*kind = AWM_PAGE_DELTA;
		memcpy(base->id, p + 1, AWM_OID_RAWSZ);
		return 0;
	}
	return awm_error_set(AWM_ECORRUPT, "page object: unknown form %d",
			     len ? (int)p[0] : -1);
}

struct awm_page_reader {
	awm_odb *odb;
	uint32_t page_size;
	awm_zstd *z;
	awm_oid base_id;      /* the base held in `base`, when has_base */
	int has_base;
	awm_buf base;
};

awm_page_reader *awm_page_reader_new(awm_odb *odb, uint32_t page_size)
{
	awm_page_reader *r = awm_calloc(1, sizeof(*r));

	r->odb = odb;
	r->page_size = page_size;
	r->z = awm_zstd_new(AWM_ZSTD_LEVEL);
	awm_buf_init(&r->base);
	return r;
}

void awm_page_reader_free(awm_page_reader *r)
{
	if (!r)
		return;
	awm_zstd_free(r->z);
	awm_buf_release(&r->base);
	free(r);
}

/* A full page's bytes, checked against the page size. */
static int full_bytes(awm_page_reader *r, awm_buf *out, const awm_object *obj)
{
	int kind = -1;
	awm_oid unused;
	int rc = awm_page_parse(&kind, &unused, obj->data, obj->size);

	if (rc == 0 && (kind != AWM_PAGE_FULL || obj->size - 1 != r->page_size))
		rc = awm_error_set(AWM_ECORRUPT, "page %s is not a full page of %u bytes",
				   awm_oid_tohex(&obj->oid).s, r->page_size);
	if (rc == 0) {
		awm_buf_clear(out);
		awm_buf_put(out, obj->data + 1, r->page_size);
	}
	return rc;
}

static int load_base(awm_page_reader *r, const awm_oid *id)
{
	awm_object *obj;
	int rc;

	if (r->has_base && awm_oid_equal(&r->base_id, id))
		return 0;
	r->has_base = 0;
	if ((rc = awm_odb_read_typed(&obj, r->odb, id, AWM_OBJ_PAGE)) < 0)
		return rc;
	if ((rc = full_bytes(r, &r->base, obj)) == 0) {
		r->base_id = *id;
		r->has_base = 1;
	}
	awm_object_free(obj);
	return rc;
}

int awm_page_reader_get(awm_page_reader *r, awm_buf *out, awm_oid *anchor,
			const awm_oid *id)
{
	awm_object *obj;
	awm_oid base;
	int kind = -1, rc;

	if ((rc = awm_odb_read_typed(&obj, r->odb, id, AWM_OBJ_PAGE)) < 0)
		return rc;
	if ((rc = awm_page_parse(&kind, &base, obj->data, obj->size)) < 0)
		goto done;
	if (kind == AWM_PAGE_FULL) {
		rc = full_bytes(r, out, obj);
		if (anchor)
			*anchor = *id;
		goto done;
	}
	if ((rc = load_base(r, &base)) < 0) {
		awm_error_prefix("page %s rests on a damaged base", awm_oid_tohex(id).s);
		goto done;
	}
	awm_buf_clear(out);
	rc = awm_zstd_decompress_delta(r->z, out, obj->data + AWM_PAGE_DELTA_HDRSZ,
				       obj->size - AWM_PAGE_DELTA_HDRSZ, r->page_size,
				       r->base.ptr, r->base.size, awm_oid_tohex(id).s);
	if (anchor)
		*anchor = base;
done:
	awm_object_free(obj);
	return rc;
}

int awm_page_delta_payload(awm_page_reader *r, awm_buf *out, const awm_oid *base_id,
			   const void *base, const void *page, size_t len)
{
	awm_buf_clear(out);
	awm_buf_putc(out, (char)AWM_PAGE_DELTA);
	awm_buf_put(out, base_id->id, AWM_OID_RAWSZ);
	return awm_zstd_compress_delta(r->z, out, page, len, base, len);
}
