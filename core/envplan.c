/*
 * Path planning for environments (see envplan.h).
 *
 * The planner loads the target's history once (through a walk, so the
 * commit-graph serves it), orders it, keeps the bottom of the applied
 * stack that already follows that order, then simulates the steps on the
 * set S of applied commits.  S is always closed under ancestry; it is exactly one
 * commit's history when it has a single tip (a commit with no child in S).
 * Only then does a step have an expected schema to check: in the middle of
 * a merged-in side branch, the database holds both sides, a state no
 * commit recorded.
 */
#include "core/envplan.h"
#include "core/error.h"
#include "core/walk.h"
#include "objects/oidmap.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct gnode {
	awm_oid oid;
	awm_oid *parents;
	size_t np;
	uint32_t children;       /* children in S */
	unsigned in_s : 1;       /* applied (in the simulation) */
	unsigned known : 1;      /* parents loaded */
} gnode;

typedef struct graph {
	awm_oidmap map;
	gnode *v;
	size_t nr, alloc;
	size_t tips;             /* nodes in S with no child in S */
	size_t size;             /* nodes in S */
} graph;

static uint32_t node(graph *g, const awm_oid *oid)
{
	uint32_t idx;

	if (awm_oidmap_get(&g->map, oid, &idx))
		return idx;
	AWM_ARRAY_GROW(g->v, g->nr + 1, g->alloc);
	memset(&g->v[g->nr], 0, sizeof(gnode));
	g->v[g->nr].oid = *oid;
	awm_oidmap_put(&g->map, oid, (uint32_t)g->nr);
	return (uint32_t)g->nr++;
}

static void set_parents(graph *g, uint32_t idx, const awm_oid *parents, size_t np)
{
	g->v[idx].parents = awm_calloc(np ? np : 1, sizeof(awm_oid));
	if (np)   /* a root has no parents, and maybe a NULL array */
		memcpy(g->v[idx].parents, parents, np * sizeof(awm_oid));
	g->v[idx].np = np;
	g->v[idx].known = 1;
}

static void graph_release(graph *g)
{
	size_t i;

	for (i = 0; i < g->nr; i++)
		free(g->v[i].parents);
	free(g->v);
	awm_oidmap_release(&g->map);
}

/* Add `idx` to S: its parents in S stop being tips. */
static void s_add(graph *g, uint32_t idx)
{
	size_t i;

	for (i = 0; i < g->v[idx].np; i++) {
		uint32_t p;

		if (!awm_oidmap_get(&g->map, &g->v[idx].parents[i], &p) || !g->v[p].in_s)
			continue;
		if (g->v[p].children++ == 0)
			g->tips--;
	}
	g->v[idx].in_s = 1;
	g->tips += g->v[idx].children == 0;
	g->size++;
}

static void s_remove(graph *g, uint32_t idx)
{
	size_t i;

	g->tips -= g->v[idx].children == 0;
	g->v[idx].in_s = 0;
	g->size--;
	for (i = 0; i < g->v[idx].np; i++) {
		uint32_t p;

		if (!awm_oidmap_get(&g->map, &g->v[idx].parents[i], &p) || !g->v[p].in_s)
			continue;
		if (--g->v[p].children == 0)
			g->tips++;
	}
}

/*
 * Every commit of the target's history, with its parents, in the
 * canonical order (walk.h): `*order` gets their nodes.
 */
static int load_target(uint32_t **order, size_t *n, graph *g, awm_repo *repo,
		       const awm_oid *target)
{
	awm_walk *w;
	awm_oid oid, *parents;
	size_t alloc = 0;
	int rc;

	*order = NULL;
	*n = 0;
	awm_walk_new(&w, repo, AWM_WALK_CANONICAL);
	if ((rc = awm_walk_push(w, target)) == 0) {
		while ((rc = awm_walk_next(w, &oid)) == 1) {
			uint32_t idx = node(g, &oid);
			size_t np = awm_walk_parents(w, &parents);

			set_parents(g, idx, parents, np);
			AWM_ARRAY_GROW(*order, *n + 1, alloc);
			(*order)[(*n)++] = idx;
		}
	}
	awm_walk_free(w);
	return rc < 0 ? rc : 0;
}

