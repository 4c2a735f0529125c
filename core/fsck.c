/*
 * Repository checks (see fsck.h).
 */
#include "core/fsck.h"
#include "core/changeset.h"
#include "core/commit_graph.h"
#include "core/dbsnapshot.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/refs.h"
#include "objects/commit.h"
#include "objects/oidmap.h"
#include "objects/pack.h"
#include "objects/schema.h"
#include "objects/snapshot.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

typedef struct link {
	awm_oid from, to;
	awm_otype from_type, want;
	const char *role;
} link;

typedef struct fsck_ctx {
	awm_repo *repo;
	awm_fsck_stats *stats;
	awm_fsck_cb cb;
	void *payload;
	awm_oidmap good;        /* verified objects -> type */
	link *links;
	size_t nlinks, alinks;
	awm_progress_cb progress;
	void *progress_payload;
	size_t total;
	awm_commit_graph *graph;   /* intact commit-graph, checked commit by commit */
	unsigned char *graph_seen; /* entries already compared */
} fsck_ctx;

static void fault(fsck_ctx *c, const awm_oid *oid, const char *where, const char *msg)
{
	c->stats->faults++;
	c->cb(oid, where, msg, c->payload);
}

static void add_typed_link(fsck_ctx *c, awm_otype from_type, const awm_oid *from,
			   const awm_oid *to, awm_otype want, const char *role)
{
	AWM_ARRAY_GROW(c->links, c->nlinks + 1, c->alinks);
	c->links[c->nlinks].from_type = from_type;
	c->links[c->nlinks].from = *from;
	c->links[c->nlinks].to = *to;
	c->links[c->nlinks].want = want;
	c->links[c->nlinks].role = role;
	c->nlinks++;
}

static void graph_fault(const char *msg, void *payload)
{
	fault(payload, NULL, "", msg);
}

/* Compare the commit-graph's entry for a commit, once, while it is parsed. */
static void check_graph_entry(fsck_ctx *c, const awm_commit *cm)
{
	awm_buf msg = AWM_BUF_INIT;
	uint32_t pos;

	if (!c->graph || (pos = awm_commit_graph_find(c->graph, &cm->oid)) == AWM_GRAPH_NONE ||
	    c->graph_seen[pos])
		return;
	c->graph_seen[pos] = 1;
	if (!awm_commit_graph_agrees(c->graph, pos, cm)) {
		awm_commit_graph_disagrees_msg(&msg, c->repo, &cm->oid);
		graph_fault(msg.ptr, c);
	}
	awm_buf_release(&msg);
}

static void add_link(fsck_ctx *c, const awm_oid *from, const awm_oid *to,
		     awm_otype want, const char *role)
{
	add_typed_link(c, AWM_OBJ_COMMIT, from, to, want, role);
}

/* A snapshot names its commit and every page; a delta page names its base. */
static int parse_snapshot(fsck_ctx *c, const awm_object *obj)
{
	awm_snapshot *s;
	size_t i;
	int rc = awm_snapshot_parse(&s, (const char *)obj->data, obj->size);

	if (rc < 0)
		return rc;
	add_typed_link(c, AWM_OBJ_SNAPSHOT, &obj->oid, &s->commit, AWM_OBJ_COMMIT, "commit");
	for (i = 0; i < s->npages; i++)
		if (i == 0 || !awm_oid_equal(&s->pages[i], &s->pages[i - 1]))
			add_typed_link(c, AWM_OBJ_SNAPSHOT, &obj->oid, &s->pages[i], AWM_OBJ_PAGE,
				       "page");
	awm_snapshot_free(s);
	return 0;
}

static int parse_page(fsck_ctx *c, const awm_object *obj)
{
	awm_oid base;
	int kind = -1, rc = awm_page_parse(&kind, &base, obj->data, obj->size);

	if (rc == 0 && kind == AWM_PAGE_DELTA)
		add_typed_link(c, AWM_OBJ_PAGE, &obj->oid, &base, AWM_OBJ_PAGE, "base page");
	return rc;
}

static int parse_commit(fsck_ctx *c, const awm_object *obj)
{
	awm_commit *cm;
	size_t i;
	int rc = awm_commit_parse(&cm, &obj->oid, (const char *)obj->data, obj->size);

	if (rc < 0)
		return rc;
	check_graph_entry(c, cm);
	for (i = 0; i < cm->nparents; i++)
		add_link(c, &obj->oid, &cm->parents[i], AWM_OBJ_COMMIT, "parent");
	if (cm->has_up)
		add_link(c, &obj->oid, &cm->up, AWM_OBJ_BLOB, "up script");
	if (cm->has_down)
		add_link(c, &obj->oid, &cm->down, AWM_OBJ_BLOB, "down script");
	if (cm->has_script)
		add_link(c, &obj->oid, &cm->script, AWM_OBJ_BLOB, "script");
	if (cm->has_changeset)
		add_link(c, &obj->oid, &cm->changeset, AWM_OBJ_CHANGESET, "changeset");
	add_link(c, &obj->oid, &cm->schema, AWM_OBJ_SCHEMA, "schema");
	awm_commit_free(cm);
	return 0;
}

