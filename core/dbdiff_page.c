/*
 * The diff engine's page road: a rowid table keyed by its INTEGER PRIMARY
 * KEY is read by walking its table b-tree in both databases at once
 * (https://www.sqlite.org/fileformat2.html, "B-tree Pages" and "Record
 * Format").  Leaf pages that are byte-identical on both sides are skipped
 * whole; otherwise rows are matched by rowid and compared as raw records,
 * and only rows that differ are decoded into changeset values.
 *
 * Pages come from an in-memory image (sqlite3_serialize without a copy)
 * or are read from the file with pread, a window of leaf pages at a time,
 * while the connection holds a read transaction, so no writer changes the
 * file underneath.  Every offset read from a page is bounds-checked: a
 * damaged file gives AWM_ECORRUPT, never a wild read.
 */
#include "core/dbdiff_internal.h"
#include "core/error.h"
#include "core/sqlite.h"
#include "core/sqltext.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXDEPTH 24
#define LEAF_WINDOW 64   /* leaf pages read per pread */

struct dd_pages {
	const unsigned char *mem;   /* the whole image, or NULL for a file */
	int fd;
	char *path;
	uint32_t pgsz, usable, npages;
};

static uint32_t get16(const unsigned char *p)
{
	return ((uint32_t)p[0] << 8) | p[1];
}

static uint32_t get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Checks the 100-byte header; 0 when pages cannot be used. */
static int parse_header(dd_pages *p, const unsigned char *h, uint64_t size)
{
	uint32_t pgsz = get16(h + 16);

	if (memcmp(h, "SQLite format 3", 16))
		return 0;
	if (pgsz == 1)
		pgsz = 65536;
	if (pgsz < 512 || pgsz > 65536 || (pgsz & (pgsz - 1)) || size % pgsz)
		return 0;
	if (get32(h + 56) != 1)
		return 0;   /* only UTF-8 text is copied as it is */
	p->pgsz = pgsz;
	p->usable = pgsz - h[20];
	p->npages = (uint32_t)(size / pgsz);
	return p->usable >= 480;
}

void dd_pages_free(dd_pages *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	free(p->path);
	free(p);
}

static int wal_has_frames(const char *path)
{
	char *wal = awm_printf_alloc("%s-wal", path);
	struct stat st;
	int has = stat(wal, &st) == 0 && st.st_size > 0;

	free(wal);
	return has;
}