static int read_applied(awm_commit **out, awm_repo *repo, const awm_history_row *row)
{
	int rc = awm_commit_read(out, repo->odb, &row->commit);

	if (rc == AWM_ENOTFOUND)
		return awm_error_set(AWM_ENOTFOUND, "the database has commit %s applied, which "
				     "this repository does not have; fetch it first",
				     row->record_id);
	return rc;
}

void awm_plan_release(awm_plan *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++) {
		awm_commit_free(p->steps[i].commit);
		free(p->steps[i].refusal);
	}
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

size_t awm_plan_stack(const awm_history_row ***out, const awm_history *hist)
{
	size_t i, n = 0;

	*out = awm_calloc(hist->nr ? hist->nr : 1, sizeof(**out));
	for (i = 0; i < hist->nr; i++)
		if ((hist->rows[i].status == AWM_ROW_APPLIED ||
		     hist->rows[i].status == AWM_ROW_PENDING) &&
		    !strcmp(hist->rows[i].record_type, "migration"))   /* not `awm relationships` runs */
			(*out)[n++] = &hist->rows[i];
	return n;
}

void awm_plan_steps_back(awm_oid *out, int *has, const awm_history *hist, size_t n)
{
	const awm_history_row **stack;
	size_t depth = awm_plan_stack(&stack, hist);

	*has = n < depth;
	if (*has)
		*out = stack[depth - 1 - n]->commit;
	else
		awm_oid_clear(out);
	free(stack);
}

int awm_plan_in_stack(const awm_history *hist, const awm_oid *oid)
{
	const awm_history_row **stack;
	size_t depth = awm_plan_stack(&stack, hist), i;
	int found = 0;

	for (i = 0; i < depth && !found; i++)
		found = awm_oid_equal(&stack[i]->commit, oid);
	free(stack);
	return found;
}

/* A hex id from the row's JSON payload ("checksum", "schema_before"). */
static int payload_oid(awm_oid *out, json_t *payload, const char *key)
{
	json_t *v = json_object_get(payload, key);

	return json_is_string(v) && awm_oid_fromhex(out, json_string_value(v)) == 0;
}

/*
 * Whether the up step of `c` changed the schema: from what its row
 * recorded, else from the commit against its first parent.
 */
static int changed_schema(awm_repo *repo, const awm_commit *c, json_t *payload,
			  const awm_oid *empty_schema)
{
	awm_oid before, after;
	awm_commit *p;
	int changed;

	if (payload_oid(&before, payload, "schema_before") && payload_oid(&after, payload, "checksum"))
		return !awm_oid_equal(&before, &after);
	if (!c->nparents)
		return !awm_oid_equal(&c->schema, empty_schema);
	if (awm_commit_read(&p, repo->odb, &c->parents[0]) < 0) {
		awm_error_clear();
		return 1;
	}
	changed = !awm_oid_equal(&p->schema, &c->schema);
	awm_commit_free(p);
	return changed;
}

static char *subject_of(const awm_commit *c)
{
	awm_buf s = AWM_BUF_INIT;

	awm_commit_subject(&s, c);
	return awm_buf_detach(&s);
}

