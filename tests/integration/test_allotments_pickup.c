/*
 * test_allotments_pickup: POST /v1/allotments/{id}/reservations (pickup)
 * and POST /v1/allotments/{id}/reservations/{reservationId}/cancel (SPEC
 * 2.1, 2.4, 2.7; seed allotment-reservations.fr.txt; docs/allotments.md)
 * through the real stack, the database read directly:
 *  - the 201, the picked counts night by night, the stored row with the
 *    business date the server set; inventory untouched by a pickup;
 *  - every refusal in its order (404, 403, 400 naming field and rule,
 *    409 ALLOTMENT_NOT_BOOKABLE, 409 ALLOTMENT_EXHAUSTED) taking nothing;
 *  - 40 racing pickups on 3 rooms: exactly 3 taken;
 *  - an Idempotency-Key replay and reuse;
 *  - pickup cancel: back to the allotment before cutoff, back to general
 *    inventory once the allotment is cancelled.
 * Every test makes its own scratch establishment (scratch.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "harness.h"
#include "scratch.h"

#define LYON_GUEST	"dddddddd-0000-4000-8000-000000000002"
#define ZONE		"Europe/Paris"

static const char reservation_row_sql[] =
    "SELECT allotment_id, establishment_id, unit_type_id, "
    "DATE_FORMAT(check_in_date, '%Y-%m-%d'), DATE_FORMAT(check_out_date, "
    "'%Y-%m-%d'), quantity, DATE_FORMAT(business_date_at_creation, "
    "'%Y-%m-%d'), status, booker_contact_email FROM allotment_reservations "
    "WHERE id = ?";
static const char n_reservations_sql[] =
    "SELECT COUNT(*) FROM allotment_reservations WHERE allotment_id = ? "
    "AND status = 'active'";
/* A released allotment as the cutoff leaves it (schema/012): its row
   moved and its nights closed (inventory is not this test's concern). */
static const char cutoff_done_sql[] =
    "UPDATE allotments SET cutoff_state = 'done', status = 'released' "
    "WHERE id = ?";
static const char nights_closed_sql[] =
    "UPDATE allotment_nights SET is_open = 0 WHERE allotment_id = ?";

#define SCRATCH(s, ntypes, nunits)					\
	SCRATCH_NEW((s), (ntypes), (nunits), ZONE, TODAY_IN(ZONE), 1)

/* Active pickups of allot; -1 after a failure. */
static long long
n_reservations_at(const char *allot, const char *file, int line)
{
	const char *v = sql_value_at(file, line, n_reservations_sql, 1, allot);

	return v != NULL ? atoll(v) : -1;
}
#define N_RESERVATIONS(a)	n_reservations_at((a), __FILE__, __LINE__)

/* picked of allot on type for each night of [from, until) is want. */
static int
check_picked_at(const char *allot, const char *type, int32_t from,
    int32_t until, long long want, const char *file, int line)
{
	int32_t d;
	int ok = 1;

	for (d = from; d < until; d++) {
		long long got = picked_at(allot, type, d, file, line);

		ok &= check_true(got == want, file, line, "night %s: picked "
		    "%lld, expected %lld", day_s(d), got, want);
	}
	return ok;
}
#define CHECK_PICKED(a, type, from, until, want)			\
	check_picked_at((a), (type), (from), (until), (want), __FILE__, __LINE__)

/*
 * A definite allotment of s on types[0] x qty (and types[1] x qty when s
 * has two), [B+10, B+14), cutoff B+5.
 */
static const char *
definite_at(const struct scratch *s, int qty, const char *file, int line)
{
	return allotment_new_at(s, "allotment", s->business + 10,
	    s->business + 14, s->business + 5, (const int []){ qty, qty },
	    file, line);
}
#define DEFINITE(s, qty)	definite_at((s), (qty), __FILE__, __LINE__)

/*
 * The pickup body with key set to raw (removed when NULL) is refused with
 * a 400 naming only field:rule, and nothing is picked.
 */
static int
pickup_refused_at(const struct scratch *s, const char *allot, cJSON *body,
    const char *key, const char *raw, const char *field, const char *rule,
    const char *file, int line)
{
	int ok;

	if (key != NULL)
		json_set(body, key, raw);
	ok = check_detail_at(pickup_post(allot, s->agent_key, body, NULL),
	    field, rule, 1, file, line);
	if (!ok)
		check_true(0, file, line, "(the body: %s = %s)", key ? key :
		    "-", raw ? raw : "(absent)");
	ok &= check_picked_at(allot, s->types[0], s->business + 10,
	    s->business + 14, 0, file, line);
	ok &= check_true(n_reservations_at(allot, file, line) == 0, file, line,
	    "a refused pickup stored a reservation");
	return ok;
}
/* The base pickup: types[0] x 1 on [B+11, B+13). */
#define BASE_PICKUP(s)	pickup_body((s), 0, (s)->business + 11,		\
	(s)->business + 13, 1)