int dd_pages_open(dd_pages **out, sqlite3 *db)
{
	const char *fn = sqlite3_db_filename(db, "main");
	dd_pages *p = awm_calloc(1, sizeof(*p));
	unsigned char h[100];
	struct stat st;
	sqlite3_int64 size = 0;

	*out = NULL;
	p->fd = -1;
	if (!fn || !*fn) {
		p->mem = sqlite3_serialize(db, "main", &size, SQLITE_SERIALIZE_NOCOPY);
		if (!p->mem || size < 100 || !parse_header(p, p->mem, (uint64_t)size))
			goto unusable;
		*out = p;
		return 0;
	}
	p->path = awm_strdup(fn);
	p->fd = open(fn, O_RDONLY | O_CLOEXEC);
	if (p->fd < 0 || fstat(p->fd, &st) < 0 || st.st_size < 100 ||
	    pread(p->fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    !parse_header(p, h, (uint64_t)st.st_size))
		goto unusable;
	/* In WAL mode the newest pages may live in the WAL, not in the file. */
	if ((h[18] == 2 || h[19] == 2) && wal_has_frames(fn))
		goto unusable;
	*out = p;
	return 0;
unusable:
	dd_pages_free(p);
	return 0;
}

int dd_table_pageable(const dd_table *t)
{
	return t->ipk >= 0 && !t->without_rowid && !t->hidden && t->root >= 1;
}

/* Pages read from a file, a window at a time. */
typedef struct pbuf {
	unsigned char *data;
	uint32_t first, count, cap;
} pbuf;

typedef struct frame {
	const unsigned char *page;
	uint32_t pgno;
	int hdr;        /* offset of the page header: 100 on page 1 */
	int leaf;
	int ncell;
	int idx;
} frame;

typedef struct cursor {
	dd_pages *src;
	const dd_table *t;
	frame st[MAXDEPTH];
	pbuf bufs[MAXDEPTH];
	pbuf ovbuf;
	int depth, leaf_depth, eof;
	/* the current cell */
	int64_t rowid;
	const unsigned char *local;
	uint32_t nlocal, ovfl;
	uint64_t npayload;
	awm_buf whole;          /* the payload with its overflow, when assembled */
	int assembled;
} cursor;

static int damaged(const cursor *c, uint32_t pgno, const char *what)
{
	return awm_error_set(AWM_ECORRUPT, "database '%s' is damaged: table '%s', page %u: %s",
			     c->src->path ? c->src->path : ":memory:", c->t->name, pgno, what);
}

static const unsigned char *page_get(cursor *c, pbuf *b, uint32_t pgno, uint32_t window)
{
	dd_pages *s = c->src;
	uint32_t count;
	ssize_t n;

	if (pgno < 1 || pgno > s->npages) {
		damaged(c, pgno, "page number out of range");
		return NULL;
	}
	if (s->mem)
		return s->mem + (size_t)(pgno - 1) * s->pgsz;
	if (b->count && pgno >= b->first && pgno < b->first + b->count)
		return b->data + (size_t)(pgno - b->first) * s->pgsz;
	count = s->npages - pgno + 1 < window ? s->npages - pgno + 1 : window;
	if (count > b->cap) {
		b->data = awm_realloc(b->data, (size_t)count * s->pgsz);
		b->cap = count;
	}
	n = pread(s->fd, b->data, (size_t)count * s->pgsz, (off_t)(pgno - 1) * s->pgsz);
	if (n != (ssize_t)((size_t)count * s->pgsz)) {
		if (n < 0)
			awm_error_os(AWM_ERROR, "cannot read '%s'", s->path);
		else
			damaged(c, pgno, "the file is shorter than its pages");
		b->count = 0;
		return NULL;
	}
	b->first = pgno;
	b->count = count;
	return b->data;
}

/* A varint inside [p, end); 0 when it runs past the end. */
static int get_varint(uint64_t *out, const unsigned char *p, const unsigned char *end)
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

/* Load page `pgno` as frame `d` and check its header. */
static int load_frame(cursor *c, int d, uint32_t pgno)
{
	frame *f = &c->st[d];
	uint32_t window = (c->leaf_depth && d == c->leaf_depth - 1) ? LEAF_WINDOW : 1;
	const unsigned char *pg;
	int type, hdrlen;

	if (d >= MAXDEPTH)
		return damaged(c, pgno, "b-tree too deep");
	if (!(pg = page_get(c, &c->bufs[d], pgno, window)))
		return awm_error_code();
	f->page = pg;
	f->pgno = pgno;
	f->hdr = pgno == 1 ? 100 : 0;
	type = pg[f->hdr];
	if (type != 0x0d && type != 0x05)
		return damaged(c, pgno, "not a table b-tree page");
	f->leaf = type == 0x0d;
	hdrlen = f->leaf ? 8 : 12;
	f->ncell = (int)get16(pg + f->hdr + 3);
	f->idx = 0;
	if ((uint32_t)(f->hdr + hdrlen + 2 * f->ncell) > c->src->usable)
		return damaged(c, pgno, "too many cells");
	return 0;
}

static uint32_t cell_offset(const frame *f, int i)
{
	return get16(f->page + f->hdr + (f->leaf ? 8 : 12) + 2 * i);
}

/* The child page at position f->idx of an interior frame. */
static int child_of(cursor *c, const frame *f, uint32_t *out)
{
	uint32_t off;

	if (f->idx == f->ncell) {
		*out = get32(f->page + f->hdr + 8);
		return 0;
	}
	off = cell_offset(f, f->idx);
	if (off + 4 > c->src->usable)
		return damaged(c, f->pgno, "cell outside the page");
	*out = get32(f->page + off);
	return 0;
}

/* Descend from frame d-1's current child to the leftmost leaf. */
static int descend(cursor *c, uint32_t pgno)
{
	int rc;

	for (;;) {
		if ((rc = load_frame(c, c->depth, pgno)) < 0)
			return rc;
		c->depth++;
		if (c->st[c->depth - 1].leaf) {
			if (!c->leaf_depth)
				c->leaf_depth = c->depth;
			else if (c->leaf_depth != c->depth)
				return damaged(c, pgno, "leaves at different depths");
			return 0;
		}
		if ((rc = child_of(c, &c->st[c->depth - 1], &pgno)) < 0)
			return rc;
	}
}

/* Decode the cell the leaf frame points at. */
static int load_cell(cursor *c)
{
	const frame *f = &c->st[c->depth - 1];
	const unsigned char *end = f->page + c->src->usable, *p;
	uint32_t off = cell_offset(f, f->idx), u = c->src->usable;
	uint64_t size, rowid;
	int n;

	if (off < (uint32_t)(f->hdr + 8) || off >= u)
		return damaged(c, f->pgno, "cell outside the page");
	p = f->page + off;
	if (!(n = get_varint(&size, p, end)))
		return damaged(c, f->pgno, "bad payload size");
	p += n;
	if (!(n = get_varint(&rowid, p, end)))
		return damaged(c, f->pgno, "bad rowid");
	p += n;
	c->rowid = (int64_t)rowid;
	c->npayload = size;
	c->local = p;
	c->assembled = 0;
	c->ovfl = 0;
	if (size <= u - 35) {
		c->nlocal = (uint32_t)size;
	} else {
		uint32_t m = ((u - 12) * 32 / 255) - 23;
		uint32_t k = m + (uint32_t)((size - m) % (u - 4));

		c->nlocal = k <= u - 35 ? k : m;
	}
	if (size > 1000000000 || p + c->nlocal + (size > c->nlocal ? 4 : 0) > end)
		return damaged(c, f->pgno, "payload outside the page");
	if (size > c->nlocal)
		c->ovfl = get32(p + c->nlocal);
	return 0;
}

/* Move to a valid leaf cell from wherever the frames point, or to eof. */
static int settle(cursor *c)
{
	uint32_t child;
	int rc;

	for (;;) {
		frame *f = &c->st[c->depth - 1];

		if (f->leaf && f->idx < f->ncell)
			return load_cell(c);
		if (!f->leaf && f->idx <= f->ncell) {
			if ((rc = child_of(c, f, &child)) < 0 || (rc = descend(c, child)) < 0)
				return rc;
			continue;
		}
		if (--c->depth == 0) {
			c->eof = 1;
			return 0;
		}
		c->st[c->depth - 1].idx++;
	}
}

static int cursor_start(cursor *c, dd_pages *src, const dd_table *t)
{
	int rc;

	memset(c, 0, sizeof(*c));
	awm_buf_init(&c->whole);
	c->src = src;
	c->t = t;
	if ((rc = descend(c, t->root)) < 0)
		return rc;
	return settle(c);
}

static void cursor_release(cursor *c)
{
	int i;

	for (i = 0; i < MAXDEPTH; i++)
		free(c->bufs[i].data);
	free(c->ovbuf.data);
	awm_buf_release(&c->whole);
}

static int cursor_next(cursor *c)
{
	c->st[c->depth - 1].idx++;
	return settle(c);
}

/* The whole payload, following the overflow chain when there is one. */
static int payload(cursor *c, const unsigned char **out)
{
	uint32_t pgno = c->ovfl, u = c->src->usable, guard = 0;

	if (!c->ovfl) {
		*out = c->local;
		return 0;
	}
	if (!c->assembled) {
		awm_buf_clear(&c->whole);
		awm_buf_put(&c->whole, c->local, c->nlocal);
		while (c->whole.size < c->npayload) {
			const unsigned char *pg;
			size_t want = c->npayload - c->whole.size;

			if (pgno == 0 || ++guard > c->src->npages)
				return damaged(c, c->st[c->depth - 1].pgno, "overflow chain broken");
			if (!(pg = page_get(c, &c->ovbuf, pgno, 16)))
				return awm_error_code();
			awm_buf_put(&c->whole, pg + 4, want < u - 4 ? want : u - 4);
			pgno = get32(pg);
		}
		c->assembled = 1;
	}
	*out = (const unsigned char *)c->whole.ptr;
	return 0;
}

static int same_payload(cursor *a, cursor *b, int *same)
{
	const unsigned char *pa, *pb;
	int rc;

	*same = 0;
	if (a->npayload != b->npayload || a->nlocal != b->nlocal ||
	    memcmp(a->local, b->local, a->nlocal))
		return 0;
	if (!a->ovfl) {
		*same = 1;
		return 0;
	}
	if ((rc = payload(a, &pa)) < 0 || (rc = payload(b, &pb)) < 0)
		return rc;
	*same = !memcmp(pa, pb, a->npayload);
	return 0;
}

/* Identical leaves at their first cell, none of it in overflow pages. */
static int same_leaf(const cursor *a, const cursor *b)
{
	const frame *fa = &a->st[a->depth - 1], *fb = &b->st[b->depth - 1];
	const unsigned char *end = fa->page + a->src->usable;
	int i;

	if (fa->idx != 0 || fb->idx != 0 || a->src->pgsz != b->src->pgsz ||
	    fa->hdr != fb->hdr || memcmp(fa->page, fb->page, a->src->pgsz))
		return 0;
	for (i = 0; i < fa->ncell; i++) {
		uint64_t size;
		uint32_t off = cell_offset(fa, i);

		if (off >= a->src->usable || !get_varint(&size, fa->page + off, end) ||
		    size > a->src->usable - 35)
			return 0;
	}
	return 1;
}

static int skip_leaf(cursor *c)
{
	c->st[c->depth - 1].idx = c->st[c->depth - 1].ncell;
	return settle(c);
}

/* Per side: the row as values, by decoding its record or, failing that, by SQL. */
typedef struct side {
	cursor cur;
	sqlite3 *db;
	sqlite3_stmt *lookup;   /* SELECT ... WHERE rowid = ?, made on first need */
	dd_value *row;
} side;

static int row_values(side *s)
{
	const unsigned char *p;
	int rc;

	if ((rc = payload(&s->cur, &p)) < 0)
		return rc;
	rc = dd_record_decode(s->row, s->cur.t, s->cur.rowid, p, s->cur.npayload);
	if (rc < 0)
		return damaged(&s->cur, s->cur.st[s->cur.depth - 1].pgno, "bad record");
	if (rc == 0)
		return 0;
	/* Columns added later are missing from old records: SQLite fills their defaults. */
	if (!s->lookup && (rc = dd_prepare_select(&s->lookup, s->db, s->cur.t,
						  "WHERE rowid = ?1")) < 0)
		return rc;
	sqlite3_reset(s->lookup);
	sqlite3_bind_int64(s->lookup, 1, s->cur.rowid);
	if ((rc = sqlite3_step(s->lookup)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? damaged(&s->cur, 0, "a row the b-tree holds is missing")
					 : awm_sqlite_error(s->db, rc, "cannot read table '%s'",
							    s->cur.t->name);
	dd_row_from_stmt(s->row, s->lookup, s->cur.t->ncol);
	return 0;
}

static int side_start(side *s, dd_pages *src, sqlite3 *db, const dd_table *t)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->row = awm_calloc((size_t)t->ncol, sizeof(dd_value));
	return cursor_start(&s->cur, src, t);
}

static void side_release(side *s)
{
	cursor_release(&s->cur);
	sqlite3_finalize(s->lookup);
	free(s->row);
}

static int merge(dd_emit *e, side *a, side *b)
{
	int rc = 0, same;

	while (rc == 0 && (!a->cur.eof || !b->cur.eof)) {
		int c;

		if (!a->cur.eof && !b->cur.eof && same_leaf(&a->cur, &b->cur)) {
			if ((rc = skip_leaf(&a->cur)) == 0)
				rc = skip_leaf(&b->cur);
			continue;
		}
		c = a->cur.eof ? 1 : b->cur.eof ? -1 :
		    (a->cur.rowid > b->cur.rowid) - (a->cur.rowid < b->cur.rowid);
		if (c < 0) {
			if ((rc = row_values(a)) == 0)
				dd_emit_delete(e, a->row);
		} else if (c > 0) {
			if ((rc = row_values(b)) == 0)
				dd_emit_insert(e, b->row);
		} else if ((rc = same_payload(&a->cur, &b->cur, &same)) == 0 && !same &&
			   (rc = row_values(a)) == 0 && (rc = row_values(b)) == 0) {
			dd_emit_update(e, a->row, b->row);
		}
		if (rc == 0 && c <= 0)
			rc = cursor_next(&a->cur);
		if (rc == 0 && c >= 0)
			rc = cursor_next(&b->cur);
	}
	return rc;
}

int dd_merge_pages(dd_emit *e, dd_pages *pa, dd_pages *pb, sqlite3 *a, sqlite3 *b,
		   const dd_table *ta, const dd_table *tb)
{
	side sa, sb;
	int rc;

	rc = side_start(&sa, pa, a, ta);
	if (rc == 0)
		rc = side_start(&sb, pb, b, tb);
	else
		memset(&sb, 0, sizeof(sb));
	if (rc == 0)
		rc = merge(e, &sa, &sb);
	side_release(&sa);
	side_release(&sb);
	return rc;
}