/* Why `c`, applied as `row` describes, cannot be rolled back; NULL if it can. */
static char *refusal(awm_repo *repo, const awm_commit *c, const awm_history_row *row,
		     awm_undo undo, const awm_oid *empty_schema)
{
	json_t *payload = json_loads(row->payload, 0, NULL);
	json_t *untracked = json_object_get(json_object_get(payload, "changes"), "untracked");
	char *subj = subject_of(c), *why = NULL;

	if (strcmp(c->engine, "sqlite")) {
		/* Engines of operations undo the ones the step recorded (engine.md). */
		if (!json_is_array(json_object_get(payload, "ops")))
			why = awm_printf_alloc("commit %s (%s) was applied without a record of its "
					       "operations, so it cannot be rolled back",
					       awm_oid_short(&c->oid, 10).s, subj);
	} else if (undo == AWM_UNDO_NONE)
		why = awm_printf_alloc("commit %s (%s) has neither a down section nor a changeset "
				       "to invert, so it cannot be rolled back",
				       awm_oid_short(&c->oid, 10).s, subj);
	else if (undo == AWM_UNDO_INVERSE && c->kind == AWM_KIND_SQL &&
		 changed_schema(repo, c, payload, empty_schema))
		why = awm_printf_alloc("commit %s (%s) has no down section and changes the schema; "
				       "an inverted changeset only restores rows, so it cannot be "
				       "rolled back; add a migration that undoes it instead",
				       awm_oid_short(&c->oid, 10).s, subj);
	else if (undo == AWM_UNDO_INVERSE && c->kind == AWM_KIND_SQL && !row->has_capture)
		/* Adopted (awm import): the commit's changeset is what it did elsewhere. */
		why = awm_printf_alloc("commit %s (%s) has no down section, and awm did not see "
				       "what it changed in this database (%s), so it cannot be "
				       "rolled back; add a migration that undoes it instead",
				       awm_oid_short(&c->oid, 10).s, subj,
				       json_object_get(payload, "adopted") ? "another tool applied "
				       "it" : "its rows were not captured");
	else if (undo == AWM_UNDO_INVERSE && json_array_size(untracked))
		why = awm_printf_alloc("commit %s (%s) changed rows of table '%s', which has no "
				       "primary key, and has no down section, so it cannot be "
				       "rolled back", awm_oid_short(&c->oid, 10).s, subj,
				       json_string_value(json_array_get(untracked, 0)));
	json_decref(payload);
	free(subj);
	return why;
}

static awm_plan_step *new_step(awm_plan *p, awm_direction dir, awm_commit *c,
			       const awm_oid *head_before)
{
	awm_plan_step *s;

	AWM_ARRAY_GROW(p->steps, p->nr + 1, p->alloc);
	s = &p->steps[p->nr++];
	memset(s, 0, sizeof(*s));
	s->dir = dir;
	s->commit = c;
	if (head_before)
		s->head_before = *head_before;
	return s;
}

/* After a step: is S exactly one commit's history (or empty)? */
static void expectation(awm_plan_step *s, const graph *g, const awm_commit *top,
			const awm_oid *empty_schema)
{
	s->check_schema = g->size == 0 || g->tips == 1;
	if (g->size == 0)
		s->expect_schema = *empty_schema;
	else if (top)
		s->expect_schema = top->schema;
}

/* The down part: pop the stack from the top to `keep`. */
static int plan_down(awm_plan *p, graph *g, awm_repo *repo, const awm_history_row **stack,
		     size_t depth, size_t keep, const awm_oid *empty_schema)
{
	size_t i;
	int rc;

	for (i = depth; i-- > keep; ) {
		awm_commit *c, *below = NULL;
		awm_plan_step *s;

		if ((rc = read_applied(&c, repo, stack[i])) < 0)
			return rc;
		s = new_step(p, AWM_DIR_DOWN, c, &stack[i]->commit);
		s->row = stack[i];
		s->resume = stack[i]->status == AWM_ROW_PENDING;
		s->undo = strcmp(c->engine, "sqlite") ? AWM_UNDO_INVERSE :
			  awm_replay_undo_method(c, stack[i]->has_capture);
		s->refusal = refusal(repo, c, stack[i], s->undo, empty_schema);
		s_remove(g, node(g, &c->oid));
		if (i > 0 && (rc = read_applied(&below, repo, stack[i - 1])) < 0)
			return rc;
		expectation(s, g, below, empty_schema);
		awm_commit_free(below);
		p->ndown++;
	}
	return 0;
}