#define PICKUP_REFUSED(s, a, key, raw, field, rule)			\
	pickup_refused_at((s), (a), BASE_PICKUP(s), (key), (raw), (field), \
	    (rule), __FILE__, __LINE__)

/* ======================================================================== */
/* success                                                                  */
/* ======================================================================== */

TEST(pickup_answers_201_with_reservation_id_counts_picked_and_stores_the_business_date)
{
	struct scratch s;
	const struct db_rows *row;
	const char *a, *rid, *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 2, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	REQUIRE((rid = PICKUP_NEW(&s, a, 0, b + 11, b + 13, 2)) != NULL);
	CHECK_PICKED(a, s.types[0], b + 10, b + 11, 0);
	CHECK_PICKED(a, s.types[0], b + 11, b + 13, 2);
	CHECK_PICKED(a, s.types[0], b + 13, b + 14, 0);
	CHECK_PICKED(a, s.types[1], b + 10, b + 14, 0);
	/* The allotment's rooms were committed already: inventory unchanged. */
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
	row = harness_sql_at(__FILE__, __LINE__, 1, reservation_row_sql, 1,
	    rid);
	REQUIRE(row != NULL && CHECK_INT(1, row->nrows));
	CHECK_STR(a, db_cell(row, 0, 0));
	CHECK_STR(s.est, db_cell(row, 0, 1));
	CHECK_STR(s.types[0], db_cell(row, 0, 2));
	CHECK_STR(day_s(b + 11), db_cell(row, 0, 3));
	CHECK_STR(day_s(b + 13), db_cell(row, 0, 4));
	CHECK_STR("2", db_cell(row, 0, 5));
	CHECK_STR(day_s(b), db_cell(row, 0, 6));
	CHECK_STR("active", db_cell(row, 0, 7));
	CHECK_STR("ce@acme.fr", db_cell(row, 0, 8));
}

TEST(pickup_quantity_defaults_to_1)
{
	struct scratch s;
	const struct db_rows *row;
	const char *a, *rid;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE((rid = PICKUP_NEW(&s, a, 0, b + 10, b + 14, 0)) != NULL);
	CHECK_PICKED(a, s.types[0], b + 10, b + 14, 1);
	row = harness_sql_at(__FILE__, __LINE__, 1, reservation_row_sql, 1,
	    rid);
	REQUIRE(row != NULL && CHECK_INT(1, row->nrows));
	CHECK_STR("1", db_cell(row, 0, 5));
}

TEST(pickup_business_date_at_creation_follows_the_night_audit)
{
	struct scratch s;
	const struct db_rows *row;
	const char *a, *rid;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE(NIGHT_AUDIT(s.est, b + 2));
	REQUIRE((rid = PICKUP_NEW(&s, a, 0, b + 10, b + 12, 1)) != NULL);
	row = harness_sql_at(__FILE__, __LINE__, 1, reservation_row_sql, 1,
	    rid);
	REQUIRE(row != NULL && CHECK_INT(1, row->nrows));
	CHECK_STR(day_s(b + 2), db_cell(row, 0, 6));
}

TEST(pickup_accepts_upper_case_ids_in_the_path_and_the_body)
{
	struct scratch s;
	struct http_response *r;
	const char *a;
	cJSON *body;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	body = BASE_PICKUP(&s);
	json_set(body, "unitTypeId", pool_printf("\"%s\"",
	    pool_upper(s.types[0])));
	json_set(body, "ratePlanId", pool_printf("\"%s\"",
	    pool_upper(s.rate_plan)));
	json_set(body, "guestProfileId", pool_printf("\"%s\"",
	    pool_upper(s.guest)));
	r = pickup_post(pool_upper(a), s.agent_key, body, NULL);
	CHECK_STATUS(r, 201);
	CHECK(is_lower_uuid(jstr(jget(r->json, "data"), "reservationId")));
	CHECK_PICKED(a, s.types[0], b + 11, b + 13, 1);
}

TEST(pickup_by_a_manager_is_accepted_too)
{
	struct scratch s;
	const char *a;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	CHECK_STATUS(pickup_post(a, s.key, BASE_PICKUP(&s), NULL), 201);
	CHECK_PICKED(a, s.types[0], b + 11, b + 13, 1);
}

/* ======================================================================== */
/* validation                                                               */
/* ======================================================================== */

TEST(pickup_with_business_date_at_creation_is_400_server_set)
{
	struct scratch s;
	const char *a;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	PICKUP_REFUSED(&s, a, "businessDateAtCreation", pool_printf("\"%s\"",
	    day_s(s.business)), "businessDateAtCreation", "server_set");
}

