/*
 * Reading and writing the commit-graph index (see commit_graph.h).
 *
 * Layout (all integers big-endian):
 *   header   "AWMG", version u32, count u32, edges u32, subject bytes u32,
 *            reserved u32
 *   fanout   256 x u32
 *   ids      count x 16 bytes, sorted
 *   data     count x 24 bytes: parent1 u32, parent2 u32, generation u32,
 *            time i64, subject offset u32
 *   edges    edges x u32 (parents beyond the first of octopus merges)
 *   subjects NUL-terminated strings
 *   trailer  XXH3-128 of everything before it
 */
#include "core/commit_graph.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/refs.h"
#include "objects/commit.h"
#include "objects/odb_backend.h"
#include "objects/oidmap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "AWMG"
#define VERSION 1
#define HDRSZ 24
#define DATASZ 24
#define EXTRA 0x80000000u

struct awm_commit_graph {
	const unsigned char *map;
	size_t len;
	uint32_t count, nedges, nsubj;
	const unsigned char *fanout, *ids, *data, *edges;
	const char *subjects;
};

static void graph_path(awm_buf *out, awm_repo *repo)
{
	awm_repo_path(out, repo, "objects/info/commit-graph");
}

void awm_commit_graph_free(awm_commit_graph *g)
{
	if (!g)
		return;
	if (g->map)
		munmap((void *)g->map, g->len);
	free(g);
}

/*
 * Every position and offset in the file must point inside it, so that a
 * damaged file (fsck's business) can make a walk wrong but never make it
 * read outside the mapping.  One pass over the entries, cheaper than the
 * checksum.
 */
static int check_positions(const awm_commit_graph *g)
{
	uint32_t i;

	for (i = 0; i < g->count; i++) {
		const unsigned char *e = g->data + (size_t)i * DATASZ;
		uint32_t p1 = awm_get_be32(e), p2 = awm_get_be32(e + 4);

		if ((p1 != AWM_GRAPH_NONE && p1 >= g->count) ||
		    (p1 == AWM_GRAPH_NONE && p2 != AWM_GRAPH_NONE) ||
		    awm_get_be32(e + 20) >= g->nsubj)
			return -1;
		if (p2 == AWM_GRAPH_NONE)
			continue;
		if (!(p2 & EXTRA) ? p2 >= g->count : (p2 & ~EXTRA) >= g->nedges)
			return -1;
	}
	for (i = 0; i < g->nedges; i++)
		if ((awm_get_be32(g->edges + (size_t)i * 4) & ~EXTRA) >= g->count)
			return -1;
	/* The last edge ends an octopus list, so no list runs off the end. */
	if (g->nedges && !(awm_get_be32(g->edges + (size_t)(g->nedges - 1) * 4) & EXTRA))
		return -1;
	return 0;
}

static int parse_graph(awm_commit_graph *g)
{
	const unsigned char *p = g->map;
	uint64_t want;

	if (g->len < HDRSZ + 1024 + 16 || memcmp(p, MAGIC, 4) ||
	    awm_get_be32(p + 4) != VERSION)
		return -1;
	g->count = awm_get_be32(p + 8);
	g->nedges = awm_get_be32(p + 12);
	g->nsubj = awm_get_be32(p + 16);
	want = HDRSZ + 1024 + (uint64_t)g->count * (16 + DATASZ) +
	       (uint64_t)g->nedges * 4 + g->nsubj + 16;
	if (want != g->len)
		return -1;
	g->fanout = p + HDRSZ;
	g->ids = g->fanout + 1024;
	g->data = g->ids + (size_t)g->count * 16;
	g->edges = g->data + (size_t)g->count * DATASZ;
	g->subjects = (const char *)(g->edges + (size_t)g->nedges * 4);
	if (awm_get_be32(g->fanout + 255 * 4) != g->count ||
	    (g->nsubj && g->subjects[g->nsubj - 1] != '\0'))
		return -1;
	return check_positions(g);
}

static int checksum_ok(const awm_commit_graph *g)
{
	unsigned char sum[16];

	awm_hash128(sum, g->map, g->len - 16);
	return memcmp(sum, g->map + g->len - 16, 16) == 0;
}

awm_commit_graph *awm_repo_graph(awm_repo *repo)
{
	awm_buf path = AWM_BUF_INIT;
	awm_commit_graph *g;
	struct stat st;
	void *m;
	int fd;

	if (repo->graph)
		return repo->graph;
	graph_path(&path, repo);
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	awm_buf_release(&path);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || st.st_size == 0) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	g = awm_calloc(1, sizeof(*g));
	g->map = m;
	g->len = (size_t)st.st_size;
	/*
	 * A damaged index is ignored here (walks read objects); fsck reports
	 * it.  The checksum is checked too: one flipped parent position would
	 * send a walk outside its arrays, and hashing even a 100k-commit graph
	 * takes about a millisecond.
	 */
	if (parse_graph(g) < 0 || !checksum_ok(g)) {
		awm_commit_graph_free(g);
		return NULL;
	}
	repo->graph = g;
	return g;
}

