/* allotments: the family's handlers, and the helpers its files share. */
#ifndef ALLOTMENTS_H
#define ALLOTMENTS_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct db;
struct db_rows;
struct request;

/* Allocations of one allotment (unitAllocations items). */
#define ALLOTMENT_MAX_ALLOCATIONS 32

/* Handlers (one concern per file). */
int allotment_create(struct request *rq);	/* allotment_create.c */
int allotment_pickup(struct request *rq);	/* allotment_pickup.c */
int allotment_confirm(struct request *rq);	/* allotment_actions.c */
int allotment_cancel(struct request *rq);	/* allotment_actions.c */
int reservation_cancel(struct request *rq);	/* reservation_cancel.c */
int allotment_get(struct request *rq);		/* allotment_get.c */
int allotment_list(struct request *rq);		/* allotment_list.c */
int reservation_list(struct request *rq);	/* reservation_list.c */

/* allotment_json.c: the answers of GET, shared by the actions (SPEC 2.7:
   an action answers the resource as its GET returns it). */

/*
 * The allotment as GET /v1/allotments/{id} returns it (the object inside
 * "data"), read with db (inside the caller's transaction when there is
 * one).  id is the canonical lower-case uuid.  0 and *out (owned:
 * cJSON_Delete); 1 when there is no such allotment (*out NULL); else a
 * negative DB status, or DB_ERR_FAILED when out of memory.
 */
int allotment_json_load(struct db *db, const char *id, cJSON **out);

/*
 * One pickup as GET /v1/allotments/{id}/reservations lists it, by its id
 * and its allotment's.  Same result convention as allotment_json_load.
 */
int reservation_json_load(struct db *db, const char *allotment_id,
    const char *reservation_id, cJSON **out);

/*
 * The columns of an allotment, as its queries select them from their first
 * allotment column on (enum allotment_col): the allotments row `a` and
 * one LEFT JOINed allotment_allocations row `al`, one row per allocation,
 * the rows of one allotment next to each other in `al.position` order.
 */
#define ALLOTMENT_COLUMNS						\
	"a.id, a.establishment_id, a.rate_plan_id, a.channel_type, "	\
	"a.channel_external_id, a.allotment_type, a.currency, "		\
	"DATE_FORMAT(a.period_from, '%Y-%m-%d'), "			\
	"DATE_FORMAT(a.period_to, '%Y-%m-%d'), "			\
	"DATE_FORMAT(a.cutoff_date, '%Y-%m-%d'), a.minimum_pickup_bp, "	\
	"a.penalty_per_room_night_cents, a.complimentary_rooms, "	\
	"a.contractual_headcount, a.invoicing_mode, a.billing_folio_id, " \
	"a.status, a.cutoff_state, a.contracted_room_nights, "		\
	"a.picked_room_nights, a.pickup_bp, a.penalty_cents, "		\
	"al.unit_type_id, al.quantity"
enum allotment_col {
	ALLOTMENT_COL_ID,
	ALLOTMENT_COL_ESTABLISHMENT,
	ALLOTMENT_COL_RATE_PLAN,
	ALLOTMENT_COL_CHANNEL_TYPE,
	ALLOTMENT_COL_CHANNEL_EXTERNAL_ID,
	ALLOTMENT_COL_TYPE,
	ALLOTMENT_COL_CURRENCY,
	ALLOTMENT_COL_PERIOD_FROM,
	ALLOTMENT_COL_PERIOD_TO,
	ALLOTMENT_COL_CUTOFF_DATE,
	ALLOTMENT_COL_MINIMUM_PICKUP_BP,
	ALLOTMENT_COL_PENALTY_CENTS,	/* per room-night */
	ALLOTMENT_COL_COMPLIMENTARY,
	ALLOTMENT_COL_HEADCOUNT,
	ALLOTMENT_COL_INVOICING_MODE,
	ALLOTMENT_COL_BILLING_FOLIO,
	ALLOTMENT_COL_STATUS,
	ALLOTMENT_COL_CUTOFF_STATE,
	ALLOTMENT_COL_CONTRACTED,	/* the cutoff's result, NULL when none */
	ALLOTMENT_COL_PICKED,
	ALLOTMENT_COL_PICKUP_BP,
	ALLOTMENT_COL_RESULT_PENALTY,
	ALLOTMENT_COL_ALLOCATION_TYPE,	/* NULL: no allocation */
	ALLOTMENT_COL_ALLOCATION_QUANTITY,
};

/*
 * The allotment of row first (its columns from col on, as enum
 * allotment_col) with the allocations of the rows that follow it with the
 * same id, without their nights: GET's object minus "nights", as the list
 * answers it.  0, *out (owned: cJSON_Delete) and *next, the row after
 * them; -1 when out of memory (*out NULL).
 */
int allotment_json(const struct db_rows *rows, int first, int col,
    cJSON **out, int *next);

/*
 * The columns of a pickup (enum reservation_col), from the
 * allotment_reservations row `r`.
 */
#define RESERVATION_COLUMNS						\
	"r.id, DATE_FORMAT(r.check_in_date, '%Y-%m-%d'), "		\
	"DATE_FORMAT(r.check_out_date, '%Y-%m-%d'), r.unit_type_id, "	\
	"r.quantity, r.status, r.booker_contact_name, "			\
	"DATE_FORMAT(r.business_date_at_creation, '%Y-%m-%d'), "	\
	"r.rate_plan_id, r.guest_profile_id, r.channel_type, r.segment, " \
	"r.booker_contact_email, r.booker_person_guest_id"
enum reservation_col {
	RESERVATION_COL_ID,
	RESERVATION_COL_CHECK_IN,
	RESERVATION_COL_CHECK_OUT,
	RESERVATION_COL_UNIT_TYPE,
	RESERVATION_COL_QUANTITY,
	RESERVATION_COL_STATUS,
	RESERVATION_COL_BOOKER_NAME,
	RESERVATION_COL_BUSINESS_DATE,
	RESERVATION_COL_RATE_PLAN,
	RESERVATION_COL_GUEST_PROFILE,
	RESERVATION_COL_CHANNEL_TYPE,
	RESERVATION_COL_SEGMENT,
	RESERVATION_COL_BOOKER_EMAIL,
	RESERVATION_COL_BOOKER_GUEST,	/* NULL when none */
};

/*
 * The pickup of row first (columns from col on), as the rooming list
 * shows it; the same convention as allotment_json (*next = first + 1).
 */
int reservation_json(const struct db_rows *rows, int first, int col,
    cJSON **out, int *next);

#endif
