/*
 * Configuration in git-config syntax, read and written through libgit2.
 *
 * Two files are layered: awm.conf at the project root (committed with the
 * project: environments, remotes, the migrations folder) and .awm/config
 * (local settings), which wins where both set a key.
 */
#ifndef AWM_CONFIG_H
#define AWM_CONFIG_H

#include <stdint.h>

#include "core/buf.h"

typedef struct awm_config awm_config;

typedef enum awm_config_file {
	AWM_CONFIG_PROJECT,   /* awm.conf */
	AWM_CONFIG_LOCAL,     /* .awm/config */
} awm_config_file;

int awm_config_open(awm_config **out, const char *project_file, const char *local_file);
void awm_config_free(awm_config *cfg);

/* AWM_ENOTFOUND when the key is unset; other failures set a message. */
int awm_config_get_string(awm_buf *out, awm_config *cfg, const char *key);
int awm_config_get_int(int64_t *out, awm_config *cfg, const char *key);
int awm_config_get_bool(int *out, awm_config *cfg, const char *key);

/* The value, or `def` when unset; never fails. */
void awm_config_string_or(awm_buf *out, awm_config *cfg, const char *key, const char *def);
int64_t awm_config_int_or(awm_config *cfg, const char *key, int64_t def);

int awm_config_set_string(awm_config *cfg, awm_config_file file,
			  const char *key, const char *value);

/* Remove every key of a section such as `env.dev`; AWM_ENOTFOUND if none. */
int awm_config_remove_section(awm_config *cfg, awm_config_file file,
			      const char *section);

/* Call `cb` for each key matching the regular expression, in file order. */
typedef int (*awm_config_cb)(const char *key, const char *value, void *payload);
int awm_config_foreach_match(awm_config *cfg, const char *regex,
			     awm_config_cb cb, void *payload);

#endif