TEST(pickup_without_each_required_field_is_400_required)
{
	static const char *const req[] = { "checkInDate", "checkOutDate",
	    "unitTypeId", "ratePlanId", "guestProfileId", "channelType",
	    "segment", "bookerContactName", "bookerContactEmail", NULL };
	const char *const *f;
	struct scratch s;
	const char *a;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	for (f = req; *f != NULL; f++)
		PICKUP_REFUSED(&s, a, *f, NULL, *f, "required");
}

TEST(pickup_dates_reversed_or_outside_the_period_are_400)
{
	struct scratch s;
	const char *a, *ex;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	PICKUP_REFUSED(&s, a, "checkOutDate", pool_printf("\"%s\"",
	    day_s(b + 11)), "checkOutDate", "before_start");
	PICKUP_REFUSED(&s, a, "checkOutDate", pool_printf("\"%s\"",
	    day_s(b + 10)), "checkOutDate", "before_start");
	PICKUP_REFUSED(&s, a, "checkInDate", pool_printf("\"%s\"",
	    day_s(b + 9)), "checkInDate", "out_of_range");
	PICKUP_REFUSED(&s, a, "checkOutDate", pool_printf("\"%s\"",
	    day_s(b + 15)), "checkOutDate", "out_of_range");
	PICKUP_REFUSED(&s, a, "checkInDate", "\"2026-02-30\"", "checkInDate",
	    "bad_date");
	/* The last date of the period is a check-out, not a night. */
	ex = pool_printf("\"%s\"", day_s(b + 14));
	CHECK_STATUS(pickup_post(a, s.agent_key, json_set(BASE_PICKUP(&s),
	    "checkOutDate", ex), NULL), 201);
}

TEST(pickup_check_in_before_the_business_date_is_400_in_past)
{
	struct scratch s;
	const char *a;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	/*
	 * cutoffDate <= periodFrom, so a check-in before the business date is
	 * only possible past the cutoff; the 400 comes before the 409.
	 */
	REQUIRE(NIGHT_AUDIT(s.est, b + 11));
	CHECK_ONLY_DETAIL(pickup_post(a, s.agent_key, pickup_body(&s, 0,
	    b + 10, b + 12, 1), NULL), "checkInDate", "in_past");
	CHECK_PICKED(a, s.types[0], b + 10, b + 12, 0);
	CHECK_INT(0, N_RESERVATIONS(a));
}

TEST(pickup_unit_type_not_allocated_is_400_unknown_reference)
{
	struct scratch s;
	const char *a;
	int32_t b;

	REQUIRE(SCRATCH(&s, 2, 5));
	b = s.business;
	REQUIRE((a = ALLOTMENT_NEW(&s, "allotment", b + 10, b + 14, b + 5, 3,
	    0)) != NULL);
	PICKUP_REFUSED(&s, a, "unitTypeId", pool_printf("\"%s\"", s.types[1]),
	    "unitTypeId", "unknown_reference");
	PICKUP_REFUSED(&s, a, "unitTypeId", "\"" UNIT_TYPE_LYON_DBL "\"",
	    "unitTypeId", "unknown_reference");
	PICKUP_REFUSED(&s, a, "unitTypeId", "\"nope\"", "unitTypeId",
	    "bad_uuid");
}

TEST(pickup_rate_plan_other_than_the_allotments_is_400_mismatch)
{
	struct scratch s;
	const char *a;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	PICKUP_REFUSED(&s, a, "ratePlanId", pool_printf("\"%s\"",
	    fresh_uuid()), "ratePlanId", "mismatch");
}

TEST(pickup_guest_profile_of_another_establishment_is_400_unknown_reference)
{
	struct scratch s;
	const char *a;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	PICKUP_REFUSED(&s, a, "guestProfileId", "\"" LYON_GUEST "\"",
	    "guestProfileId", "unknown_reference");
	PICKUP_REFUSED(&s, a, "guestProfileId", pool_printf("\"%s\"",
	    fresh_uuid()), "guestProfileId", "unknown_reference");
}

TEST(pickup_with_bad_email_strings_quantity_or_unknown_field_is_400)
{
	struct scratch s;
	const char *a;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	PICKUP_REFUSED(&s, a, "bookerContactEmail", "\"ce-acme.fr\"",
	    "bookerContactEmail", "bad_email");
	PICKUP_REFUSED(&s, a, "bookerContactEmail", "\"ce@\"",
	    "bookerContactEmail", "bad_email");
	PICKUP_REFUSED(&s, a, "bookerContactName", "\"\"",
	    "bookerContactName", "too_short");
	PICKUP_REFUSED(&s, a, "quantity", "0", "quantity", "out_of_range");
	PICKUP_REFUSED(&s, a, "quantity", "\"1\"", "quantity", "wrong_type");
	PICKUP_REFUSED(&s, a, "bookerPersonGuestId", "\"x\"",
	    "bookerPersonGuestId", "bad_uuid");
	PICKUP_REFUSED(&s, a, "roomNumber", "\"101\"", "roomNumber",
	    "unknown_field");
}