/* The up part: the canonical order from `from` on. */
static int plan_up(awm_plan *p, graph *g, awm_repo *repo, const uint32_t *order, size_t n,
		   size_t from, awm_oid head, int has_head, const awm_oid *empty_schema)
{
	size_t i;
	int rc;

	for (i = from; i < n; i++) {
		awm_commit *c;
		awm_plan_step *s;

		if ((rc = awm_commit_read(&c, repo->odb, &g->v[order[i]].oid)) < 0)
			return rc;
		s = new_step(p, AWM_DIR_UP, c, has_head ? &head : NULL);
		s_add(g, order[i]);
		expectation(s, g, c, empty_schema);
		head = c->oid;
		has_head = 1;
	}
	return 0;
}

int awm_plan_check(const awm_plan *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (p->steps[i].refusal)
			return awm_error_set(AWM_EINVALID, "%s; nothing was changed",
					     p->steps[i].refusal);
	return 0;
}

int awm_plan_build(awm_plan *out, awm_repo *repo, const awm_history *hist,
		   const awm_oid *target, const awm_oid *empty_schema)
{
	const awm_history_row **stack = NULL;
	uint32_t *order = NULL;
	graph g;
	size_t depth, keep, i, norder = 0;
	int resume;
	awm_commit *c = NULL, *top = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&g, 0, sizeof(g));
	depth = awm_plan_stack(&stack, hist);
	out->depth = depth;
	if (target) {
		out->has_target = 1;
		out->target = *target;
		if ((rc = load_target(&order, &norder, &g, repo, target)) < 0)
			goto done;
	}
	/* S starts as the whole stack. */
	for (i = 0; i < depth; i++) {
		uint32_t idx = node(&g, &stack[i]->commit);

		if (!g.v[idx].known) {
			if ((rc = read_applied(&c, repo, stack[i])) < 0)
				goto done;
			set_parents(&g, idx, c->parents, c->nparents);
			awm_commit_free(c);
			c = NULL;
		}
	}
	for (i = 0; i < depth; i++)
		s_add(&g, node(&g, &stack[i]->commit));
	out->has_head = depth > 0;
	out->head_schema = *empty_schema;
	out->head_exact = 1;
	if (depth) {
		json_t *payload = json_loads(stack[depth - 1]->payload, 0, NULL);

		out->head = stack[depth - 1]->commit;
		out->head_exact = g.tips == 1;
		if ((rc = read_applied(&top, repo, stack[depth - 1])) < 0) {
			json_decref(payload);
			goto done;
		}
		if (out->head_exact || !payload_oid(&out->head_schema, payload, "checksum"))
			out->head_schema = top->schema;
		json_decref(payload);
	}
	/* Keep what the stack and the target's order have in common, bottom up. */
	for (keep = 0; keep < depth && keep < norder; keep++)
		if (stack[keep]->status != AWM_ROW_APPLIED ||
		    !awm_oid_equal(&stack[keep]->commit, &g.v[order[keep]].oid))
			break;
	/* A pending top that is on the way to the target is finished, not undone. */
	resume = depth && keep == depth - 1 && keep < norder &&
		 stack[keep]->status == AWM_ROW_PENDING &&
		 awm_oid_equal(&stack[keep]->commit, &g.v[order[keep]].oid);
	out->has_base = keep > 0;
	if (keep)
		out->base = stack[keep - 1]->commit;
	if ((rc = plan_down(out, &g, repo, stack, depth, keep + resume, empty_schema)) < 0)
		goto done;
	if (resume) {
		awm_plan_step *s;

		if ((rc = read_applied(&c, repo, stack[keep])) < 0)
			goto done;
		s = new_step(out, AWM_DIR_UP, c, &stack[keep]->commit);
		s->row = stack[keep];
		s->resume = 1;
		expectation(s, &g, c, empty_schema);
		c = NULL;
		keep++;
	}
	if (target)
		rc = plan_up(out, &g, repo, order, norder, keep,
			     keep ? stack[keep - 1]->commit : out->base, keep > 0, empty_schema);
done:
	awm_commit_free(c);
	awm_commit_free(top);
	free(order);
	graph_release(&g);
	free(stack);
	if (rc < 0)
		awm_plan_release(out);
	return rc;
}