uint32_t awm_commit_graph_count(const awm_commit_graph *g)
{
	return g->count;
}

uint32_t awm_commit_graph_find(const awm_commit_graph *g, const awm_oid *oid)
{
	uint32_t lo = oid->id[0] ? awm_get_be32(g->fanout + (oid->id[0] - 1) * 4) : 0;
	uint32_t hi = awm_get_be32(g->fanout + oid->id[0] * 4);

	if (hi > g->count)
		hi = g->count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(g->ids + (size_t)mid * 16, oid->id, 16);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return AWM_GRAPH_NONE;
}

void awm_commit_graph_oid(const awm_commit_graph *g, uint32_t pos, awm_oid *out)
{
	memcpy(out->id, g->ids + (size_t)pos * 16, 16);
}

static const unsigned char *entry(const awm_commit_graph *g, uint32_t pos)
{
	return g->data + (size_t)pos * DATASZ;
}

int64_t awm_commit_graph_time(const awm_commit_graph *g, uint32_t pos)
{
	return (int64_t)awm_get_be64(entry(g, pos) + 12);
}

uint32_t awm_commit_graph_generation(const awm_commit_graph *g, uint32_t pos)
{
	return awm_get_be32(entry(g, pos) + 8);
}

const char *awm_commit_graph_subject(const awm_commit_graph *g, uint32_t pos)
{
	uint32_t off = awm_get_be32(entry(g, pos) + 20);

	return off < g->nsubj ? g->subjects + off : "";
}

size_t awm_commit_graph_parents(const awm_commit_graph *g, uint32_t pos,
				uint32_t *out, size_t max)
{
	const unsigned char *e = entry(g, pos);
	uint32_t p1 = awm_get_be32(e), p2 = awm_get_be32(e + 4), i;
	size_t n = 0;

	if (p1 == AWM_GRAPH_NONE)
		return 0;
	if (max > n)
		out[n] = p1;
	n++;
	if (p2 == AWM_GRAPH_NONE)
		return n;
	if (!(p2 & EXTRA)) {
		if (max > n)
			out[n] = p2;
		return n + 1;
	}
	for (i = p2 & ~EXTRA; i < g->nedges; i++) {
		uint32_t v = awm_get_be32(g->edges + (size_t)i * 4);

		if (max > n)
			out[n] = v & ~EXTRA;
		n++;
		if (v & EXTRA)
			break;
	}
	return n;
}

/* ---- writing ---- */

typedef struct gnode {
	awm_oid oid;
	int64_t time;
	uint32_t *parents;     /* indices into the node array while collecting */
	uint32_t nparents;
	uint32_t generation;
	uint32_t pos;          /* position in the sorted file */
	char *subject;
} gnode;

typedef struct collect {
	awm_repo *repo;
	gnode *nodes;
	size_t nr, alloc;
	awm_oidmap index;
	uint32_t *stack;
	size_t snr, salloc;
} collect;

static uint32_t node_for(collect *c, const awm_oid *oid, int *is_new)
{
	uint32_t idx;

	*is_new = 0;
	if (awm_oidmap_get(&c->index, oid, &idx))
		return idx;
	AWM_ARRAY_GROW(c->nodes, c->nr + 1, c->alloc);
	memset(&c->nodes[c->nr], 0, sizeof(gnode));
	c->nodes[c->nr].oid = *oid;
	c->nodes[c->nr].nparents = UINT32_MAX;   /* not read yet */
	awm_oidmap_put(&c->index, oid, (uint32_t)c->nr);
	*is_new = 1;
	return (uint32_t)c->nr++;
}

static int visit(collect *c, const awm_oid *tip)
{
	int is_new;
	uint32_t idx = node_for(c, tip, &is_new);

	if (!is_new)
		return 0;
	AWM_ARRAY_GROW(c->stack, c->snr + 1, c->salloc);
	c->stack[c->snr++] = idx;
	while (c->snr) {
		awm_commit *cm;
		awm_buf subj = AWM_BUF_INIT;
		uint32_t i, n = c->stack[--c->snr];
		int rc;

		if ((rc = awm_commit_read(&cm, c->repo->odb, &c->nodes[n].oid)) < 0)
			return rc;
		c->nodes[n].time = cm->committer.time;
		awm_commit_subject(&subj, cm);
		c->nodes[n].subject = awm_buf_detach(&subj);
		c->nodes[n].nparents = (uint32_t)cm->nparents;
		c->nodes[n].parents = awm_calloc(cm->nparents, sizeof(uint32_t));
		for (i = 0; i < cm->nparents; i++) {
			uint32_t p = node_for(c, &cm->parents[i], &is_new);

			c->nodes[n].parents[i] = p;
			if (is_new) {
				AWM_ARRAY_GROW(c->stack, c->snr + 1, c->salloc);
				c->stack[c->snr++] = p;
			}
		}
		awm_commit_free(cm);
	}
	return 0;
}

