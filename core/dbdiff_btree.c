/*
 * Reading a table straight from its b-tree pages, for the diff engine's
 * page road (https://www.sqlite.org/fileformat2.html, "B-tree Pages").
 *
 * A rowid table is a table b-tree: rows sit in the leaves, keyed by rowid.
 * A WITHOUT ROWID table is an index b-tree: rows are records, in key
 * order, in the leaves and in the interior cells too, so a walk yields an
 * interior cell's row between its left subtree and the next one.
 *
 * Pages come from an in-memory image (sqlite3_serialize without a copy)
 * or are read from the file with pread, a window of leaf pages at a time,
 * while the connection holds a read transaction, so no writer changes the
 * file underneath.  Every offset read from a page is bounds-checked: a
 * damaged file gives AWM_ECORRUPT, never a wild read.
 */
#include "core/dbdiff_internal.h"
#include "core/error.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXDEPTH 24
#define LEAF_WINDOW 64   /* leaf pages read per pread */

#define PAGE_INDEX_INTERIOR 0x02
#define PAGE_TABLE_INTERIOR 0x05
#define PAGE_INDEX_LEAF 0x0a
#define PAGE_TABLE_LEAF 0x0d

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
	/*
	 * Inside a write transaction (an environment step) the newest pages are
	 * in SQLite's cache, not in the file: compare through SQL instead.
	 */
	if (sqlite3_txn_state(db, "main") == SQLITE_TXN_WRITE)
		goto unusable;
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
	return t->field_col && !t->hidden && t->root >= 1 &&
	       (t->without_rowid ? t->nkey > 0 : t->ipk >= 0);
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
	int idx;        /* the cell (leaf) or child (interior) the walk is at */
	int at_row;     /* interior index page: at cell idx's own row */
} frame;

struct dd_cursor {
	dd_pages *src;
	const dd_table *t;
	int index;              /* an index b-tree (WITHOUT ROWID) */
	frame st[MAXDEPTH];
	pbuf bufs[MAXDEPTH];
	pbuf ovbuf;
	int depth, leaf_depth, eof;
	/* the current cell */
	int64_t rowid;
	const unsigned char *local;
	uint32_t nlocal, ovfl, cell_pgno;
	uint64_t npayload;
	awm_buf whole;          /* the payload with its overflow, when assembled */
	int assembled;
};

int dd_cursor_damaged(const dd_cursor *c, uint32_t pgno, const char *what)
{
	return awm_error_set(AWM_ECORRUPT, "database '%s' is damaged: table '%s', page %u: %s",
			     c->src->path ? c->src->path : ":memory:", c->t->name,
			     pgno ? pgno : c->cell_pgno, what);
}

static const unsigned char *page_get(dd_cursor *c, pbuf *b, uint32_t pgno, uint32_t window)
{
	dd_pages *s = c->src;
	uint32_t count;
	ssize_t n;

	if (pgno < 1 || pgno > s->npages) {
		dd_cursor_damaged(c, pgno, "page number out of range");
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
			dd_cursor_damaged(c, pgno, "the file is shorter than its pages");
		b->count = 0;
		return NULL;
	}
	b->first = pgno;
	b->count = count;
	return b->data;
}

/* Load page `pgno` as frame `d` and check its header. */
static int load_frame(dd_cursor *c, int d, uint32_t pgno)
{
	frame *f = &c->st[d];
	uint32_t window = (c->leaf_depth && d == c->leaf_depth - 1) ? LEAF_WINDOW : 1;
	const unsigned char *pg;
	int type, hdrlen;

	if (d >= MAXDEPTH)
		return dd_cursor_damaged(c, pgno, "b-tree too deep");
	if (!(pg = page_get(c, &c->bufs[d], pgno, window)))
		return awm_error_code();
	f->page = pg;
	f->pgno = pgno;
	f->hdr = pgno == 1 ? 100 : 0;
	type = pg[f->hdr];
	if (c->index ? type != PAGE_INDEX_LEAF && type != PAGE_INDEX_INTERIOR
		     : type != PAGE_TABLE_LEAF && type != PAGE_TABLE_INTERIOR)
		return dd_cursor_damaged(c, pgno, "not a page of this kind of b-tree");
	f->leaf = type == PAGE_INDEX_LEAF || type == PAGE_TABLE_LEAF;
	hdrlen = f->leaf ? 8 : 12;
	f->ncell = (int)get16(pg + f->hdr + 3);
	f->idx = 0;
	f->at_row = 0;
	if ((uint32_t)(f->hdr + hdrlen + 2 * f->ncell) > c->src->usable)
		return dd_cursor_damaged(c, pgno, "too many cells");
	return 0;
}

static uint32_t cell_offset(const frame *f, int i)
{
	return get16(f->page + f->hdr + (f->leaf ? 8 : 12) + 2 * i);
}

/* The child page at position f->idx of an interior frame. */
static int child_of(dd_cursor *c, const frame *f, uint32_t *out)
{
	uint32_t off;

	if (f->idx == f->ncell) {
		*out = get32(f->page + f->hdr + 8);
		return 0;
	}
	off = cell_offset(f, f->idx);
	if (off + 4 > c->src->usable)
		return dd_cursor_damaged(c, f->pgno, "cell outside the page");
	*out = get32(f->page + off);
	return 0;
}

/* Push `pgno` and descend to the leftmost leaf below it. */
static int descend(dd_cursor *c, uint32_t pgno)
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
				return dd_cursor_damaged(c, pgno, "leaves at different depths");
			return 0;
		}
		if ((rc = child_of(c, &c->st[c->depth - 1], &pgno)) < 0)
			return rc;
	}
}

