/*
 * Environments: named databases in awm.conf, each with a ref saying which
 * commit it should be at (docs/environments.md).
 *
 *   [env "dev"]
 *       url = sqlite:db/dev.db
 *       lockttl = 10m          optional: how long its lock lasts
 *
 * refs/envs/<name> is where the environment SHOULD be; the awm_state
 * table inside its database says where it IS.
 */
#ifndef AWM_ENV_H
#define AWM_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/repo.h"
#include "objects/oid.h"

typedef struct awm_env {
	char *name;
	char *url;
} awm_env;

void awm_env_release(awm_env *env);

typedef struct awm_envs {
	awm_env *items;          /* in awm.conf order */
	size_t nr, alloc;
} awm_envs;

void awm_envs_release(awm_envs *l);

/* 0 when `name` is [A-Za-z0-9._-]+ and makes a valid ref; AWM_EINVALID. */
int awm_env_name_check(const char *name);

/* The environment `name`; AWM_ENOTFOUND with a hint to add it. */
int awm_env_get(awm_env *out, awm_repo *repo, const char *name);

/*
 * The environment to use when a command names none: $AWM_ENV, else
 * core.defaultEnv, else the only one configured.  AWM_EUSAGE when that
 * leaves a choice or nothing.
 */
int awm_env_default(awm_env *out, awm_repo *repo);

int awm_env_list(awm_envs *out, awm_repo *repo);

/* Add [env "<name>"] url = <url> to awm.conf; AWM_EEXISTS if it is there. */
int awm_env_add(awm_repo *repo, const char *name, const char *url);

/* Remove the section and the ref; the database is left alone. */
int awm_env_remove(awm_repo *repo, const char *name);

/* "refs/envs/<name>" */
void awm_env_refname(awm_buf *out, const char *name);

/* The commit the environment should be at; AWM_ENOTFOUND when unset (no message). */
int awm_env_ref(awm_oid *out, awm_repo *repo, const char *name);

/* Point refs/envs/<name> at `oid` (any commit), logging `why`. */
int awm_env_set(awm_repo *repo, const char *name, const awm_oid *oid, const char *why);

/*
 * Fast-forward `to` to the commit of `from`.  `*out` gets that commit and
 * `*moved` whether the ref changed.  AWM_ENONFASTFORWARD, changing nothing,
 * when `to` is at a commit that is not an ancestor of it.
 */
int awm_env_promote(awm_oid *out, int *moved, awm_repo *repo, const char *from,
		    const char *to);

/* The default lock TTL: 10 minutes. */
#define AWM_LOCK_TTL_DEFAULT_MS (10 * 60 * 1000)

/*
 * The lock TTL for `name`: env.<name>.lockTTL, else lock.ttl, else the
 * default.  Values are seconds, or a number with ms, s, m or h.
 */
int awm_env_lock_ttl(int64_t *out_ms, awm_repo *repo, const char *name);

/* Parse "90", "90s", "500ms", "10m", "1h" into milliseconds; AWM_EINVALID. */
int awm_env_parse_duration(int64_t *out_ms, const char *s);

/*
 * Who holds a lock: "<identity>:<pid>", the identity being $AWM_LOCK_OWNER
 * or "<user>@<host>".
 */
void awm_env_lock_owner(awm_buf *out);

/* The lock every mutating command takes. */
#define AWM_ENV_LOCK_ID "schema-migrate"

#endif