static int visit_ref(const char *name, const awm_oid *oid, void *payload)
{
	awm_otype type;
	size_t size;

	(void)name;
	/* Only commits start walks; a ref to anything else is fsck's business. */
	if (awm_odb_read_header(&type, &size, ((collect *)payload)->repo->odb, oid) < 0 ||
	    type != AWM_OBJ_COMMIT) {
		awm_error_clear();
		return 0;
	}
	return visit(payload, oid);
}

/* Generation numbers: 1 for roots, else 1 + the largest of the parents'. */
static void generations(collect *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		if (c->nodes[i].generation)
			continue;
		c->snr = 0;
		AWM_ARRAY_GROW(c->stack, c->snr + 1, c->salloc);
		c->stack[c->snr++] = (uint32_t)i;
		while (c->snr) {
			gnode *n = &c->nodes[c->stack[c->snr - 1]];
			uint32_t j, gen = 0;
			int ready = 1;

			for (j = 0; j < n->nparents; j++) {
				gnode *p = &c->nodes[n->parents[j]];

				if (!p->generation) {
					ready = 0;
					AWM_ARRAY_GROW(c->stack, c->snr + 1, c->salloc);
					c->stack[c->snr++] = n->parents[j];
				} else if (p->generation > gen) {
					gen = p->generation;
				}
			}
			if (ready) {
				n->generation = gen + 1;
				c->snr--;
			}
		}
	}
}

typedef struct keyed {
	awm_oid oid;
	uint32_t idx;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
	return awm_oid_cmp(&((const keyed *)a)->oid, &((const keyed *)b)->oid);
}

static void put32(awm_buf *b, uint32_t v)
{
	unsigned char w[4];

	awm_put_be32(w, v);
	awm_buf_put(b, w, 4);
}

static void render(awm_buf *out, collect *c, const uint32_t *order)
{
	awm_buf data = AWM_BUF_INIT, edges = AWM_BUF_INIT, subj = AWM_BUF_INIT;
	uint32_t fan[256] = { 0 }, nedges = 0;
	unsigned char w[8], sum[16];
	size_t i;

	for (i = 0; i < c->nr; i++) {
		gnode *n = &c->nodes[order[i]];
		uint32_t p2 = AWM_GRAPH_NONE, j;

		fan[n->oid.id[0]]++;
		put32(&data, n->nparents ? c->nodes[n->parents[0]].pos : AWM_GRAPH_NONE);
		if (n->nparents == 2) {
			p2 = c->nodes[n->parents[1]].pos;
		} else if (n->nparents > 2) {
			p2 = EXTRA | nedges;
			for (j = 1; j < n->nparents; j++, nedges++)
				put32(&edges, c->nodes[n->parents[j]].pos |
				      (j + 1 == n->nparents ? EXTRA : 0));
		}
		put32(&data, p2);
		put32(&data, n->generation);
		awm_put_be64(w, (uint64_t)n->time);
		awm_buf_put(&data, w, 8);
		put32(&data, (uint32_t)subj.size);
		awm_buf_put(&subj, n->subject, strlen(n->subject) + 1);
	}
	awm_buf_puts(out, MAGIC);
	put32(out, VERSION);
	put32(out, (uint32_t)c->nr);
	put32(out, nedges);
	put32(out, (uint32_t)subj.size);
	put32(out, 0);
	for (i = 1; i < 256; i++)
		fan[i] += fan[i - 1];
	for (i = 0; i < 256; i++)
		put32(out, fan[i]);
	for (i = 0; i < c->nr; i++)
		awm_buf_put(out, c->nodes[order[i]].oid.id, 16);
	awm_buf_put(out, data.ptr, data.size);
	awm_buf_put(out, edges.ptr, edges.size);
	awm_buf_put(out, subj.ptr, subj.size);
	awm_hash128(sum, out->ptr, out->size);
	awm_buf_put(out, sum, 16);
	awm_buf_release(&data);
	awm_buf_release(&edges);
	awm_buf_release(&subj);
}