static int parse_by_type(fsck_ctx *c, const awm_object *obj)
{
	awm_schema *s;
	int rc;

	switch (obj->type) {
	case AWM_OBJ_COMMIT:
		return parse_commit(c, obj);
	case AWM_OBJ_SCHEMA:
		if ((rc = awm_schema_parse(&s, (const char *)obj->data, obj->size)) == 0)
			awm_schema_free(s);
		return rc;
	case AWM_OBJ_CHANGESET:
		return awm_changeset_validate(obj->data, obj->size, "object");
	case AWM_OBJ_SNAPSHOT:
		return parse_snapshot(c, obj);
	case AWM_OBJ_PAGE:
		return parse_page(c, obj);
	default:
		return 0;
	}
}

static int check_record(const awm_oid *oid, const awm_odb_record *rec, void *payload)
{
	fsck_ctx *c = payload;
	awm_object *obj = NULL;

	c->stats->objects++;
	if (c->progress && (c->stats->objects % 1024 == 0 || c->stats->objects == c->total))
		c->progress("Checking objects", c->stats->objects, c->total, c->progress_payload);
	if (!rec->frame) {
		fault(c, oid, rec->where.ptr, awm_error_last());
	} else if (awm_odb_record_decode(&obj, awm_odb_zstd(c->repo->odb), oid, rec) < 0) {
		fault(c, oid, rec->where.ptr, awm_error_last());
	} else if (parse_by_type(c, obj) < 0) {
		fault(c, oid, rec->where.ptr, awm_error_last());
	} else {
		awm_oidmap_put(&c->good, oid, (uint32_t)obj->type);
	}
	awm_error_clear();
	awm_object_free(obj);
	return 0;
}

static void check_links(fsck_ctx *c)
{
	awm_buf msg = AWM_BUF_INIT;
	size_t i;
	uint32_t type;

	for (i = 0; i < c->nlinks; i++) {
		const link *l = &c->links[i];

		awm_buf_clear(&msg);
		if (!awm_oidmap_get(&c->good, &l->to, &type))
			awm_buf_printf(&msg, "%s %s names %s %s, which is missing or damaged",
				       awm_otype_name(l->from_type), awm_oid_tohex(&l->from).s,
				       l->role, awm_oid_tohex(&l->to).s);
		else if (type != (uint32_t)l->want)
			awm_buf_printf(&msg, "%s %s names %s %s, which is a %s",
				       awm_otype_name(l->from_type), awm_oid_tohex(&l->from).s,
				       l->role, awm_oid_tohex(&l->to).s,
				       awm_otype_name((awm_otype)type));
		else
			continue;
		fault(c, &l->from, "", msg.ptr);
	}
	awm_buf_release(&msg);
}

static int check_ref(const char *name, const awm_oid *oid, void *payload)
{
	fsck_ctx *c = payload;
	awm_buf msg = AWM_BUF_INIT;
	uint32_t type;

	c->stats->refs++;
	if (!awm_oidmap_get(&c->good, oid, &type))
		awm_buf_printf(&msg, "ref '%s' points at %s, which is missing or damaged", name,
			       awm_oid_tohex(oid).s);
	else if (type != AWM_OBJ_COMMIT)
		awm_buf_printf(&msg, "ref '%s' points at a %s, not a commit", name,
			       awm_otype_name((awm_otype)type));
	if (msg.size)
		fault(c, oid, "", msg.ptr);
	awm_buf_release(&msg);
	return 0;
}

/* .awm/snapshots/<commit> must name a snapshot object of that commit. */
static int check_snapshot_entry(const awm_oid *commit, const awm_oid *snap, void *payload)
{
	fsck_ctx *c = payload;
	awm_snapshot *s = NULL;
	awm_buf msg = AWM_BUF_INIT;
	uint32_t type;

	if (!awm_oidmap_get(&c->good, snap, &type) || type != AWM_OBJ_SNAPSHOT)
		awm_buf_printf(&msg, "the snapshot of commit %s is %s, which is missing, damaged "
			       "or not a snapshot", awm_oid_tohex(commit).s, awm_oid_tohex(snap).s);
	else if (awm_snapshot_read(&s, c->repo->odb, snap) == 0 &&
		 !awm_oid_equal(&s->commit, commit))
		awm_buf_printf(&msg, "the snapshot recorded for commit %s belongs to commit %s",
			       awm_oid_tohex(commit).s, awm_oid_tohex(&s->commit).s);
	awm_error_clear();
	if (msg.size)
		fault(c, snap, "snapshots", msg.ptr);
	awm_snapshot_free(s);
	awm_buf_release(&msg);
	return 0;
}


/*
 * A pack whose header or index is damaged cannot be opened, so the store
 * skips it and its objects just look missing.  Name such files here.
 */
