/*
 * The commit-graph index: every commit reachable from a ref, with its
 * parents, generation number, commit time and subject line, in one mapped
 * file (.awm/objects/info/commit-graph; docs/format.md, "Commit graph").
 *
 * Walks consult it before reading commit objects, which makes `log` over
 * 100k commits a scan of one file.  It is derived data: gc and fast-import
 * rewrite it, fsck checks it against the objects, and deleting it only
 * makes walks slower.
 */
#ifndef AWM_COMMIT_GRAPH_H
#define AWM_COMMIT_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "core/repo.h"
#include "objects/commit.h"
#include "objects/oid.h"

#define AWM_GRAPH_NONE UINT32_MAX

typedef struct awm_commit_graph awm_commit_graph;

/* The repository's graph, opened on first use; NULL when there is none. */
awm_commit_graph *awm_repo_graph(awm_repo *repo);
void awm_commit_graph_free(awm_commit_graph *g);

uint32_t awm_commit_graph_count(const awm_commit_graph *g);

/* Position of a commit, or AWM_GRAPH_NONE. */
uint32_t awm_commit_graph_find(const awm_commit_graph *g, const awm_oid *oid);

void awm_commit_graph_oid(const awm_commit_graph *g, uint32_t pos, awm_oid *out);
int64_t awm_commit_graph_time(const awm_commit_graph *g, uint32_t pos);
uint32_t awm_commit_graph_generation(const awm_commit_graph *g, uint32_t pos);
const char *awm_commit_graph_subject(const awm_commit_graph *g, uint32_t pos);

/*
 * Parent positions of a commit into `out` (up to `max`); returns how many
 * parents it has, which may be more than `max`.
 */
size_t awm_commit_graph_parents(const awm_commit_graph *g, uint32_t pos,
				uint32_t *out, size_t max);

/* Rebuild the graph from every commit reachable from any ref. */
int awm_commit_graph_write(awm_repo *repo, size_t *count);

/* Compare every entry with its commit object; one message per fault. */
typedef void (*awm_graph_fault_cb)(const char *msg, void *payload);
int awm_commit_graph_verify(awm_repo *repo, awm_graph_fault_cb cb, void *payload);

/*
 * The pieces of awm_commit_graph_verify, for a caller that reads every
 * commit anyway (fsck): check the file's layout and checksum, reporting a
 * fault through `cb`, and return the number of faults (0 or 1); `*out` is
 * the graph when it is intact, NULL when there is none or it is damaged.
 */
int awm_commit_graph_check_file(awm_commit_graph **out, awm_repo *repo,
				awm_graph_fault_cb cb, void *payload);

/* 1 when entry `pos` has the parents, time and subject of commit `c`. */
int awm_commit_graph_agrees(const awm_commit_graph *g, uint32_t pos, const awm_commit *c);

/* The message for an entry that disagrees with commit `oid`. */
void awm_commit_graph_disagrees_msg(awm_buf *out, awm_repo *repo, const awm_oid *oid);

#endif