int awm_commit_graph_write(awm_repo *repo, size_t *count)
{
	collect c;
	awm_buf path = AWM_BUF_INIT, out = AWM_BUF_INIT;
	uint32_t *order = NULL;
	keyed *sorted = NULL;
	awm_oid head;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	c.repo = repo;
	if ((rc = awm_ref_foreach(repo, "refs/", visit_ref, &c)) < 0)
		goto done;
	if (awm_ref_lookup(&head, repo, "HEAD") == 0 && (rc = visit_ref("HEAD", &head, &c)) < 0)
		goto done;
	awm_error_clear();
	generations(&c);
	sorted = awm_calloc(c.nr, sizeof(keyed));
	order = awm_calloc(c.nr, sizeof(uint32_t));
	for (i = 0; i < c.nr; i++) {
		sorted[i].oid = c.nodes[i].oid;
		sorted[i].idx = (uint32_t)i;
	}
	if (c.nr)
		qsort(sorted, c.nr, sizeof(keyed), cmp_keyed);
	for (i = 0; i < c.nr; i++) {
		order[i] = sorted[i].idx;
		c.nodes[order[i]].pos = (uint32_t)i;
	}
	render(&out, &c, order);
	graph_path(&path, repo);
	if ((rc = awm_fs_write_atomic(path.ptr, out.ptr, out.size, 0444, 0)) < 0)
		goto done;
	awm_commit_graph_free(repo->graph);
	repo->graph = NULL;
	*count = c.nr;
done:
	for (i = 0; i < c.nr; i++) {
		free(c.nodes[i].parents);
		free(c.nodes[i].subject);
	}
	free(c.nodes);
	free(c.stack);
	free(order);
	free(sorted);
	awm_oidmap_release(&c.index);
	awm_buf_release(&path);
	awm_buf_release(&out);
	return rc;
}

int awm_commit_graph_check_file(awm_commit_graph **out, awm_repo *repo,
				awm_graph_fault_cb cb, void *payload)
{
	awm_buf path = AWM_BUF_INIT, msg = AWM_BUF_INIT;
	awm_commit_graph *g;
	int faults = 0;

	*out = NULL;
	graph_path(&path, repo);
	if (!awm_fs_exists(path.ptr))
		goto done;
	if (!(g = awm_repo_graph(repo))) {
		/* Opening checks its header, sizes, positions and checksum. */
		awm_buf_printf(&msg, "'%s' is damaged; run 'awm gc' to rebuild it", path.ptr);
		faults++;
	} else {
		*out = g;
	}
	if (faults)
		cb(msg.ptr, payload);
done:
	awm_buf_release(&path);
	awm_buf_release(&msg);
	return faults;
}

int awm_commit_graph_agrees(const awm_commit_graph *g, uint32_t pos, const awm_commit *c)
{
	uint32_t parents[64];
	awm_buf subj = AWM_BUF_INIT;
	size_t n, i;
	awm_oid p;
	int ok;

	n = awm_commit_graph_parents(g, pos, parents, 64);
	awm_commit_subject(&subj, c);
	ok = n == c->nparents && awm_commit_graph_time(g, pos) == c->committer.time &&
	     !strcmp(awm_commit_graph_subject(g, pos), subj.ptr);
	for (i = 0; ok && i < n && i < 64; i++) {
		awm_commit_graph_oid(g, parents[i], &p);
		ok = awm_oid_equal(&p, &c->parents[i]);
	}
	awm_buf_release(&subj);
	return ok;
}

void awm_commit_graph_disagrees_msg(awm_buf *out, awm_repo *repo, const awm_oid *oid)
{
	awm_buf path = AWM_BUF_INIT;

	graph_path(&path, repo);
	awm_buf_printf(out, "commit %s: '%s' disagrees with the commit; run 'awm gc' to "
		       "rebuild it", awm_oid_tohex(oid).s, path.ptr);
	awm_buf_release(&path);
}

int awm_commit_graph_verify(awm_repo *repo, awm_graph_fault_cb cb, void *payload)
{
	awm_buf msg = AWM_BUF_INIT;
	awm_commit_graph *g;
	uint32_t pos;
	int faults = awm_commit_graph_check_file(&g, repo, cb, payload);

	for (pos = 0; g && pos < g->count; pos++) {
		awm_commit *c;
		awm_oid oid;

		awm_commit_graph_oid(g, pos, &oid);
		if (awm_commit_read(&c, repo->odb, &oid) < 0)
			continue;   /* the object walk reports missing or damaged commits */
		if (!awm_commit_graph_agrees(g, pos, c)) {
			awm_buf_clear(&msg);
			awm_commit_graph_disagrees_msg(&msg, repo, &oid);
			cb(msg.ptr, payload);
			faults++;
		}
		awm_commit_free(c);
	}
	awm_error_clear();
	awm_buf_release(&msg);
	return faults;
}
