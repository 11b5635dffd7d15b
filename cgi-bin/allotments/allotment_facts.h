/*
 * allotment_facts: what never changes about an allotment once it is made
 * (its establishment, rate plan, period, cutoff date and allocated unit
 * types), kept by each worker for the last few allotments it served, so
 * a pickup on a known allotment needs no read before its write.  Status,
 * cutoff state and business date change, and are never kept: the
 * pickup's write checks them itself (allotment_pickup.c).
 */
#ifndef ALLOTMENT_FACTS_H
#define ALLOTMENT_FACTS_H

#include <stdint.h>

#include "allotments.h"
#include "uuid.h"

struct db;

struct allotment_facts {
	char id[UUID_STR_LEN + 1];
	char establishment[UUID_STR_LEN + 1];
	char rate_plan[UUID_STR_LEN + 1];
	int32_t period_from, period_to, cutoff;
	char unit_types[ALLOTMENT_MAX_ALLOCATIONS][UUID_STR_LEN + 1];
	int n_unit_types;
};

/* The kept facts of allotment id, or NULL (borrowed until the next
   allotment_facts_keep). */
const struct allotment_facts *allotment_facts_find(const char *id);

/*
 * Keeps f (its unit types read here with db) in place of the oldest kept
 * allotment.  0 or a DB status (nothing kept then).
 */
int allotment_facts_keep(struct db *db, const struct allotment_facts *f);

/* 1 when unit_type_id is one of f's allocations. */
int allotment_facts_allocates(const struct allotment_facts *f,
    const char *unit_type_id);

#endif