/* ======================================================================== */
/* who may, which allotment                                                 */
/* ======================================================================== */

TEST(pickup_out_of_scope_is_403_unknown_allotment_404_bad_id_400_no_key_401)
{
	struct scratch s;
	struct http_response *r;
	const char *a;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	CHECK_PMS_ERROR(pickup_post(a, KEY_LYON_MANAGER, BASE_PICKUP(&s),
	    NULL), 403, "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(pickup_post(fresh_uuid(), s.agent_key,
	    BASE_PICKUP(&s), NULL), 404, "ALLOTMENT_NOT_FOUND");
	CHECK_PMS_ERROR(pickup_post(a, NULL, BASE_PICKUP(&s), NULL), 401,
	    "UNAUTHENTICATED");
	r = pickup_post("not-a-uuid", s.agent_key, BASE_PICKUP(&s), NULL);
	CHECK_PMS_ERROR(r, 400, "VALIDATION_FAILED");
	/* 404 comes before 400, 403 before 400. */
	CHECK_PMS_ERROR(pickup_post(fresh_uuid(), s.agent_key, json_set(
	    BASE_PICKUP(&s), "quantity", "0"), NULL), 404,
	    "ALLOTMENT_NOT_FOUND");
	CHECK_PMS_ERROR(pickup_post(a, KEY_LYON_MANAGER, json_set(
	    BASE_PICKUP(&s), "quantity", "0"), NULL), 403, "OUT_OF_SCOPE");
	CHECK_PICKED(a, s.types[0], s.business + 10, s.business + 14, 0);
	CHECK_INT(0, N_RESERVATIONS(a));
}

TEST(pickup_on_a_tentative_is_409_allotment_not_bookable)
{
	struct scratch s;
	const char *a;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = ALLOTMENT_NEW(&s, "tentative", b + 10, b + 14, b + 5,
	    3)) != NULL);
	CHECK_PMS_ERROR(pickup_post(a, s.agent_key, BASE_PICKUP(&s), NULL),
	    409, "ALLOTMENT_NOT_BOOKABLE");
	CHECK_INT(0, N_RESERVATIONS(a));
}

TEST(pickup_on_a_cancelled_allotment_is_409_allotment_not_bookable)
{
	struct scratch s;
	const char *a;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE(CHECK_STATUS(allotment_action(a, "cancel", s.key, NULL), 200));
	CHECK_PMS_ERROR(pickup_post(a, s.agent_key, BASE_PICKUP(&s), NULL),
	    409, "ALLOTMENT_NOT_BOOKABLE");
	CHECK_INT(0, N_RESERVATIONS(a));
}

TEST(pickup_once_the_business_date_reaches_the_cutoff_is_409_allotment_not_bookable)
{
	struct scratch s;
	const char *a;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE(NIGHT_AUDIT(s.est, b + 4));
	CHECK(PICKUP_NEW(&s, a, 0, b + 10, b + 11, 1) != NULL);
	REQUIRE(NIGHT_AUDIT(s.est, b + 5));
	CHECK_PMS_ERROR(pickup_post(a, s.agent_key, BASE_PICKUP(&s), NULL),
	    409, "ALLOTMENT_NOT_BOOKABLE");
	CHECK_PICKED(a, s.types[0], b + 11, b + 13, 0);
	CHECK_INT(1, N_RESERVATIONS(a));
}

TEST(pickup_of_an_allotment_whose_cutoff_is_the_business_date_is_409_allotment_not_bookable)
{
	struct scratch s;
	const char *a;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = ALLOTMENT_NEW(&s, "allotment", b + 10, b + 14, b, 3))
	    != NULL);
	CHECK_PMS_ERROR(pickup_post(a, s.agent_key, BASE_PICKUP(&s), NULL),
	    409, "ALLOTMENT_NOT_BOOKABLE");
	CHECK_INT(0, N_RESERVATIONS(a));
}

/*
 * A worker that has served an allotment keeps its facts and reads nothing
 * before the write (allotment_pickup.c): then the reservation row's own
 * constraints judge the guest, the business date and the cutoff date.
 * Each refusal is sent more times than there are workers, after enough
 * pickups that every worker knows the allotment, and must be the slow
 * path's answer every time, with nothing stored.
 */
static const char business_date_set_sql[] =
    "UPDATE establishments SET business_date = ? WHERE id = ?";
#define EVERY_WORKER 12

