/*
 * Commit walks (see walk.h).
 *
 * Every commit met gets a node, found by id through an oidmap.  A node's
 * parents and time come from the commit-graph when it has the commit, else
 * from the commit object, and are loaded once.
 */
#include "core/walk.h"
#include "core/commit_graph.h"
#include "core/error.h"
#include "objects/commit.h"
#include "objects/oidmap.h"

#include <stdlib.h>
#include <string.h>

#define SEEN 1u
#define HIDDEN 2u
#define LOADED 4u
#define EMITTED 8u
#define IN_A 16u
#define IN_B 32u
#define NOT_BEST 64u
#define VISITED 128u

typedef struct node {
	awm_oid oid;
	int64_t time;
	uint32_t first;       /* its parents: pool[first .. first + nparents) */
	uint32_t nparents;
	uint32_t gpos;        /* position in the commit-graph, or AWM_GRAPH_NONE */
	uint32_t flags;
	uint32_t children;    /* pending children, for the topological order */
	uint64_t seq;         /* tie-break: insertion order */
} node;

struct awm_walk {
	awm_repo *repo;
	awm_commit_graph *graph;
	unsigned flags;
	node *nodes;
	size_t nr, alloc;
	awm_oidmap index;
	uint32_t *by_gpos;    /* graph position -> node index + 1, 0 if none */
	uint32_t *pool;       /* parent node indices of all nodes, one allocation */
	size_t pnr, palloc;
	uint32_t *heap;
	size_t hnr, halloc;
	uint64_t seq;
	uint32_t *topo;       /* the precomputed order (TOPO and CANONICAL) */
	size_t tnr, tpos;
	int prepared;
	uint32_t last;        /* node returned last */
	awm_oid *last_parents;
	uint32_t *starts;     /* AWM_WALK_CANONICAL: pushed commits, in order */
	size_t nstarts, astarts;
};

int awm_walk_new(awm_walk **out, awm_repo *repo, unsigned flags)
{
	awm_walk *w = awm_calloc(1, sizeof(*w));

	w->repo = repo;
	w->flags = flags;
	w->graph = awm_repo_graph(repo);
	if (w->graph)
		w->by_gpos = awm_calloc(awm_commit_graph_count(w->graph) + 1, sizeof(uint32_t));
	w->last = UINT32_MAX;
	*out = w;
	return 0;
}

void awm_walk_free(awm_walk *w)
{
	if (!w)
		return;
	free(w->nodes);
	free(w->pool);
	awm_oidmap_release(&w->index);
	free(w->by_gpos);
	free(w->heap);
	free(w->topo);
	free(w->last_parents);
	free(w->starts);
	free(w);
}

static uint32_t new_node(awm_walk *w, const awm_oid *oid, uint32_t gpos)
{
	node *n;

	AWM_ARRAY_GROW(w->nodes, w->nr + 1, w->alloc);
	n = &w->nodes[w->nr];
	memset(n, 0, sizeof(*n));
	n->oid = *oid;
	n->gpos = gpos;
	n->seq = w->seq++;
	if (gpos != AWM_GRAPH_NONE) {
		n->time = awm_commit_graph_time(w->graph, gpos);
		w->by_gpos[gpos] = (uint32_t)w->nr + 1;
	} else {
		awm_oidmap_put(&w->index, oid, (uint32_t)w->nr);
	}
	return (uint32_t)w->nr++;
}

static uint32_t node_by_gpos(awm_walk *w, uint32_t gpos)
{
	awm_oid oid;

	if (w->by_gpos[gpos])
		return w->by_gpos[gpos] - 1;
	awm_commit_graph_oid(w->graph, gpos, &oid);
	return new_node(w, &oid, gpos);
}

static uint32_t node_by_oid(awm_walk *w, const awm_oid *oid)
{
	uint32_t idx, gpos = AWM_GRAPH_NONE;

	if (w->graph && (gpos = awm_commit_graph_find(w->graph, oid)) != AWM_GRAPH_NONE)
		return node_by_gpos(w, gpos);
	if (awm_oidmap_get(&w->index, oid, &idx))
		return idx;
	return new_node(w, oid, AWM_GRAPH_NONE);
}

/* Room in the pool for the `n` parents of node `idx`. */
static void reserve_parents(awm_walk *w, uint32_t idx, size_t n)
{
	AWM_ARRAY_GROW(w->pool, w->pnr + n, w->palloc);
	w->nodes[idx].first = (uint32_t)w->pnr;
	w->nodes[idx].nparents = (uint32_t)n;
	w->pnr += n;
}

/* The i-th parent of node `idx`, as a node index. */
#define PARENT(w, idx, i) ((w)->pool[(w)->nodes[idx].first + (i)])

