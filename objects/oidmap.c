/*
 * The id-to-number map behind oidmap.h.
 */
#include "objects/oidmap.h"
#include "core/buf.h"

#include <stdlib.h>
#include <string.h>

static size_t slot_of(const awm_oid *oid, size_t cap)
{
	uint64_t h;

	memcpy(&h, oid->id + 8, sizeof(h));
	return (size_t)(h & (cap - 1));
}

static void insert(awm_oidmap *m, const awm_oid *oid, uint32_t val)
{
	size_t i = slot_of(oid, m->cap);

	while (m->used[i]) {
		if (awm_oid_equal(&m->keys[i], oid)) {
			m->vals[i] = val;
			return;
		}
		i = (i + 1) & (m->cap - 1);
	}
	m->used[i] = 1;
	m->keys[i] = *oid;
	m->vals[i] = val;
	m->nr++;
}

static void grow(awm_oidmap *m)
{
	awm_oidmap old = *m;
	size_t i;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->keys = awm_malloc(m->cap * sizeof(awm_oid));
	m->vals = awm_malloc(m->cap * sizeof(uint32_t));
	m->used = awm_calloc(m->cap, 1);
	m->nr = 0;
	for (i = 0; i < old.cap; i++)
		if (old.used[i])
			insert(m, &old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
	free(old.used);
}

void awm_oidmap_put(awm_oidmap *m, const awm_oid *oid, uint32_t val)
{
	if ((m->nr + 1) * 4 > m->cap * 3)
		grow(m);
	insert(m, oid, val);
}

int awm_oidmap_get(const awm_oidmap *m, const awm_oid *oid, uint32_t *val)
{
	size_t i;

	if (!m->cap)
		return 0;
	for (i = slot_of(oid, m->cap); m->used[i]; i = (i + 1) & (m->cap - 1))
		if (awm_oid_equal(&m->keys[i], oid)) {
			*val = m->vals[i];
			return 1;
		}
	return 0;
}

void awm_oidmap_release(awm_oidmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}