TEST(pickup_refusals_are_the_same_once_every_worker_knows_the_allotment)
{
	struct scratch s;
	const char *a;
	int32_t b;
	int i;

	REQUIRE(SCRATCH(&s, 1, 20));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 20)) != NULL);
	for (i = 0; i < EVERY_WORKER; i++)
		REQUIRE(PICKUP_NEW(&s, a, 0, b + 10, b + 11, 1) != NULL);
	for (i = 0; i < EVERY_WORKER; i++)
		CHECK(check_detail_at(pickup_post(a, s.agent_key, json_set(
		    BASE_PICKUP(&s), "guestProfileId", "\"" LYON_GUEST "\""),
		    NULL), "guestProfileId", "unknown_reference", 1, __FILE__,
		    __LINE__));
	/* The cutoff date reached, its job not run yet: nights still open. */
	REQUIRE(harness_sql_at(__FILE__, __LINE__, 0, business_date_set_sql,
	    2, day_s(b + 5), s.est) != NULL);
	for (i = 0; i < EVERY_WORKER; i++)
		CHECK_PMS_ERROR(pickup_post(a, s.agent_key, BASE_PICKUP(&s),
		    NULL), 409, "ALLOTMENT_NOT_BOOKABLE");
	/* Past the cutoff and past the check-in: the 400 comes first. */
	REQUIRE(harness_sql_at(__FILE__, __LINE__, 0, business_date_set_sql,
	    2, day_s(b + 12), s.est) != NULL);
	for (i = 0; i < EVERY_WORKER; i++)
		CHECK(check_detail_at(pickup_post(a, s.agent_key,
		    BASE_PICKUP(&s), NULL), "checkInDate", "in_past", 1,
		    __FILE__, __LINE__));
	CHECK_INT(EVERY_WORKER, N_RESERVATIONS(a));
	CHECK_PICKED(a, s.types[0], b + 10, b + 11, EVERY_WORKER);
	CHECK_PICKED(a, s.types[0], b + 11, b + 14, 0);
}

TEST(pickup_of_a_released_allotment_is_409_allotment_not_bookable)
{
	struct scratch s;
	const char *a;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE(harness_sql_at(__FILE__, __LINE__, 0, cutoff_done_sql, 1, a)
	    != NULL);
	REQUIRE(harness_sql_at(__FILE__, __LINE__, 0, nights_closed_sql, 1, a)
	    != NULL);
	CHECK_PMS_ERROR(pickup_post(a, s.agent_key, BASE_PICKUP(&s), NULL),
	    409, "ALLOTMENT_NOT_BOOKABLE");
	CHECK_INT(0, N_RESERVATIONS(a));
}

/* ======================================================================== */
/* exhaustion                                                               */
/* ======================================================================== */

TEST(pickup_beyond_the_allocation_is_409_allotment_exhausted)
{
	struct scratch s;
	const char *a;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	CHECK_PMS_ERROR(pickup_post(a, s.agent_key, pickup_body(&s, 0, b + 11,
	    b + 13, 4), NULL), 409, "ALLOTMENT_EXHAUSTED");
	REQUIRE(PICKUP_NEW(&s, a, 0, b + 11, b + 13, 3) != NULL);
	CHECK_PMS_ERROR(pickup_post(a, s.agent_key, pickup_body(&s, 0, b + 11,
	    b + 12, 1), NULL), 409, "ALLOTMENT_EXHAUSTED");
	CHECK_PICKED(a, s.types[0], b + 11, b + 13, 3);
	CHECK_INT(1, N_RESERVATIONS(a));
}

TEST(pickup_exhausted_on_one_night_of_several_takes_nothing_on_the_others)
{
	struct scratch s;
	const char *a;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE(PICKUP_NEW(&s, a, 0, b + 12, b + 13, 3) != NULL);
	CHECK_PMS_ERROR(pickup_post(a, s.agent_key, pickup_body(&s, 0, b + 10,
	    b + 14, 1), NULL), 409, "ALLOTMENT_EXHAUSTED");
	CHECK_PICKED(a, s.types[0], b + 10, b + 12, 0);
	CHECK_PICKED(a, s.types[0], b + 12, b + 13, 3);
	CHECK_PICKED(a, s.types[0], b + 13, b + 14, 0);
	CHECK_INT(1, N_RESERVATIONS(a));
	/* The nights around it are still there. */
	CHECK(PICKUP_NEW(&s, a, 0, b + 10, b + 12, 3) != NULL);
}

/* ======================================================================== */
/* concurrency                                                              */
/* ======================================================================== */

#define RACERS 40

struct race {
	const struct scratch *s;
	const char *allot;
};

/* The body of racing client i. */
typedef cJSON *(*racer_body_fn)(const struct scratch *s, int i);

/*
 * RACERS clients, released together, each post its pickup on allot; the
 * answers, as "STATUS CODE" ("201 data"), one line per client in buf.
 */