/* Fill in parents and time; the node array may move, so use indices. */
static int load(awm_walk *w, uint32_t idx)
{
	awm_commit *c;
	uint32_t i, buf[16], *gp = buf;
	size_t n;
	int rc;

	if (w->nodes[idx].flags & LOADED)
		return 0;
	if (w->nodes[idx].gpos != AWM_GRAPH_NONE) {
		n = awm_commit_graph_parents(w->graph, w->nodes[idx].gpos, buf, 16);
		if (n > 16) {
			gp = awm_calloc(n, sizeof(uint32_t));
			awm_commit_graph_parents(w->graph, w->nodes[idx].gpos, gp, n);
		}
		reserve_parents(w, idx, n);
		for (i = 0; i < n; i++) {
			uint32_t p = node_by_gpos(w, gp[i]);

			w->pool[w->nodes[idx].first + i] = p;
		}
		if (gp != buf)
			free(gp);
	} else {
		if ((rc = awm_commit_read(&c, w->repo->odb, &w->nodes[idx].oid)) < 0)
			return rc;
		w->nodes[idx].time = c->committer.time;
		reserve_parents(w, idx, c->nparents);
		for (i = 0; i < c->nparents; i++) {
			uint32_t p = node_by_oid(w, &c->parents[i]);

			w->pool[w->nodes[idx].first + i] = p;
		}
		awm_commit_free(c);
	}
	if ((w->flags & AWM_WALK_FIRST_PARENT) && w->nodes[idx].nparents > 1)
		w->nodes[idx].nparents = 1;
	w->nodes[idx].flags |= LOADED;
	return 0;
}

/* ---- a max-heap on (time, newer insertion first) ---- */

static int before(awm_walk *w, uint32_t a, uint32_t b)
{
	const node *x = &w->nodes[a], *y = &w->nodes[b];

	if (x->time != y->time)
		return x->time > y->time;
	return x->seq < y->seq;
}

