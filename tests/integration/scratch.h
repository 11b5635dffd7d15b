/*
 * scratch: an establishment of a test's own, so tests share no unit, no
 * night and no allotment, and the demo data stays as seeded.  Made with
 * SQL (establishment, unit types with their units, a rate plan, a guest
 * profile) and the admin tool (API keys; night-audit moves the business
 * date and the horizon).  Everything lives in the harness pool.
 * Each function records a failure itself and returns 0 / NULL / -1 then.
 */
#ifndef PMS_TEST_SCRATCH_H
#define PMS_TEST_SCRATCH_H

#include <stdint.h>

#define SCRATCH_MAX_TYPES 4
#define SCRATCH_MAX_UNITS 56	/* per type */

struct scratch {
	const char *est, *zone;
	const char *types[SCRATCH_MAX_TYPES];	/* ids, ascending */
	int ntypes;
	const char *units[SCRATCH_MAX_TYPES][SCRATCH_MAX_UNITS];
	int nunits[SCRATCH_MAX_TYPES];
	const char *rate_plan, *guest;		/* one of each */
	const char *key;		/* a manager key scoped to est */
	const char *agent_key;		/* an agent key scoped to est */
	int32_t business;		/* its business date */
	int32_t through;		/* business + horizon - 1 */
};

/* YYYY-MM-DD of days since 1970-01-01 (pool). */
const char *day_s(int32_t d);
/* Today in zone, days since 1970-01-01. */
int32_t today_in_at(const char *zone, const char *file, int line);
#define TODAY_IN(zone)		today_in_at((zone), __FILE__, __LINE__)
/* PMS_HORIZON_DAYS as the servers read it (365 when unreadable). */
int horizon_at(const char *file, int line);
#define HORIZON			horizon_at(__FILE__, __LINE__)

/* Inventory rows of est from `from` to from + horizon - 1 (as the first
   write or the night audit makes them).  1 or 0. */
int materialize_at(const char *est, int32_t from, const char *file, int line);
#define MATERIALIZE(est, from)	materialize_at((est), (from), __FILE__, __LINE__)

/* pms-admin night-audit --establishment est --to day.  1 or 0. */
int night_audit_at(const char *est, int32_t to, const char *file, int line);
#define NIGHT_AUDIT(est, to)	night_audit_at((est), (to), __FILE__, __LINE__)

/* A key of role ("agent", "manager") scoped to est, from the admin tool. */
const char *scratch_key_at(const char *est, const char *role,
    const char *file, int line);
#define SCRATCH_KEY(est, role)	scratch_key_at((est), (role), __FILE__, __LINE__)

/*
 * A fresh establishment in zone with business date `business`, ntypes unit
 * types of nunits active units each, a rate plan, a guest profile, and a
 * manager and an agent key scoped to it; inventory rows materialised when
 * materialise is set.  1 or 0.
 */
int scratch_new_at(struct scratch *s, int ntypes, int nunits,
    const char *zone, int32_t business, int materialise, const char *file,
    int line);
#define SCRATCH_NEW(s, ntypes, nunits, zone, business, materialise)	\
	scratch_new_at((s), (ntypes), (nunits), (zone), (business),	\
	    (materialise), __FILE__, __LINE__)

/*
 * Availability of one unit type on [from, until) from inventory_nights,
 * as "total/blocked/committed " per night (pool): compare two snapshots
 * to prove a refusal changed nothing.
 */
const char *inventory_snapshot_at(const char *type, int32_t from,
    int32_t until, const char *file, int line);
#define INVENTORY_SNAPSHOT(type, from, until)				\
	inventory_snapshot_at((type), (from), (until), __FILE__, __LINE__)

/* available (total - blocked - committed) of type on night; -1 when the
   night has no row (a failure is recorded). */
long long available_at(const char *type, int32_t night, const char *file,
    int line);
#define AVAILABLE(type, night)	available_at((type), (night), __FILE__, __LINE__)

#endif