static void
race_pickups(const struct scratch *s, const char *allot, racer_body_fn body,
    char *buf, size_t cap)
{
	int go[2], res[2], i;
	size_t got = 0;
	pid_t pids[RACERS];
	ssize_t k;

	buf[0] = '\0';
	if (pipe(go) != 0 || pipe(res) != 0) {
		FAIL("pipe: %s", strerror(errno));
		return;
	}
	for (i = 0; i < RACERS; i++) {
		if ((pids[i] = fork()) == 0) {
			struct http_response *r;
			char c, line[64];
			int n;

			close(go[1]);
			close(res[0]);
			harness_forked_child();
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			r = pickup_post(allot, s->agent_key, body(s, i), NULL);
			n = snprintf(line, sizeof(line), "%ld %s\n", r->status,
			    jstr(r->json, "code") ? jstr(r->json, "code") :
			    "data");
			_exit(write(res[1], line, (size_t)n) == n ? 0 : 3);
		}
		CHECKF(pids[i] > 0, "fork: %s", strerror(errno));
	}
	close(go[0]);
	close(res[1]);
	close(go[1]);		/* the barrier: every client reads EOF */
	while (got < cap - 1 && (k = read(res[0], buf + got,
	    cap - 1 - got)) > 0)
		got += (size_t)k;
	buf[got] = '\0';
	close(res[0]);
	for (i = 0; i < RACERS; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
}

/* How many lines of buf are exactly want. */
static int
race_count(const char *buf, const char *want)
{
	const char *p = buf;
	size_t n = strlen(want);
	int count = 0;

	for (; *p != '\0'; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
		if (strncmp(p, want, n) == 0 && p[n] == '\n')
			count++;
	return count;
}

static cJSON *
whole_stay(const struct scratch *s, int i)
{
	(void)i;
	return pickup_body(s, 0, s->business + 10, s->business + 14, 1);
}

TEST(forty_racing_pickups_on_an_allocation_of_3_take_exactly_3)
{
	struct scratch s;
	const char *a;
	char buf[RACERS * 64 + 1];
	int created, exhausted;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	race_pickups(&s, a, whole_stay, buf, sizeof(buf));
	created = race_count(buf, "201 data");
	exhausted = race_count(buf, "409 ALLOTMENT_EXHAUSTED");
	CHECKF(created == 3 && exhausted == RACERS - 3,
	    "%d created, %d ALLOTMENT_EXHAUSTED, expected 3 and %d; the "
	    "answers:\n%s", created, exhausted, RACERS - 3, buf);
	CHECK_PICKED(a, s.types[0], b + 10, b + 14, 3);
	CHECK_INT(3, N_RESERVATIONS(a));
	CHECK_INT(2, AVAILABLE(s.types[0], b + 10));
}

/*
 * Racing client i of the mixed race: every 5th names a guest of another
 * establishment (400), every 7th (not 5th) asks for more rooms than the
 * allocation (409); the others take 1 or 2 rooms of either type for 1 to
 * 3 nights of [B+10, B+14).
 */
static cJSON *
mixed_stay(const struct scratch *s, int i)
{
	int32_t in = s->business + 10 + i % 3;
	cJSON *body = pickup_body(s, i % 2, in, in + 1 + i % 2, 1 + i % 2);

	if (i % 5 == 0)
		json_set(body, "guestProfileId", "\"" LYON_GUEST "\"");
	else if (i % 7 == 0)
		json_set(body, "quantity", "51");
	return body;
}

/* The rooms the accepted clients of mixed_stay take of type t on night d. */
static long long
mixed_taken(const struct scratch *s, int t, int32_t d)
{
	long long rooms = 0;
	int i;

	for (i = 0; i < RACERS; i++) {
		int32_t in = s->business + 10 + i % 3;

		if (i % 5 != 0 && i % 7 != 0 && i % 2 == t && d >= in &&
		    d < in + 1 + i % 2)
			rooms += 1 + i % 2;
	}
	return rooms;
}

/* A worker runs the pickups waiting on its connections as one statement
   (lib/batch.h): each must still be answered as it would be alone. */
TEST(racing_pickups_of_mixed_stays_and_refusals_are_each_answered_as_alone)
{
	struct scratch s;
	const char *a;
	char buf[RACERS * 64 + 1];
	int i, t, accepted = 0, foreign = 0, greedy = 0;
	int32_t b, d;

	REQUIRE(SCRATCH(&s, 2, 30));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 25)) != NULL);
	for (i = 0; i < RACERS; i++)
		if (i % 5 == 0)
			foreign++;
		else if (i % 7 == 0)
			greedy++;
		else
			accepted++;
	race_pickups(&s, a, mixed_stay, buf, sizeof(buf));
	CHECKF(race_count(buf, "201 data") == accepted &&
	    race_count(buf, "400 VALIDATION_FAILED") == foreign &&
	    race_count(buf, "409 ALLOTMENT_EXHAUSTED") == greedy,
	    "expected %d x 201, %d x 400, %d x 409; the answers:\n%s",
	    accepted, foreign, greedy, buf);
	CHECK_INT(accepted, N_RESERVATIONS(a));
	for (t = 0; t < 2; t++)
		for (d = b + 10; d < b + 14; d++)
			CHECK_PICKED(a, s.types[t], d, d + 1,
			    mixed_taken(&s, t, d));
}