static void heap_push(awm_walk *w, uint32_t idx)
{
	size_t i;

	AWM_ARRAY_GROW(w->heap, w->hnr + 1, w->halloc);
	i = w->hnr++;
	w->heap[i] = idx;
	while (i > 0 && before(w, w->heap[i], w->heap[(i - 1) / 2])) {
		uint32_t t = w->heap[i];

		w->heap[i] = w->heap[(i - 1) / 2];
		w->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static uint32_t heap_pop(awm_walk *w)
{
	uint32_t top = w->heap[0];
	size_t i = 0;

	w->heap[0] = w->heap[--w->hnr];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		uint32_t t;

		if (l < w->hnr && before(w, w->heap[l], w->heap[m]))
			m = l;
		if (r < w->hnr && before(w, w->heap[r], w->heap[m]))
			m = r;
		if (m == i)
			break;
		t = w->heap[i];
		w->heap[i] = w->heap[m];
		w->heap[m] = t;
		i = m;
	}
	return top;
}

/* Time is needed for ordering before the node is popped. */
static int enqueue(awm_walk *w, uint32_t idx)
{
	int rc;

	if (w->nodes[idx].flags & (SEEN | HIDDEN))
		return 0;
	if (w->nodes[idx].gpos == AWM_GRAPH_NONE && (rc = load(w, idx)) < 0)
		return rc;
	w->nodes[idx].flags |= SEEN;
	heap_push(w, idx);
	return 0;
}

int awm_walk_push(awm_walk *w, const awm_oid *oid)
{
	uint32_t idx = node_by_oid(w, oid);
	int rc;

	if (!(w->flags & AWM_WALK_CANONICAL))
		return enqueue(w, idx);
	if ((rc = load(w, idx)) < 0)   /* a missing commit fails here, as enqueue does */
		return rc;
	AWM_ARRAY_GROW(w->starts, w->nstarts + 1, w->astarts);
	w->starts[w->nstarts++] = idx;
	return 0;
}

/* Mark `oid` and every ancestor HIDDEN, before the walk starts. */
int awm_walk_hide(awm_walk *w, const awm_oid *oid)
{
	uint32_t *stack = NULL, i;
	size_t snr = 0, salloc = 0;
	int rc = 0;

	AWM_ARRAY_GROW(stack, 1, salloc);
	stack[snr++] = node_by_oid(w, oid);
	while (snr) {
		uint32_t idx = stack[--snr];

		if (w->nodes[idx].flags & HIDDEN)
			continue;
		w->nodes[idx].flags |= HIDDEN;
		if ((rc = load(w, idx)) < 0)
			break;
		for (i = 0; i < w->nodes[idx].nparents; i++) {
			uint32_t p = PARENT(w, idx, i);

			if (!(w->nodes[p].flags & HIDDEN)) {
				AWM_ARRAY_GROW(stack, snr + 1, salloc);
				stack[snr++] = p;
			}
		}
	}
	free(stack);
	return rc;
}

/* The date-ordered step shared by plain and topological walks. */
static int date_next(awm_walk *w, uint32_t *out)
{
	while (w->hnr) {
		uint32_t idx = heap_pop(w), i;
		int rc;

		if (w->nodes[idx].flags & HIDDEN)
			continue;
		if ((rc = load(w, idx)) < 0)
			return rc;
		for (i = 0; i < w->nodes[idx].nparents; i++)
			if ((rc = enqueue(w, PARENT(w, idx, i))) < 0)
				return rc;
		*out = idx;
		return 1;
	}
	return 0;
}

/*
 * Topological order: take every commit of the walk, count each one's
 * children inside it, and emit a commit only once its children are out,
 * newest first among those ready.
 */
static int prepare_topo(awm_walk *w)
{
	uint32_t idx, i;
	size_t alloc = 0;
	int rc;

	while ((rc = date_next(w, &idx)) == 1) {
		AWM_ARRAY_GROW(w->topo, w->tnr + 1, alloc);
		w->topo[w->tnr++] = idx;
	}
	if (rc < 0)
		return rc;
	for (i = 0; i < w->tnr; i++) {
		uint32_t j, t = w->topo[i];

		for (j = 0; j < w->nodes[t].nparents; j++)
			w->nodes[PARENT(w, t, j)].children++;
	}
	w->hnr = 0;
	for (i = 0; i < w->tnr; i++)
		if (w->nodes[w->topo[i]].children == 0)
			heap_push(w, w->topo[i]);
	w->tnr = 0;
	while (w->hnr) {
		node *n;
		uint32_t j;

		idx = heap_pop(w);
		w->topo[w->tnr++] = idx;
		n = &w->nodes[idx];
		for (j = 0; j < n->nparents; j++) {
			node *p = &w->nodes[PARENT(w, idx, j)];

			if ((p->flags & SEEN) && !(p->flags & HIDDEN) && --p->children == 0)
				heap_push(w, PARENT(w, idx, j));
		}
	}
	w->prepared = 1;
	return 0;
}

/*
 * The canonical order (see walk.h): a post-order depth-first search from
 * each pushed commit, parents in order, on an explicit stack, since a
 * linear history is as deep as it is long.
 */
static int prepare_canonical(awm_walk *w)
{
	typedef struct frame { uint32_t idx, next; } frame;
	frame *st = NULL;
	size_t nr = 0, alloc = 0, talloc = 0, s;
	int rc = 0;

	for (s = 0; s < w->nstarts; s++) {
		uint32_t start = w->starts[s];

		if (w->nodes[start].flags & (HIDDEN | VISITED))
			continue;
		w->nodes[start].flags |= VISITED;
		AWM_ARRAY_GROW(st, nr + 1, alloc);
		st[nr++] = (frame){ start, 0 };
		while (nr) {
			uint32_t idx = st[nr - 1].idx;

			if ((rc = load(w, idx)) < 0)
				goto done;
			if (st[nr - 1].next < w->nodes[idx].nparents) {
				uint32_t p = PARENT(w, idx, st[nr - 1].next++);

				if (!(w->nodes[p].flags & (HIDDEN | VISITED))) {
					w->nodes[p].flags |= VISITED;
					AWM_ARRAY_GROW(st, nr + 1, alloc);
					st[nr++] = (frame){ p, 0 };
				}
			} else {
				nr--;
				AWM_ARRAY_GROW(w->topo, w->tnr + 1, talloc);
				w->topo[w->tnr++] = idx;
			}
		}
	}
	w->prepared = 1;
done:
	free(st);
	return rc;
}

int awm_walk_next(awm_walk *w, awm_oid *out)
{
	uint32_t idx;
	int rc;

	if (w->flags & (AWM_WALK_TOPO | AWM_WALK_CANONICAL)) {
		if (!w->prepared && (rc = (w->flags & AWM_WALK_CANONICAL) ? prepare_canonical(w) :
				      prepare_topo(w)) < 0)
			return rc;
		if (w->tpos == w->tnr)
			return 0;
		idx = w->topo[w->tpos++];
	} else if ((rc = date_next(w, &idx)) <= 0) {
		return rc;
	}
	w->last = idx;
	*out = w->nodes[idx].oid;
	return 1;
}

int awm_walk_subject(awm_walk *w, awm_buf *out)
{
	node *n;
	awm_commit *c;
	int rc;

	if (w->last == UINT32_MAX)
		return awm_error_set(AWM_EUSAGE, "no commit walked yet");
	n = &w->nodes[w->last];
	awm_buf_clear(out);
	if (n->gpos != AWM_GRAPH_NONE) {
		awm_buf_puts(out, awm_commit_graph_subject(w->graph, n->gpos));
		return 0;
	}
	if ((rc = awm_commit_read(&c, w->repo->odb, &n->oid)) < 0)
		return rc;
	awm_commit_subject(out, c);
	awm_commit_free(c);
	return 0;
}

size_t awm_walk_parents(awm_walk *w, awm_oid **out)
{
	node *n;
	uint32_t i;

	*out = NULL;
	if (w->last == UINT32_MAX)
		return 0;
	n = &w->nodes[w->last];
	free(w->last_parents);
	w->last_parents = awm_calloc(n->nparents, sizeof(awm_oid));
	for (i = 0; i < n->nparents; i++)
		w->last_parents[i] = w->nodes[PARENT(w, w->last, i)].oid;
	*out = w->last_parents;
	return n->nparents;
}

int awm_walk_canonical_list(awm_oid **out, size_t *n, awm_repo *repo, const awm_oid *tip,
			    const awm_oid *hide)
{
	awm_walk *w;
	awm_oid oid;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	awm_walk_new(&w, repo, AWM_WALK_CANONICAL);
	if ((rc = awm_walk_push(w, tip)) == 0 && (!hide || (rc = awm_walk_hide(w, hide)) == 0))
		while ((rc = awm_walk_next(w, &oid)) == 1) {
			AWM_ARRAY_GROW(*out, *n + 1, alloc);
			(*out)[(*n)++] = oid;
		}
	awm_walk_free(w);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc < 0 ? rc : 0;
}

/* Mark `flag` on `start` and all of its ancestors. */
static int mark_ancestors(awm_walk *w, uint32_t start, uint32_t flag)
{
	uint32_t *stack = NULL, i;
	size_t snr = 0, salloc = 0;
	int rc = 0;

	AWM_ARRAY_GROW(stack, 1, salloc);
	stack[snr++] = start;
	while (snr) {
		uint32_t idx = stack[--snr];

		if (w->nodes[idx].flags & flag)
			continue;
		w->nodes[idx].flags |= flag;
		if ((rc = load(w, idx)) < 0)
			break;
		for (i = 0; i < w->nodes[idx].nparents; i++) {
			AWM_ARRAY_GROW(stack, snr + 1, salloc);
			stack[snr++] = PARENT(w, idx, i);
		}
	}
	free(stack);
	return rc;
}

int awm_merge_bases(awm_oid **out, size_t *n, awm_repo *repo,
		    const awm_oid *a, const awm_oid *b)
{
	awm_walk *w;
	size_t i, nr = 0;
	int rc;

	*out = NULL;
	*n = 0;
	awm_walk_new(&w, repo, 0);
	if ((rc = mark_ancestors(w, node_by_oid(w, a), IN_A)) < 0 ||
	    (rc = mark_ancestors(w, node_by_oid(w, b), IN_B)) < 0)
		goto done;
	/* A common commit that is a parent of another common one is not best. */
	for (i = 0; i < w->nr; i++) {
		uint32_t j;

		if ((w->nodes[i].flags & (IN_A | IN_B)) != (IN_A | IN_B))
			continue;
		/* Indices, not pointers: marking may load nodes and move the array. */
		for (j = 0; j < w->nodes[i].nparents; j++)
			if ((rc = mark_ancestors(w, PARENT(w, i, j), NOT_BEST)) < 0)
				goto done;
	}
	for (i = 0; i < w->nr; i++)
		if ((w->nodes[i].flags & (IN_A | IN_B | NOT_BEST)) == (IN_A | IN_B))
			nr++;
	*out = awm_calloc(nr ? nr : 1, sizeof(awm_oid));
	for (i = 0; i < w->nr; i++)
		if ((w->nodes[i].flags & (IN_A | IN_B | NOT_BEST)) == (IN_A | IN_B))
			(*out)[(*n)++] = w->nodes[i].oid;
done:
	awm_walk_free(w);
	return rc;
}

int awm_is_ancestor(awm_repo *repo, const awm_oid *ancestor, const awm_oid *descendant)
{
	awm_walk *w;
	uint32_t target;
	int rc;

	if (awm_oid_equal(ancestor, descendant))
		return 1;
	awm_walk_new(&w, repo, 0);
	target = node_by_oid(w, ancestor);
	rc = mark_ancestors(w, node_by_oid(w, descendant), IN_A);
	if (rc == 0)
		rc = (w->nodes[target].flags & IN_A) ? 1 : 0;
	awm_walk_free(w);
	return rc;
}