/* Bytes of a payload kept on the page itself (the rest is in overflow pages). */
static uint32_t local_size(const dd_cursor *c, uint64_t size)
{
	uint32_t u = c->src->usable;
	uint32_t x = c->index ? ((u - 12) * 64 / 255) - 23 : u - 35;
	uint32_t m = ((u - 12) * 32 / 255) - 23, k;

	if (size <= x)
		return (uint32_t)size;
	k = m + (uint32_t)((size - m) % (u - 4));
	return k <= x ? k : m;
}

/* Decode the cell frame `f` is at: a leaf cell, or an interior index cell. */
static int load_cell(dd_cursor *c, const frame *f)
{
	const unsigned char *end = f->page + c->src->usable, *p;
	uint32_t off = cell_offset(f, f->idx);
	uint64_t size, rowid = 0;
	int n;

	c->cell_pgno = f->pgno;
	if (off < (uint32_t)(f->hdr + 8) || off >= c->src->usable)
		return dd_cursor_damaged(c, f->pgno, "cell outside the page");
	p = f->page + off + (f->leaf ? 0 : 4);
	if (p >= end || !(n = dd_get_varint(&size, p, end)))
		return dd_cursor_damaged(c, f->pgno, "bad payload size");
	p += n;
	if (!c->index) {
		if (!(n = dd_get_varint(&rowid, p, end)))
			return dd_cursor_damaged(c, f->pgno, "bad rowid");
		p += n;
	}
	c->rowid = (int64_t)rowid;
	c->npayload = size;
	c->local = p;
	c->assembled = 0;
	c->ovfl = 0;
	c->nlocal = local_size(c, size);
	if (size > 1000000000 || p + c->nlocal + (size > c->nlocal ? 4 : 0) > end)
		return dd_cursor_damaged(c, f->pgno, "payload outside the page");
	if (size > c->nlocal)
		c->ovfl = get32(p + c->nlocal);
	return 0;
}

/* Move to the next row at or after where the frames point, or to eof. */
static int settle(dd_cursor *c)
{
	uint32_t child;
	int rc;

	for (;;) {
		frame *f = &c->st[c->depth - 1];

		if (f->leaf ? f->idx < f->ncell : f->at_row)
			return load_cell(c, f);
		if (!f->leaf && f->idx <= f->ncell) {
			if ((rc = child_of(c, f, &child)) < 0 || (rc = descend(c, child)) < 0)
				return rc;
			continue;
		}
		if (--c->depth == 0) {
			c->eof = 1;
			return 0;
		}
		f = &c->st[c->depth - 1];
		/* Back from child idx: an index page's cell idx is the next row. */
		if (c->index && f->idx < f->ncell)
			f->at_row = 1;
		else
			f->idx++;
	}
}

int dd_cursor_new(dd_cursor **out, dd_pages *src, const dd_table *t)
{
	dd_cursor *c = awm_calloc(1, sizeof(*c));
	int rc;

	awm_buf_init(&c->whole);
	c->src = src;
	c->t = t;
	c->index = t->without_rowid;
	*out = c;
	if ((rc = descend(c, t->root)) < 0)
		return rc;
	return settle(c);
}

void dd_cursor_free(dd_cursor *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < MAXDEPTH; i++)
		free(c->bufs[i].data);
	free(c->ovbuf.data);
	awm_buf_release(&c->whole);
	free(c);
}

int dd_cursor_eof(const dd_cursor *c)
{
	return c->eof;
}

int64_t dd_cursor_rowid(const dd_cursor *c)
{
	return c->rowid;
}

int dd_cursor_next(dd_cursor *c)
{
	frame *f = &c->st[c->depth - 1];

	if (f->at_row) {
		f->at_row = 0;
		f->idx++;
	} else {
		f->idx++;
	}
	return settle(c);
}

int dd_cursor_payload(dd_cursor *c, const unsigned char **out, uint64_t *n)
{
	uint32_t pgno = c->ovfl, u = c->src->usable, guard = 0;

	*n = c->npayload;
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
				return dd_cursor_damaged(c, 0, "overflow chain broken");
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

int dd_cursor_same_payload(dd_cursor *a, dd_cursor *b, int *same)
{
	const unsigned char *pa, *pb;
	uint64_t n;
	int rc;

	*same = 0;
	if (a->npayload != b->npayload || a->nlocal != b->nlocal ||
	    memcmp(a->local, b->local, a->nlocal))
		return 0;
	if (!a->ovfl) {
		*same = 1;
		return 0;
	}
	if ((rc = dd_cursor_payload(a, &pa, &n)) < 0 || (rc = dd_cursor_payload(b, &pb, &n)) < 0)
		return rc;
	*same = !memcmp(pa, pb, n);
	return 0;
}

int dd_cursor_same_leaf(const dd_cursor *a, const dd_cursor *b)
{
	const frame *fa = &a->st[a->depth - 1], *fb = &b->st[b->depth - 1];
	const unsigned char *end = fa->page + a->src->usable;
	int i;

	if (!fa->leaf || !fb->leaf || fa->idx != 0 || fb->idx != 0 ||
	    a->src->pgsz != b->src->pgsz || a->src->usable != b->src->usable ||
	    fa->hdr != fb->hdr || memcmp(fa->page, fb->page, a->src->pgsz))
		return 0;
	/* Identical cells may still point at overflow pages that differ. */
	for (i = 0; i < fa->ncell; i++) {
		uint64_t size;
		uint32_t off = cell_offset(fa, i);

		if (off >= a->src->usable || !dd_get_varint(&size, fa->page + off, end) ||
		    size != local_size(a, size))
			return 0;
	}
	return 1;
}

int dd_cursor_skip_leaf(dd_cursor *c)
{
	c->st[c->depth - 1].idx = c->st[c->depth - 1].ncell;
	return settle(c);
}