static void check_unopened_packs(fsck_ctx *c, const awm_pack **packs, size_t npacks)
{
	awm_buf dir = AWM_BUF_INIT, path = AWM_BUF_INIT;
	struct dirent *e;
	DIR *d;

	awm_path_join(&dir, awm_odb_dir(c->repo->odb), "pack");
	if (!(d = opendir(dir.ptr)))
		goto done;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name), i;
		awm_pack *p;

		if (n < 5 || strcmp(e->d_name + n - 4, ".idx") || strncmp(e->d_name, "pack-", 5))
			continue;
		awm_buf_clear(&path);
		awm_buf_printf(&path, "%s/%s", dir.ptr, e->d_name);
		for (i = 0; i < npacks && strcmp(packs[i]->idx_path, path.ptr); i++)
			;
		if (i < npacks)
			continue;
		if (awm_pack_open(&p, path.ptr) == 0) {
			awm_pack_free(p);   /* written by a concurrent gc since the scan */
		} else if (awm_fs_exists(path.ptr)) {   /* else removed by that gc */
			c->stats->packs++;
			fault(c, NULL, path.ptr, awm_error_last());
		}
	}
	closedir(d);
done:
	awm_error_clear();
	awm_buf_release(&dir);
	awm_buf_release(&path);
}

/*
 * Listing refs skips files that do not hold a ref, so that one damaged ref
 * does not hide the others; fsck looks at every file under refs/ to report
 * those.  Lock and temporary files have names no ref can have.
 */
static void check_unreadable_refs(fsck_ctx *c, const char *rel)
{
	awm_buf path = AWM_BUF_INIT, sub = AWM_BUF_INIT;
	struct dirent *e;
	awm_oid oid;
	DIR *d;
	int rc;

	awm_repo_path(&path, c->repo, rel);
	if (!(d = opendir(path.ptr)))
		goto done;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		awm_buf_clear(&sub);
		awm_buf_printf(&sub, "%s/%s", rel, e->d_name);
		awm_repo_path(&path, c->repo, sub.ptr);
		if (awm_fs_is_dir(path.ptr)) {
			check_unreadable_refs(c, sub.ptr);
			continue;
		}
		if (awm_refname_check(sub.ptr) < 0 || strstr(sub.ptr, ".tmp-"))
			continue;
		rc = awm_ref_lookup(&oid, c->repo, sub.ptr);
		if (rc < 0 && rc != AWM_ENOTFOUND) {   /* not found: a symbolic ref to nothing */
			if (!strstr(awm_error_last(), sub.ptr))
				awm_error_prefix("ref '%s'", sub.ptr);
			fault(c, NULL, path.ptr, awm_error_last());
		}
	}
	closedir(d);
done:
	awm_error_clear();
	awm_buf_release(&path);
	awm_buf_release(&sub);
}

int awm_fsck(awm_fsck_stats *stats, awm_repo *repo, awm_fsck_cb cb, void *payload,
	     awm_progress_cb progress, void *progress_payload)
{
	fsck_ctx c;
	const awm_pack **packs;
	size_t npacks, i, loose, packed;
	awm_oid head;
	int rc;

	memset(stats, 0, sizeof(*stats));
	memset(&c, 0, sizeof(c));
	c.repo = repo;
	c.stats = stats;
	c.cb = cb;
	c.payload = payload;
	c.progress = progress;
	c.progress_payload = progress_payload;
	awm_odb_refresh(repo->odb);
	awm_odb_count(repo->odb, &loose, &npacks, &packed);
	c.total = loose + packed;
	npacks = awm_odb_packs(repo->odb, &packs);
	for (i = 0; i < npacks; i++) {
		stats->packs++;
		if (awm_pack_verify_checksums(packs[i]) < 0)
			fault(&c, NULL, packs[i]->pack_path, awm_error_last());
	}
	/* The graph is checked against each commit as the object pass parses it. */
	awm_commit_graph_check_file(&c.graph, repo, graph_fault, &c);
	if (c.graph)
		c.graph_seen = awm_calloc(awm_commit_graph_count(c.graph) + 1, 1);
	check_unopened_packs(&c, packs, npacks);
	if ((rc = awm_odb_foreach_record(repo->odb, check_record, &c)) < 0)
		goto done;
	check_links(&c);
	if ((rc = awm_ref_foreach(repo, "refs/", check_ref, &c)) < 0)
		goto done;
	if ((rc = awm_ref_lookup(&head, repo, "HEAD")) == 0)
		check_ref("HEAD", &head, &c);
	else if (rc != AWM_ENOTFOUND)   /* an unborn branch is fine, a damaged HEAD not */
		fault(&c, NULL, "HEAD", awm_error_last());
	check_unreadable_refs(&c, "refs");
	awm_error_clear();
	if ((rc = awm_dbsnapshot_foreach(repo, check_snapshot_entry, &c)) < 0)
		goto done;
	rc = 0;
done:
	awm_oidmap_release(&c.good);
	free(c.links);
	free(c.graph_seen);
	return rc;
}
