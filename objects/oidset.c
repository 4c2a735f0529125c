/*
 * The open-addressing id set behind oidset.h.
 */
#include "objects/oidset.h"
#include "core/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t slot_of(const awm_oid *oid, size_t cap)
{
	uint64_t h;

	memcpy(&h, oid->id, sizeof(h));
	return (size_t)(h & (cap - 1));
}

static void insert(awm_oidset *set, const awm_oid *oid)
{
	size_t i = slot_of(oid, set->cap);

	while (set->used[i])
		i = (i + 1) & (set->cap - 1);
	set->used[i] = 1;
	set->slots[i] = *oid;
	set->nr++;
}

static void grow(awm_oidset *set)
{
	awm_oidset old = *set;
	size_t i;

	set->cap = old.cap ? old.cap * 2 : 64;
	set->slots = awm_malloc(set->cap * sizeof(awm_oid));
	set->used = awm_calloc(set->cap, 1);
	set->nr = 0;
	for (i = 0; i < old.cap; i++)
		if (old.used[i])
			insert(set, &old.slots[i]);
	free(old.slots);
	free(old.used);
}

int awm_oidset_contains(const awm_oidset *set, const awm_oid *oid)
{
	size_t i;

	if (!set->cap)
		return 0;
	for (i = slot_of(oid, set->cap); set->used[i]; i = (i + 1) & (set->cap - 1))
		if (awm_oid_equal(&set->slots[i], oid))
			return 1;
	return 0;
}

int awm_oidset_add(awm_oidset *set, const awm_oid *oid)
{
	if (awm_oidset_contains(set, oid))
		return 0;
	if ((set->nr + 1) * 4 > set->cap * 3)
		grow(set);
	insert(set, oid);
	return 1;
}

int awm_oidset_next(const awm_oidset *set, size_t *iter, awm_oid *out)
{
	while (*iter < set->cap) {
		size_t i = (*iter)++;

		if (set->used[i]) {
			*out = set->slots[i];
			return 1;
		}
	}
	return 0;
}

void awm_oidset_release(awm_oidset *set)
{
	free(set->slots);
	free(set->used);
	memset(set, 0, sizeof(*set));
}
