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

#include "harness.h"

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


/* ---- validation answers ------------------------------------------------- */

/*
 * A 400 VALIDATION_FAILED whose details hold {"field": field, "rule":
 * rule} (rule: the machine word of lib/validate.c, e.g. "required"; the
 * "reason" beside it is the localised text).  only: and nothing else.
 */
int check_detail_at(const struct http_response *r, const char *field,
    const char *rule, int only, const char *file, int line);
#define CHECK_DETAIL(r, field, rule)					\
	check_detail_at((r), (field), (rule), 0, __FILE__, __LINE__)
#define CHECK_ONLY_DETAIL(r, field, rule)				\
	check_detail_at((r), (field), (rule), 1, __FILE__, __LINE__)
/* The number of details of r, -1 when it has none. */
int detail_count(const struct http_response *r);

/* ---- allotments (docs/allotments.md) ------------------------------------ */

/*
 * The body of a valid POST /v1/allotments for s (pool): allotmentType
 * type ("allotment", "tentative"), period [from, until), cutoffDate
 * cutoff, unitAllocations of s->types[i] x qty[i] for each qty[i] > 0
 * (qty has s->ntypes items), channel group, EUR, minimumPickupPercent 70,
 * penalty "5000", complimentaryRooms 1, contractualHeadcount 20,
 * invoicingMode master_single, a billingFolioId.
 */
cJSON *allotment_body(const struct scratch *s, const char *type,
    int32_t from, int32_t until, int32_t cutoff, const int *qty);
/* Sets obj[key] to the JSON text raw (checked, then sent exactly as
   written), or removes it when raw is NULL; returns obj. */
cJSON *json_set(cJSON *obj, const char *key, const char *raw);

struct http_response *allotment_post(const char *key, const cJSON *body);
/* POST /v1/allotments/{id}/{action} (confirm, cancel); body may be NULL. */
struct http_response *allotment_action(const char *id, const char *action,
    const char *key, const char *body);
/* A created allotment's id (201, lower-case uuid), or NULL. */
const char *allotment_new_at(const struct scratch *s, const char *type,
    int32_t from, int32_t until, int32_t cutoff, const int *qty,
    const char *file, int line);
#define ALLOTMENT_NEW(s, type, from, until, cutoff, ...)		\
	allotment_new_at((s), (type), (from), (until), (cutoff),	\
	    (const int []){ __VA_ARGS__ }, __FILE__, __LINE__)

/*
 * A valid pickup body for s: s->types[t] on [in, out), quantity q (0: not
 * sent), s's rate plan and guest, group / group / "CE Acme" /
 * "ce@acme.fr" (pool).
 */
cJSON *pickup_body(const struct scratch *s, int t, int32_t in, int32_t out,
    int q);
/* POST /v1/allotments/{id}/reservations; idem: an Idempotency-Key or NULL. */
struct http_response *pickup_post(const char *allot, const char *key,
    const cJSON *body, const char *idem);
/* A pickup's reservationId (201, lower-case uuid), or NULL. */
const char *pickup_new_at(const struct scratch *s, const char *allot, int t,
    int32_t in, int32_t out, int q, const char *file, int line);
#define PICKUP_NEW(s, allot, t, in, out, q)				\
	pickup_new_at((s), (allot), (t), (in), (out), (q), __FILE__, __LINE__)
/* POST /v1/allotments/{id}/reservations/{rid}/cancel. */
struct http_response *pickup_cancel(const char *allot, const char *rid,
    const char *key);

/* allotment_nights.picked of (allot, type, night); -1 when no row. */
long long picked_at(const char *allot, const char *type, int32_t night,
    const char *file, int line);
#define PICKED(allot, type, night)					\
	picked_at((allot), (type), (night), __FILE__, __LINE__)
/* The first cell of a one-value query with n string parameters (pool),
   NULL when there is no row (a failure is recorded when the query fails). */
const char *sql_value_at(const char *file, int line, const char *sql, int n,
    ...);
#define SQL_VALUE(...)		sql_value_at(__FILE__, __LINE__, __VA_ARGS__)

/* ---- long-stay contracts (docs/long-stay-contracts.md) ------------------- */

/* One installment object as JSON text (pool): id, seqNo seq, dueDate due,
   amountCents amount (a digit string), currency. */
const char *installment_json(const char *id, int seq, int32_t due,
    const char *amount, const char *currency);
/*
 * The body of a valid POST /v1/long-stay-contracts for s (pool): s's
 * establishment and guest, periodStart business + 10, periodEnd business
 * + 40, totalAmountCents "300000" EUR, three EUR installments of "100000"
 * (fresh ids, seqNo 1..3, due business + 10, + 20, + 30, sent in that
 * order); no optional field.
 */
cJSON *contract_body(const struct scratch *s);
/* POST /v1/long-stay-contracts; idem: an Idempotency-Key or NULL. */
struct http_response *contract_post(const char *key, const cJSON *body,
    const char *idem);
/* GET /v1/long-stay-contracts/{id} (id sent as given). */
struct http_response *contract_get(const char *id, const char *key);
/* A created contract's contractId (201, lower-case uuid) posted with
   s->key, body NULL meaning contract_body(s); or NULL. */
const char *contract_new_at(const struct scratch *s, const cJSON *body,
    const char *file, int line);
#define CONTRACT_NEW(s, body)	contract_new_at((s), (body), __FILE__, __LINE__)

/* data of a 200 GET of long-stay contract id, or NULL after a failure. */
const cJSON *contract_data_at(const char *id, const char *key,
    const char *file, int line);
#define GET_DATA(id, key)	contract_data_at((id), (key), __FILE__, __LINE__)
/* One installment of a contract's GET as sent, with the JSON types of
   SPEC 2.7. */
int check_installment_at(const cJSON *got, const char *id, int seq,
    int32_t due, const char *amount, const char *currency, const char *file,
    int line);
#define CHECK_INSTALLMENT(got, id, seq, due, amount, cur)		\
	check_installment_at((got), (id), (seq), (due), (amount), (cur),	\
	    __FILE__, __LINE__)

#endif