/* ======================================================================== */
/* idempotency                                                              */
/* ======================================================================== */

TEST(pickup_replayed_with_the_same_idempotency_key_and_body_answers_the_same_201_once)
{
	struct scratch s;
	struct http_response *r1, *r2;
	const char *a, *idem = pool_printf("itest-pickup-%s", fresh_uuid());
	cJSON *body;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	body = BASE_PICKUP(&s);
	r1 = pickup_post(a, s.agent_key, body, idem);
	REQUIRE(CHECK_STATUS(r1, 201));
	CHECKF(http_header(r1, "Idempotent-Replayed") == NULL,
	    "the first answer says it is replayed");
	r2 = pickup_post(a, s.agent_key, body, idem);
	CHECK_STATUS(r2, 201);
	CHECK_STR("true", http_header(r2, "Idempotent-Replayed"));
	CHECKF(r1->body_len == r2->body_len && memcmp(r1->body, r2->body,
	    r1->body_len) == 0, "the replay differs:\n#     first:  %s\n"
	    "#     second: %s", r1->body, r2->body);
	CHECK_PICKED(a, s.types[0], b + 11, b + 13, 1);
	CHECK_INT(1, N_RESERVATIONS(a));
}

TEST(pickup_with_a_used_idempotency_key_and_another_body_is_409_idempotency_key_reused)
{
	struct scratch s;
	struct http_response *r;
	const char *a, *idem = pool_printf("itest-pickup-%s", fresh_uuid());
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE(CHECK_STATUS(pickup_post(a, s.agent_key, BASE_PICKUP(&s),
	    idem), 201));
	r = pickup_post(a, s.agent_key, pickup_body(&s, 0, b + 10, b + 11, 2),
	    idem);
	CHECK_PMS_ERROR(r, 409, "IDEMPOTENCY_KEY_REUSED");
	CHECK_PICKED(a, s.types[0], b + 10, b + 11, 0);
	CHECK_PICKED(a, s.types[0], b + 11, b + 13, 1);
	CHECK_INT(1, N_RESERVATIONS(a));
}

/* ======================================================================== */
/* pickup cancel                                                            */
/* ======================================================================== */

TEST(pickup_cancel_before_cutoff_answers_200_cancelled_and_gives_the_rooms_back_to_the_allotment)
{
	struct scratch s;
	struct http_response *r;
	const char *a, *rid, *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE((rid = PICKUP_NEW(&s, a, 0, b + 11, b + 13, 2)) != NULL);
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	r = pickup_cancel(a, rid, s.agent_key);
	CHECK_STATUS(r, 200);
	CHECK_JSON_STR(jget(r->json, "data"), "reservationId", rid);
	CHECK_JSON_STR(jget(r->json, "data"), "status", "cancelled");
	CHECK_JSON_NUM(jget(r->json, "data"), "quantity", 2);
	CHECK_PICKED(a, s.types[0], b + 10, b + 14, 0);
	CHECK_INT(0, N_RESERVATIONS(a));
	/* Still the allotment's: committed unchanged. */
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
	/* And bookable again, to the full allocation. */
	CHECK(PICKUP_NEW(&s, a, 0, b + 11, b + 13, 3) != NULL);
}

TEST(pickup_cancel_after_the_allotment_was_cancelled_gives_the_rooms_back_to_inventory)
{
	struct scratch s;
	const char *a, *rid;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE((rid = PICKUP_NEW(&s, a, 0, b + 11, b + 13, 2)) != NULL);
	REQUIRE(CHECK_STATUS(allotment_action(a, "cancel", s.key, NULL), 200));
	CHECK_INT(3, AVAILABLE(s.types[0], b + 11));
	CHECK_INT(5, AVAILABLE(s.types[0], b + 10));
	CHECK_STATUS(pickup_cancel(a, rid, s.agent_key), 200);
	CHECK_PICKED(a, s.types[0], b + 11, b + 13, 0);
	CHECK_INT(5, AVAILABLE(s.types[0], b + 11));
	CHECK_INT(5, AVAILABLE(s.types[0], b + 12));
	CHECK_INT(5, AVAILABLE(s.types[0], b + 10));
}

