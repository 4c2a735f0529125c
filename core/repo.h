/*
 * The repository: the .awm folder (objects, refs, logs, caches) and the
 * project root that holds awm.conf and the migrations folder.
 */
#ifndef AWM_REPO_H
#define AWM_REPO_H

#include "core/buf.h"
#include "core/config.h"
#include "objects/odb.h"

/* The layout version in .awm/config; a newer one is refused, not misread. */
#define AWM_FORMAT_VERSION 1

struct awm_packed_refs;
struct awm_commit_graph;

typedef struct awm_repo {
	char *root;                       /* project root (awm.conf lives here) */
	char *dir;                        /* the .awm folder */
	awm_odb *odb;
	awm_config *config;
	struct awm_packed_refs *packed;   /* cache of .awm/packed-refs */
	struct awm_commit_graph *graph;   /* loaded on first walk */
} awm_repo;

/*
 * Open the repository that contains `start` (NULL: the working directory).
 * AWM_DIR names the .awm folder directly; its parent is the project root.
 * AWM_ENOTFOUND, with a message that says to run `awm init`, when there is
 * none.
 */
int awm_repo_open(awm_repo **out, const char *start);

typedef struct awm_init_opts {
	const char *migrations_dir;   /* NULL: "migrations" */
	const char *initial_branch;   /* NULL: "main" */
} awm_init_opts;

/*
 * Create .awm/ in `root`, and awm.conf and the migrations folder when they
 * are missing.  `*reinit` is set when .awm/ already existed (nothing in it is
 * changed then).
 */
int awm_repo_init(awm_repo **out, int *reinit, const char *root,
		  const awm_init_opts *opts);

void awm_repo_free(awm_repo *repo);

/* `out` = <.awm>/<rel>. */
void awm_repo_path(awm_buf *out, const awm_repo *repo, const char *rel);

/* The migrations folder, absolute, and as configured (relative to the root). */
void awm_repo_migrations_dir(awm_buf *out, awm_repo *repo);
void awm_repo_migrations_rel(awm_buf *out, awm_repo *repo);

#endif