TEST(pickup_cancel_twice_is_409_already_cancelled_unknown_404_and_changes_nothing)
{
	struct scratch s;
	const char *a, *rid, *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE(PICKUP_NEW(&s, a, 0, b + 10, b + 11, 1) != NULL);
	REQUIRE((rid = PICKUP_NEW(&s, a, 0, b + 11, b + 13, 2)) != NULL);
	REQUIRE(CHECK_STATUS(pickup_cancel(a, rid, s.agent_key), 200));
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	CHECK_PMS_ERROR(pickup_cancel(a, rid, s.agent_key), 409,
	    "RESERVATION_ALREADY_CANCELLED");
	CHECK_PMS_ERROR(pickup_cancel(a, fresh_uuid(), s.agent_key), 404,
	    "RESERVATION_NOT_FOUND");
	CHECK_PMS_ERROR(pickup_cancel(fresh_uuid(), rid, s.agent_key), 404,
	    "ALLOTMENT_NOT_FOUND");
	CHECK_PMS_ERROR(pickup_cancel(a, rid, KEY_LYON_MANAGER), 403,
	    "OUT_OF_SCOPE");
	CHECK_PICKED(a, s.types[0], b + 10, b + 11, 1);
	CHECK_PICKED(a, s.types[0], b + 11, b + 13, 0);
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
}

TEST(pickup_cancel_of_a_stay_that_has_begun_is_409_reservation_not_cancellable)
{
	struct scratch s;
	const char *a, *rid, *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((a = DEFINITE(&s, 3)) != NULL);
	REQUIRE((rid = PICKUP_NEW(&s, a, 0, b + 10, b + 13, 1)) != NULL);
	REQUIRE(NIGHT_AUDIT(s.est, b + 11));
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b + 11, b + 20))
	    != NULL);
	CHECK_PMS_ERROR(pickup_cancel(a, rid, s.agent_key), 409,
	    "RESERVATION_NOT_CANCELLABLE");
	CHECK_INT(1, N_RESERVATIONS(a));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b + 11, b + 20));
}

static const struct test_case tests[] = {
	TEST_ENTRY(pickup_answers_201_with_reservation_id_counts_picked_and_stores_the_business_date),
	TEST_ENTRY(pickup_quantity_defaults_to_1),
	TEST_ENTRY(pickup_business_date_at_creation_follows_the_night_audit),
	TEST_ENTRY(pickup_accepts_upper_case_ids_in_the_path_and_the_body),
	TEST_ENTRY(pickup_by_a_manager_is_accepted_too),
	TEST_ENTRY(pickup_with_business_date_at_creation_is_400_server_set),
	TEST_ENTRY(pickup_without_each_required_field_is_400_required),
	TEST_ENTRY(pickup_dates_reversed_or_outside_the_period_are_400),
	TEST_ENTRY(pickup_check_in_before_the_business_date_is_400_in_past),
	TEST_ENTRY(pickup_unit_type_not_allocated_is_400_unknown_reference),
	TEST_ENTRY(pickup_rate_plan_other_than_the_allotments_is_400_mismatch),
	TEST_ENTRY(pickup_guest_profile_of_another_establishment_is_400_unknown_reference),
	TEST_ENTRY(pickup_with_bad_email_strings_quantity_or_unknown_field_is_400),
	TEST_ENTRY(pickup_out_of_scope_is_403_unknown_allotment_404_bad_id_400_no_key_401),
	TEST_ENTRY(pickup_on_a_tentative_is_409_allotment_not_bookable),
	TEST_ENTRY(pickup_on_a_cancelled_allotment_is_409_allotment_not_bookable),
	TEST_ENTRY(pickup_once_the_business_date_reaches_the_cutoff_is_409_allotment_not_bookable),
	TEST_ENTRY(pickup_of_an_allotment_whose_cutoff_is_the_business_date_is_409_allotment_not_bookable),
	TEST_ENTRY(pickup_refusals_are_the_same_once_every_worker_knows_the_allotment),
	TEST_ENTRY(pickup_of_a_released_allotment_is_409_allotment_not_bookable),
	TEST_ENTRY(pickup_beyond_the_allocation_is_409_allotment_exhausted),
	TEST_ENTRY(pickup_exhausted_on_one_night_of_several_takes_nothing_on_the_others),
	TEST_ENTRY(forty_racing_pickups_on_an_allocation_of_3_take_exactly_3),
	TEST_ENTRY(racing_pickups_of_mixed_stays_and_refusals_are_each_answered_as_alone),
	TEST_ENTRY(pickup_replayed_with_the_same_idempotency_key_and_body_answers_the_same_201_once),
	TEST_ENTRY(pickup_with_a_used_idempotency_key_and_another_body_is_409_idempotency_key_reused),
	TEST_ENTRY(pickup_cancel_before_cutoff_answers_200_cancelled_and_gives_the_rooms_back_to_the_allotment),
	TEST_ENTRY(pickup_cancel_after_the_allotment_was_cancelled_gives_the_rooms_back_to_inventory),
	TEST_ENTRY(pickup_cancel_twice_is_409_already_cancelled_unknown_404_and_changes_nothing),
	TEST_ENTRY(pickup_cancel_of_a_stay_that_has_begun_is_409_reservation_not_cancellable),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
