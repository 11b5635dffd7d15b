/*
 * test_allotments_create: POST /v1/allotments, confirm and cancel
 * (SPEC 2.1, 2.2, 2.4, 2.7; seed allotments.fr.txt; docs/allotments.md)
 * through the real stack, the database read directly to prove what the
 * answers claim:
 *  - every validation rule of the create, each in a request of its own,
 *    the 400 naming the field and the rule; several bad fields in one 400;
 *    401, 403 FORBIDDEN (agent), 403 OUT_OF_SCOPE;
 *  - a definite allotment takes `committed` on every night of every
 *    allocated type and nothing else; a tentative takes nothing; a refusal
 *    (409 CAPACITY_SATURATED) changes no night and stores no allotment;
 *  - confirm (tentative to definite, with the capacity check and the
 *    penalty a tentative may lack) and cancel (unpicked room-nights back,
 *    picked ones kept).
 * Every test makes its own scratch establishment (scratch.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "harness.h"
#include "scratch.h"

#define LYON_RATE_PLAN	"cccccccc-0000-4000-8000-000000000002"
#define ZONE		"Europe/Paris"

static const char est_allotments_sql[] =
    "SELECT COUNT(*) FROM allotments WHERE establishment_id = ?";
static const char allotment_row_sql[] =
    "SELECT status, allotment_type, DATE_FORMAT(period_from, '%Y-%m-%d'), "
    "DATE_FORMAT(period_to, '%Y-%m-%d'), DATE_FORMAT(cutoff_date, "
    "'%Y-%m-%d'), minimum_pickup_bp, penalty_per_room_night_cents, "
    "cutoff_state, channel_external_id FROM allotments WHERE id = ?";
static const char allotment_status_sql[] =
    "SELECT status FROM allotments WHERE id = ?";
static const char allotment_penalty_sql[] =
    "SELECT penalty_per_room_night_cents FROM allotments WHERE id = ?";
static const char allotment_bp_sql[] =
    "SELECT minimum_pickup_bp FROM allotments WHERE id = ?";
static const char allocations_sql[] =
    "SELECT unit_type_id, quantity FROM allotment_allocations "
    "WHERE allotment_id = ? ORDER BY position";
static const char nights_sql[] =
    "SELECT COUNT(*), MIN(allocated), MAX(allocated), SUM(picked), "
    "MIN(is_open), DATE_FORMAT(MIN(night), '%Y-%m-%d'), "
    "DATE_FORMAT(MAX(night), '%Y-%m-%d') FROM allotment_nights "
    "WHERE allotment_id = ? AND unit_type_id = ?";

/* A scratch establishment of ntypes types of nunits units, business date
   today in Paris, inventory made. */
#define SCRATCH(s, ntypes, nunits)					\
	SCRATCH_NEW((s), (ntypes), (nunits), ZONE, TODAY_IN(ZONE), 1)

/* How many allotments est has; -1 after a failure. */
static long long
n_allotments_at(const char *est, const char *file, int line)
{
	const char *v = sql_value_at(file, line, est_allotments_sql, 1, est);

	return v != NULL ? atoll(v) : -1;
}
#define N_ALLOTMENTS(est)	n_allotments_at((est), __FILE__, __LINE__)

/* A definite body on types[0] x 2, [B+10, B+13), cutoff B+5. */
static cJSON *
base_body(const struct scratch *s)
{
	return allotment_body(s, "allotment", s->business + 10,
	    s->business + 13, s->business + 5, (const int []){ 2, 0, 0, 0 });
}

/*
 * body with key set to raw (removed when raw is NULL) is refused with a
 * 400 naming only field:rule, and s keeps no allotment.
 */
static int
refused_at(const struct scratch *s, cJSON *body, const char *key,
    const char *raw, const char *field, const char *rule, const char *file,
    int line)
{
	struct http_response *r;
	long long before = n_allotments_at(s->est, file, line);
	int ok;

	if (key != NULL)
		json_set(body, key, raw);
	r = allotment_post(s->key, body);
	ok = check_detail_at(r, field, rule, 1, file, line);
	if (!ok)
		check_true(0, file, line, "(the body: %s = %s)", key ? key :
		    "-", raw ? raw : "(absent)");
	ok &= check_true(n_allotments_at(s->est, file, line) == before, file,
	    line, "a refused create stored an allotment");
	return ok;
}
#define REFUSED(s, key, raw, field, rule)				\
	refused_at((s), base_body(s), (key), (raw), (field), (rule),	\
	    __FILE__, __LINE__)
#define REFUSED_BODY(s, body, field, rule)				\
	refused_at((s), (body), NULL, NULL, (field), (rule), __FILE__, __LINE__)

/* base_body with key set to raw is created (201); its id or NULL. */
static const char *
accepted_at(const struct scratch *s, cJSON *body, const char *key,
    const char *raw, const char *file, int line)
{
	struct http_response *r;
	const char *id;

	if (key != NULL)
		json_set(body, key, raw);
	r = allotment_post(s->key, body);
	id = jstr(jget(r->json, "data"), "allotmentId");
	if (!check_status_at(r, 201, file, line) || !check_true(id != NULL &&
	    is_lower_uuid(id), file, line, "expected data.allotmentId, a "
	    "lower-case uuid: %.300s", r->body)) {
		check_true(0, file, line, "(the body: %s = %s)", key ? key :
		    "-", raw ? raw : "(absent)");
		return NULL;
	}
	return id;
}
#define ACCEPTED(s, key, raw)						\
	accepted_at((s), base_body(s), (key), (raw), __FILE__, __LINE__)
#define ACCEPTED_BODY(s, body)						\
	accepted_at((s), (body), NULL, NULL, __FILE__, __LINE__)

/* AVAILABLE of type on [from, until) equals want on every night. */
static int
check_available_at(const char *type, int32_t from, int32_t until,
    long long want, const char *file, int line)
{
	int32_t d;
	int ok = 1;

	for (d = from; d < until; d++) {
		long long got = available_at(type, d, file, line);

		ok &= check_true(got == want, file, line, "night %s: available "
		    "%lld, expected %lld", day_s(d), got, want);
	}
	return ok;
}
#define CHECK_AVAILABLE(type, from, until, want)			\
	check_available_at((type), (from), (until), (want), __FILE__, __LINE__)

/* ======================================================================== */
/* create: the answer and what is stored                                    */
/* ======================================================================== */

TEST(create_definite_answers_201_with_allotment_id_and_stores_it_as_sent)
{
	struct scratch s;
	const struct db_rows *rows;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH(&s, 2, 5));
	b = s.business;
	REQUIRE((id = ALLOTMENT_NEW(&s, "allotment", b + 10, b + 13, b + 5,
	    2, 3)) != NULL);
	rows = harness_sql_at(__FILE__, __LINE__, 1, allotment_row_sql, 1, id);
	REQUIRE(rows != NULL && rows->nrows == 1);
	CHECK_STR("definite", db_cell(rows, 0, 0));
	CHECK_STR("allotment", db_cell(rows, 0, 1));
	CHECK_STR(day_s(b + 10), db_cell(rows, 0, 2));
	CHECK_STR(day_s(b + 13), db_cell(rows, 0, 3));
	CHECK_STR(day_s(b + 5), db_cell(rows, 0, 4));
	CHECK_STR("7000", db_cell(rows, 0, 5));
	CHECK_STR("5000", db_cell(rows, 0, 6));
	CHECK_STR("armed", db_cell(rows, 0, 7));
	CHECK_STR("itest-group", db_cell(rows, 0, 8));
	rows = harness_sql_at(__FILE__, __LINE__, 1, allocations_sql, 1, id);
	REQUIRE(rows != NULL && CHECK_INT(2, rows->nrows));
	CHECK_STR(s.types[0], db_cell(rows, 0, 0));
	CHECK_STR("2", db_cell(rows, 0, 1));
	CHECK_STR(s.types[1], db_cell(rows, 1, 0));
	CHECK_STR("3", db_cell(rows, 1, 1));
	/* One open night row per type and night, allocated = quantity. */
	rows = harness_sql_at(__FILE__, __LINE__, 1, nights_sql, 2, id,
	    s.types[1]);
	REQUIRE(rows != NULL && rows->nrows == 1);
	CHECK_STR("3", db_cell(rows, 0, 0));
	CHECK_STR("3", db_cell(rows, 0, 1));
	CHECK_STR("3", db_cell(rows, 0, 2));
	CHECK_STR("0", db_cell(rows, 0, 3));
	CHECK_STR("1", db_cell(rows, 0, 4));
	CHECK_STR(day_s(b + 10), db_cell(rows, 0, 5));
	CHECK_STR(day_s(b + 12), db_cell(rows, 0, 6));
}

TEST(create_accepts_upper_case_ids)
{
	struct scratch s;
	cJSON *body;
	char *allocs;

	REQUIRE(SCRATCH(&s, 1, 5));
	body = base_body(&s);
	json_set(body, "establishmentId", pool_printf("\"%s\"",
	    pool_upper(s.est)));
	json_set(body, "ratePlanId", pool_printf("\"%s\"",
	    pool_upper(s.rate_plan)));
	allocs = pool_printf("[{\"unitTypeId\":\"%s\",\"quantity\":2}]",
	    pool_upper(s.types[0]));
	json_set(body, "unitAllocations", allocs);
	REQUIRE(ACCEPTED_BODY(&s, body) != NULL);
	CHECK_AVAILABLE(s.types[0], s.business + 10, s.business + 13, 3);
}

/* ======================================================================== */
/* create: validation, one rule a request                                   */
/* ======================================================================== */

TEST(create_without_each_required_field_is_400_required_naming_it)
{
	static const char *const req[] = { "establishmentId", "ratePlanId",
	    "channelType", "allotmentType", "currency", "periodFrom",
	    "periodTo", "unitAllocations", "cutoffDate",
	    "minimumPickupPercent", NULL };
	const char *const *f;
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 5));
	for (f = req; *f != NULL; f++)
		REFUSED(&s, *f, NULL, *f, "required");
	REFUSED(&s, "ratePlanId", "null", "ratePlanId", "required");
}

TEST(create_with_wrong_json_types_is_400_wrong_type)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "channelType", "5", "channelType", "wrong_type");
	REFUSED(&s, "periodFrom", "20260901", "periodFrom", "wrong_type");
	REFUSED(&s, "minimumPickupPercent", "\"70\"", "minimumPickupPercent",
	    "wrong_type");
	REFUSED(&s, "complimentaryRooms", "\"1\"", "complimentaryRooms",
	    "wrong_type");
	REFUSED(&s, "contractualHeadcount", "1.5", "contractualHeadcount",
	    "wrong_type");
	REFUSED(&s, "unitAllocations", "{}", "unitAllocations", "wrong_type");
	REFUSED(&s, "unitAllocations", pool_printf("[{\"unitTypeId\":\"%s\","
	    "\"quantity\":\"2\"}]", s.types[0]), "unitAllocations[0].quantity",
	    "wrong_type");
	REFUSED(&s, "channelExternalId", "12", "channelExternalId",
	    "wrong_type");
}

TEST(create_with_bad_uuids_is_400_bad_uuid)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "establishmentId", "\"not-a-uuid\"", "establishmentId",
	    "bad_uuid");
	REFUSED(&s, "ratePlanId", "\"1234\"", "ratePlanId", "bad_uuid");
	REFUSED(&s, "billingFolioId", "\"zzzzzzzz-0000-4000-8000-000000000000\"",
	    "billingFolioId", "bad_uuid");
	REFUSED(&s, "unitAllocations", "[{\"unitTypeId\":\"x\",\"quantity\":1}]",
	    "unitAllocations[0].unitTypeId", "bad_uuid");
}

TEST(create_with_an_impossible_date_is_400_bad_date)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "periodFrom", "\"2026-02-30\"", "periodFrom", "bad_date");
	REFUSED(&s, "periodTo", "\"2026-02-30\"", "periodTo", "bad_date");
	REFUSED(&s, "cutoffDate", "\"2026-02-30\"", "cutoffDate", "bad_date");
	REFUSED(&s, "periodFrom", "\"2026-9-01\"", "periodFrom", "bad_date");
}

TEST(create_with_values_outside_the_enums_is_400_not_allowed_value)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "channelType", "\"hotel\"", "channelType",
	    "not_allowed_value");
	REFUSED(&s, "allotmentType", "\"option\"", "allotmentType",
	    "not_allowed_value");
	REFUSED(&s, "currency", "\"USD\"", "currency", "not_allowed_value");
	REFUSED(&s, "currency", "\"eur\"", "currency", "not_allowed_value");
	REFUSED(&s, "invoicingMode", "\"split\"", "invoicingMode",
	    "not_allowed_value");
}

TEST(create_channel_external_id_of_201_chars_is_400_too_long_200_and_null_are_accepted)
{
	struct scratch s;
	char long_id[202];

	REQUIRE(SCRATCH(&s, 1, 20));
	memset(long_id, 'x', sizeof(long_id));
	long_id[201] = '\0';
	REFUSED(&s, "channelExternalId", pool_printf("\"%s\"", long_id),
	    "channelExternalId", "too_long");
	long_id[200] = '\0';
	CHECK(ACCEPTED(&s, "channelExternalId", pool_printf("\"%s\"",
	    long_id)) != NULL);
	CHECK(ACCEPTED(&s, "channelExternalId", "null") != NULL);
	CHECK(ACCEPTED(&s, "channelExternalId", NULL) != NULL);
}

TEST(create_unit_allocations_empty_or_33_items_is_400_too_few_or_too_many_items)
{
	struct scratch s;
	struct http_response *r;
	char *many = pool_strdup("[");
	int i;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "unitAllocations", "[]", "unitAllocations",
	    "too_few_items");
	for (i = 0; i < 33; i++)
		many = pool_printf("%s%s{\"unitTypeId\":\"%s\",\"quantity\":1}",
		    many, i ? "," : "", fresh_uuid());
	many = pool_printf("%s]", many);
	/* Its items are unknown types too: the count is what must be named. */
	r = allotment_post(s.key, json_set(base_body(&s), "unitAllocations",
	    many));
	CHECK_DETAIL(r, "unitAllocations", "too_many_items");
	CHECK_INT(0, N_ALLOTMENTS(s.est));
}

TEST(create_unit_allocation_repeating_a_unit_type_is_400_duplicate_on_the_repeat)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 2, 5));
	REFUSED(&s, "unitAllocations", pool_printf("[{\"unitTypeId\":\"%s\","
	    "\"quantity\":1},{\"unitTypeId\":\"%s\",\"quantity\":2}]",
	    s.types[0], s.types[0]), "unitAllocations[1].unitTypeId",
	    "duplicate");
	/* The same uuid in upper case is the same unit type. */
	REFUSED(&s, "unitAllocations", pool_printf("[{\"unitTypeId\":\"%s\","
	    "\"quantity\":1},{\"unitTypeId\":\"%s\",\"quantity\":1},"
	    "{\"unitTypeId\":\"%s\",\"quantity\":1}]", s.types[0], s.types[1],
	    pool_upper(s.types[0])), "unitAllocations[2].unitTypeId",
	    "duplicate");
}

TEST(create_unit_type_of_another_establishment_or_unknown_is_400_unknown_reference)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "unitAllocations", pool_printf("[{\"unitTypeId\":\"%s\","
	    "\"quantity\":1},{\"unitTypeId\":\"%s\",\"quantity\":1}]",
	    s.types[0], UNIT_TYPE_LYON_DBL), "unitAllocations[1].unitTypeId",
	    "unknown_reference");
	REFUSED(&s, "unitAllocations", pool_printf("[{\"unitTypeId\":\"%s\","
	    "\"quantity\":1}]", fresh_uuid()), "unitAllocations[0].unitTypeId",
	    "unknown_reference");
}

TEST(create_allocation_quantity_0_or_above_100000_is_400_out_of_range)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "unitAllocations", pool_printf("[{\"unitTypeId\":\"%s\","
	    "\"quantity\":0}]", s.types[0]), "unitAllocations[0].quantity",
	    "out_of_range");
	REFUSED(&s, "unitAllocations", pool_printf("[{\"unitTypeId\":\"%s\","
	    "\"quantity\":100001}]", s.types[0]),
	    "unitAllocations[0].quantity", "out_of_range");
	REFUSED(&s, "unitAllocations", pool_printf("[{\"unitTypeId\":\"%s\"}]",
	    s.types[0]), "unitAllocations[0].quantity", "required");
}

TEST(create_rate_plan_of_another_establishment_or_unknown_is_400_unknown_reference)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "ratePlanId", "\"" LYON_RATE_PLAN "\"", "ratePlanId",
	    "unknown_reference");
	REFUSED(&s, "ratePlanId", pool_printf("\"%s\"", fresh_uuid()),
	    "ratePlanId", "unknown_reference");
}

TEST(create_period_to_not_after_period_from_is_400_before_start)
{
	struct scratch s;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REFUSED(&s, "periodTo", pool_printf("\"%s\"", day_s(b + 10)),
	    "periodTo", "before_start");
	REFUSED(&s, "periodTo", pool_printf("\"%s\"", day_s(b + 9)),
	    "periodTo", "before_start");
}

TEST(create_period_to_past_the_horizon_is_400_beyond_horizon_and_at_it_is_accepted)
{
	struct scratch s;
	const char *id;
	int32_t end;

	REQUIRE(SCRATCH(&s, 1, 5));
	end = s.business + HORIZON;	/* the first date no longer covered */
	REFUSED(&s, "periodTo", pool_printf("\"%s\"", day_s(end + 1)),
	    "periodTo", "beyond_horizon");
	REQUIRE((id = ACCEPTED(&s, "periodTo", pool_printf("\"%s\"",
	    day_s(end)))) != NULL);
	/* Its last night is the last of the horizon, taken too. */
	CHECK_AVAILABLE(s.types[0], end - 1, end, 3);
	CHECK_AVAILABLE(s.types[0], s.business + 10, s.business + 11, 3);
}

TEST(create_cutoff_after_period_from_is_400_out_of_range_before_the_business_date_in_past)
{
	struct scratch s;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 20));
	b = s.business;
	REFUSED(&s, "cutoffDate", pool_printf("\"%s\"", day_s(b + 11)),
	    "cutoffDate", "out_of_range");
	REFUSED(&s, "cutoffDate", pool_printf("\"%s\"", day_s(b - 1)),
	    "cutoffDate", "in_past");
	/* The edges: the business date, and periodFrom itself. */
	CHECK(ACCEPTED(&s, "cutoffDate", pool_printf("\"%s\"", day_s(b)))
	    != NULL);
	CHECK(ACCEPTED(&s, "cutoffDate", pool_printf("\"%s\"", day_s(b + 10)))
	    != NULL);
}

TEST(create_minimum_pickup_percent_out_of_0_100_or_with_3_decimals_is_400_two_decimals_kept)
{
	struct scratch s;
	const char *id;

	REQUIRE(SCRATCH(&s, 1, 20));
	REFUSED(&s, "minimumPickupPercent", "101", "minimumPickupPercent",
	    "out_of_range");
	REFUSED(&s, "minimumPickupPercent", "-1", "minimumPickupPercent",
	    "out_of_range");
	REFUSED(&s, "minimumPickupPercent", "70.555", "minimumPickupPercent",
	    "too_precise");
	REQUIRE((id = ACCEPTED(&s, "minimumPickupPercent", "70.5")) != NULL);
	CHECK_STR("7050", SQL_VALUE(allotment_bp_sql, 1, id));
	REQUIRE((id = ACCEPTED(&s, "minimumPickupPercent", "0.07")) != NULL);
	CHECK_STR("7", SQL_VALUE(allotment_bp_sql, 1, id));
	REQUIRE((id = ACCEPTED(&s, "minimumPickupPercent", "100")) != NULL);
	CHECK_STR("10000", SQL_VALUE(allotment_bp_sql, 1, id));
}

TEST(create_penalty_is_required_for_an_allotment_and_optional_for_a_tentative)
{
	struct scratch s;
	cJSON *t;
	const char *id;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "penaltyPerRoomNightCents", NULL,
	    "penaltyPerRoomNightCents", "required");
	REFUSED(&s, "penaltyPerRoomNightCents", "null",
	    "penaltyPerRoomNightCents", "required");
	t = json_set(json_set(base_body(&s), "allotmentType",
	    "\"tentative\""), "penaltyPerRoomNightCents", NULL);
	REQUIRE((id = ACCEPTED_BODY(&s, t)) != NULL);
	CHECK(SQL_VALUE(allotment_penalty_sql, 1, id) == NULL);
	CHECK_STR("tentative", SQL_VALUE(allotment_status_sql, 1, id));
	t = json_set(json_set(base_body(&s), "allotmentType",
	    "\"tentative\""), "penaltyPerRoomNightCents", "null");
	CHECK(ACCEPTED_BODY(&s, t) != NULL);
}

TEST(create_penalty_as_digit_string_or_safe_integer_is_stored_in_cents)
{
	struct scratch s;
	const char *id;
	cJSON *one;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((id = ACCEPTED(&s, "penaltyPerRoomNightCents", "\"5000\""))
	    != NULL);
	CHECK_STR("5000", SQL_VALUE(allotment_penalty_sql, 1, id));
	REQUIRE((id = ACCEPTED(&s, "penaltyPerRoomNightCents", "5000"))
	    != NULL);
	CHECK_STR("5000", SQL_VALUE(allotment_penalty_sql, 1, id));
	/* 2^53-1 on one room-night: the largest penalty still fits. */
	one = allotment_body(&s, "allotment", s.business + 20,
	    s.business + 21, s.business + 5, (const int []){ 1 });
	json_set(one, "penaltyPerRoomNightCents", "9007199254740991");
	REQUIRE((id = ACCEPTED_BODY(&s, one)) != NULL);
	CHECK_STR("9007199254740991", SQL_VALUE(allotment_penalty_sql, 1, id));
	one = allotment_body(&s, "allotment", s.business + 21,
	    s.business + 22, s.business + 5, (const int []){ 1 });
	json_set(one, "penaltyPerRoomNightCents", "\"999999999999999999\"");
	REQUIRE((id = ACCEPTED_BODY(&s, one)) != NULL);
	CHECK_STR("999999999999999999", SQL_VALUE(allotment_penalty_sql, 1,
	    id));
}

TEST(create_penalty_not_in_cents_is_400_bad_cents)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "penaltyPerRoomNightCents", "9007199254740992",
	    "penaltyPerRoomNightCents", "bad_cents");
	REFUSED(&s, "penaltyPerRoomNightCents", "\"-1\"",
	    "penaltyPerRoomNightCents", "bad_cents");
	REFUSED(&s, "penaltyPerRoomNightCents", "-1",
	    "penaltyPerRoomNightCents", "bad_cents");
	REFUSED(&s, "penaltyPerRoomNightCents", "\"1.5\"",
	    "penaltyPerRoomNightCents", "bad_cents");
	REFUSED(&s, "penaltyPerRoomNightCents", "1.5",
	    "penaltyPerRoomNightCents", "bad_cents");
	REFUSED(&s, "penaltyPerRoomNightCents", "\"1234567890123456789\"",
	    "penaltyPerRoomNightCents", "bad_cents");
	REFUSED(&s, "penaltyPerRoomNightCents", "\"\"",
	    "penaltyPerRoomNightCents", "bad_cents");
}

TEST(create_penalty_whose_contract_total_passes_18_digits_is_400_out_of_range)
{
	struct scratch s;
	cJSON *b;

	REQUIRE(SCRATCH(&s, 1, 5));
	/* 2 rooms x 60 nights x (2^53-1) > 10^18 - 1. */
	b = allotment_body(&s, "allotment", s.business + 10, s.business + 70,
	    s.business + 5, (const int []){ 2 });
	json_set(b, "penaltyPerRoomNightCents", "9007199254740991");
	REFUSED_BODY(&s, b, "penaltyPerRoomNightCents", "out_of_range");
	/* 2 room-nights x 999999999999999999. */
	b = allotment_body(&s, "allotment", s.business + 20, s.business + 22,
	    s.business + 5, (const int []){ 1 });
	json_set(b, "penaltyPerRoomNightCents", "\"999999999999999999\"");
	REFUSED_BODY(&s, b, "penaltyPerRoomNightCents", "out_of_range");
}

TEST(create_complimentary_rooms_below_0_or_headcount_below_1_is_400_out_of_range)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 20));
	REFUSED(&s, "complimentaryRooms", "-1", "complimentaryRooms",
	    "out_of_range");
	REFUSED(&s, "contractualHeadcount", "0", "contractualHeadcount",
	    "out_of_range");
	CHECK(ACCEPTED(&s, "complimentaryRooms", "0") != NULL);
	CHECK(ACCEPTED(&s, "contractualHeadcount", "null") != NULL);
	CHECK(ACCEPTED(&s, "invoicingMode", "null") != NULL);
}

TEST(create_with_an_unknown_field_is_400_unknown_field)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 5));
	REFUSED(&s, "status", "\"definite\"", "status", "unknown_field");
	REFUSED(&s, "rooms", "3", "rooms", "unknown_field");
}

TEST(create_with_several_bad_fields_lists_every_one_in_one_400)
{
	struct scratch s;
	struct http_response *r;
	cJSON *b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = base_body(&s);
	json_set(b, "channelType", "\"hotel\"");
	json_set(b, "currency", "\"USD\"");
	json_set(b, "periodFrom", "\"2026-02-30\"");
	json_set(b, "unitAllocations", "[]");
	json_set(b, "minimumPickupPercent", "101");
	json_set(b, "penaltyPerRoomNightCents", "\"1.5\"");
	json_set(b, "complimentaryRooms", "-1");
	json_set(b, "nights", "3");
	r = allotment_post(s.key, b);
	CHECK_DETAIL(r, "channelType", "not_allowed_value");
	CHECK_DETAIL(r, "currency", "not_allowed_value");
	CHECK_DETAIL(r, "periodFrom", "bad_date");
	CHECK_DETAIL(r, "unitAllocations", "too_few_items");
	CHECK_DETAIL(r, "minimumPickupPercent", "out_of_range");
	CHECK_DETAIL(r, "penaltyPerRoomNightCents", "bad_cents");
	CHECK_DETAIL(r, "complimentaryRooms", "out_of_range");
	CHECK_DETAIL(r, "nights", "unknown_field");
	CHECK_INT(8, detail_count(r));
	CHECK_INT(0, N_ALLOTMENTS(s.est));
}

/* ======================================================================== */
/* create: who may                                                          */
/* ======================================================================== */

TEST(create_without_a_key_is_401_by_an_agent_403_forbidden_and_takes_nothing)
{
	struct scratch s;
	const char *before;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], s.business,
	    s.business + 20)) != NULL);
	CHECK_PMS_ERROR(allotment_post(NULL, base_body(&s)), 401,
	    "UNAUTHENTICATED");
	CHECK_PMS_ERROR(allotment_post("itest-no-such-key-0123456789abcdef01",
	    base_body(&s)), 401, "UNAUTHENTICATED");
	CHECK_PMS_ERROR(allotment_post(s.agent_key, base_body(&s)), 403,
	    "FORBIDDEN");
	CHECK_INT(0, N_ALLOTMENTS(s.est));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], s.business,
	    s.business + 20));
}

TEST(create_for_an_establishment_outside_the_key_scope_is_403_out_of_scope_even_with_bad_fields)
{
	struct scratch s;
	const char *before;

	REQUIRE(SCRATCH(&s, 1, 5));
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], s.business,
	    s.business + 20)) != NULL);
	CHECK_PMS_ERROR(allotment_post(KEY_LYON_MANAGER, base_body(&s)), 403,
	    "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(allotment_post(KEY_LYON_MANAGER, json_set(base_body(&s),
	    "currency", "\"USD\"")), 403, "OUT_OF_SCOPE");
	CHECK_INT(0, N_ALLOTMENTS(s.est));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], s.business,
	    s.business + 20));
}

/* ======================================================================== */
/* create: inventory                                                        */
/* ======================================================================== */

TEST(definite_allotment_takes_committed_on_every_night_of_every_allocated_type_only)
{
	struct scratch s;
	int32_t b;

	REQUIRE(SCRATCH(&s, 3, 5));
	b = s.business;
	CHECK_AVAILABLE(s.types[0], b + 9, b + 14, 5);
	CHECK_AVAILABLE(s.types[1], b + 9, b + 14, 5);
	REQUIRE(ALLOTMENT_NEW(&s, "allotment", b + 10, b + 13, b + 5, 2, 3, 0)
	    != NULL);
	CHECK_AVAILABLE(s.types[0], b + 10, b + 13, 3);
	CHECK_AVAILABLE(s.types[1], b + 10, b + 13, 2);
	/* The nights around the period and the type not allocated: untouched. */
	CHECK_AVAILABLE(s.types[0], b + 9, b + 10, 5);
	CHECK_AVAILABLE(s.types[0], b + 13, b + 14, 5);
	CHECK_AVAILABLE(s.types[1], b + 9, b + 10, 5);
	CHECK_AVAILABLE(s.types[1], b + 13, b + 14, 5);
	CHECK_AVAILABLE(s.types[2], b + 9, b + 14, 5);
}

TEST(definite_allotments_add_up_and_may_take_every_room)
{
	struct scratch s;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE(ALLOTMENT_NEW(&s, "allotment", b + 10, b + 13, b + 5, 2)
	    != NULL);
	REQUIRE(ALLOTMENT_NEW(&s, "allotment", b + 11, b + 12, b + 5, 3)
	    != NULL);
	CHECK_AVAILABLE(s.types[0], b + 10, b + 11, 3);
	CHECK_AVAILABLE(s.types[0], b + 11, b + 12, 0);
	CHECK_AVAILABLE(s.types[0], b + 12, b + 13, 3);
}

TEST(tentative_takes_no_inventory)
{
	struct scratch s;
	const char *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	REQUIRE(ALLOTMENT_NEW(&s, "tentative", b + 10, b + 13, b + 5, 5)
	    != NULL);
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
	/* Even more than the rooms there are. */
	REQUIRE(ALLOTMENT_NEW(&s, "tentative", b + 10, b + 13, b + 5, 50)
	    != NULL);
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
}

TEST(definite_allotment_short_of_one_room_on_one_night_of_one_type_is_409_capacity_saturated_and_takes_nothing)
{
	struct scratch s;
	const char *b0, *b1;
	struct http_response *r;
	int32_t b;

	REQUIRE(SCRATCH(&s, 2, 5));
	b = s.business;
	/* Another allotment leaves 1 room of type 1 on night b+11 only. */
	REQUIRE(ALLOTMENT_NEW(&s, "allotment", b + 11, b + 12, b + 5, 0, 4)
	    != NULL);
	REQUIRE((b0 = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	REQUIRE((b1 = INVENTORY_SNAPSHOT(s.types[1], b, b + 20)) != NULL);
	r = allotment_post(s.key, allotment_body(&s, "allotment", b + 10,
	    b + 13, b + 5, (const int []){ 2, 2 }));
	CHECK_PMS_ERROR(r, 409, "CAPACITY_SATURATED");
	CHECK_STR(b0, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
	CHECK_STR(b1, INVENTORY_SNAPSHOT(s.types[1], b, b + 20));
	CHECK_INT(1, N_ALLOTMENTS(s.est));
	/* Exactly what is left is still accepted. */
	CHECK(ALLOTMENT_NEW(&s, "allotment", b + 10, b + 13, b + 5, 2, 1)
	    != NULL);
	CHECK_AVAILABLE(s.types[1], b + 11, b + 12, 0);
}

TEST(definite_allotment_on_units_blocked_out_of_order_is_409_capacity_saturated)
{
	static const char block_sql[] =
	    "UPDATE inventory_nights SET blocked = total - 1 "
	    "WHERE unit_type_id = ? AND night = ?";
	struct scratch s;
	const char *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE(harness_sql_at(__FILE__, __LINE__, 0, block_sql, 2,
	    s.types[0], day_s(b + 12)) != NULL);
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	CHECK_PMS_ERROR(allotment_post(s.key, base_body(&s)), 409,
	    "CAPACITY_SATURATED");
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
	CHECK_INT(0, N_ALLOTMENTS(s.est));
}

/* ======================================================================== */
/* confirm                                                                  */
/* ======================================================================== */

TEST(confirm_of_a_tentative_answers_200_definite_and_takes_the_inventory)
{
	struct scratch s;
	struct http_response *r;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH(&s, 2, 5));
	b = s.business;
	REQUIRE((id = ALLOTMENT_NEW(&s, "tentative", b + 10, b + 13, b + 5,
	    2, 1)) != NULL);
	CHECK_AVAILABLE(s.types[0], b + 10, b + 13, 5);
	r = allotment_action(id, "confirm", s.key, NULL);
	CHECK_STATUS(r, 200);
	CHECK_JSON_STR(jget(r->json, "data"), "id", id);
	CHECK_JSON_STR(jget(r->json, "data"), "status", "definite");
	CHECK_JSON_STR(jget(r->json, "data"), "allotmentType", "allotment");
	CHECK_STR("definite", SQL_VALUE(allotment_status_sql, 1, id));
	CHECK_AVAILABLE(s.types[0], b + 10, b + 13, 3);
	CHECK_AVAILABLE(s.types[1], b + 10, b + 13, 4);
	CHECK_AVAILABLE(s.types[0], b + 13, b + 14, 5);
	/* Now bookable. */
	CHECK(PICKUP_NEW(&s, id, 0, b + 10, b + 12, 1) != NULL);
}

TEST(confirm_without_room_is_409_capacity_saturated_still_tentative_and_takes_nothing)
{
	struct scratch s;
	const char *id, *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((id = ALLOTMENT_NEW(&s, "tentative", b + 10, b + 13, b + 5,
	    3)) != NULL);
	REQUIRE(ALLOTMENT_NEW(&s, "allotment", b + 12, b + 13, b + 5, 3)
	    != NULL);
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	CHECK_PMS_ERROR(allotment_action(id, "confirm", s.key, NULL), 409,
	    "CAPACITY_SATURATED");
	CHECK_STR("tentative", SQL_VALUE(allotment_status_sql, 1, id));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
}

TEST(confirm_of_a_definite_or_cancelled_allotment_is_409_allotment_state_conflict)
{
	struct scratch s;
	const char *id, *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((id = ALLOTMENT_NEW(&s, "allotment", b + 10, b + 13, b + 5,
	    2)) != NULL);
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	CHECK_PMS_ERROR(allotment_action(id, "confirm", s.key, NULL), 409,
	    "ALLOTMENT_STATE_CONFLICT");
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
	REQUIRE((id = ALLOTMENT_NEW(&s, "tentative", b + 10, b + 13, b + 5,
	    2)) != NULL);
	REQUIRE(CHECK_STATUS(allotment_action(id, "cancel", s.key, NULL),
	    200));
	CHECK_PMS_ERROR(allotment_action(id, "confirm", s.key, NULL), 409,
	    "ALLOTMENT_STATE_CONFLICT");
	CHECK_STR("cancelled", SQL_VALUE(allotment_status_sql, 1, id));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
}

TEST(confirm_of_a_tentative_without_penalty_requires_one_in_the_body)
{
	struct scratch s;
	struct http_response *r;
	const char *id, *before;
	cJSON *t;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	t = json_set(allotment_body(&s, "tentative", b + 10, b + 13, b + 5,
	    (const int []){ 2 }), "penaltyPerRoomNightCents", NULL);
	REQUIRE((id = ACCEPTED_BODY(&s, t)) != NULL);
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	r = allotment_action(id, "confirm", s.key, NULL);
	CHECK_ONLY_DETAIL(r, "penaltyPerRoomNightCents", "required");
	r = allotment_action(id, "confirm", s.key, "{}");
	CHECK_ONLY_DETAIL(r, "penaltyPerRoomNightCents", "required");
	r = allotment_action(id, "confirm", s.key,
	    "{\"penaltyPerRoomNightCents\":\"1.5\"}");
	CHECK_ONLY_DETAIL(r, "penaltyPerRoomNightCents", "bad_cents");
	CHECK_STR("tentative", SQL_VALUE(allotment_status_sql, 1, id));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
	r = allotment_action(id, "confirm", s.key,
	    "{\"penaltyPerRoomNightCents\":\"100\"}");
	CHECK_STATUS(r, 200);
	CHECK_JSON_STR(jget(r->json, "data"), "status", "definite");
	CHECK_JSON_STR(jget(r->json, "data"), "penaltyPerRoomNightCents",
	    "100");
	CHECK_STR("100", SQL_VALUE(allotment_penalty_sql, 1, id));
	CHECK_AVAILABLE(s.types[0], b + 10, b + 13, 3);
}

TEST(confirm_by_an_agent_is_403_out_of_scope_403_unknown_404)
{
	struct scratch s;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((id = ALLOTMENT_NEW(&s, "tentative", b + 10, b + 13, b + 5,
	    2)) != NULL);
	CHECK_PMS_ERROR(allotment_action(id, "confirm", s.agent_key, NULL),
	    403, "FORBIDDEN");
	CHECK_PMS_ERROR(allotment_action(id, "confirm", KEY_LYON_MANAGER,
	    NULL), 403, "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(allotment_action(fresh_uuid(), "confirm", s.key,
	    NULL), 404, "ALLOTMENT_NOT_FOUND");
	CHECK_STR("tentative", SQL_VALUE(allotment_status_sql, 1, id));
	CHECK_AVAILABLE(s.types[0], b + 10, b + 13, 5);
}

/* ======================================================================== */
/* cancel                                                                   */
/* ======================================================================== */

TEST(cancel_of_a_definite_with_pickups_frees_the_unpicked_room_nights_and_keeps_the_picked)
{
	struct scratch s;
	struct http_response *r;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH(&s, 2, 5));
	b = s.business;
	REQUIRE((id = ALLOTMENT_NEW(&s, "allotment", b + 10, b + 13, b + 5,
	    3, 2)) != NULL);
	REQUIRE(PICKUP_NEW(&s, id, 0, b + 10, b + 12, 1) != NULL);
	REQUIRE(PICKUP_NEW(&s, id, 0, b + 10, b + 11, 1) != NULL);
	CHECK_AVAILABLE(s.types[0], b + 10, b + 13, 2);
	r = allotment_action(id, "cancel", s.key, NULL);
	CHECK_STATUS(r, 200);
	CHECK_JSON_STR(jget(r->json, "data"), "id", id);
	CHECK_JSON_STR(jget(r->json, "data"), "status", "cancelled");
	CHECK_STR("cancelled", SQL_VALUE(allotment_status_sql, 1, id));
	/* Type 0: picked 2, 1, 0 on the three nights stay committed. */
	CHECK_AVAILABLE(s.types[0], b + 10, b + 11, 3);
	CHECK_AVAILABLE(s.types[0], b + 11, b + 12, 4);
	CHECK_AVAILABLE(s.types[0], b + 12, b + 13, 5);
	/* Type 1: nothing picked, all back. */
	CHECK_AVAILABLE(s.types[1], b + 10, b + 13, 5);
	CHECK_PMS_ERROR(pickup_post(id, s.agent_key, pickup_body(&s, 0,
	    b + 12, b + 13, 1), NULL), 409, "ALLOTMENT_NOT_BOOKABLE");
	CHECK_INT(0, PICKED(id, s.types[0], b + 12));
}

TEST(cancel_of_a_tentative_answers_200_cancelled_and_changes_no_night)
{
	struct scratch s;
	struct http_response *r;
	const char *id, *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	REQUIRE((id = ALLOTMENT_NEW(&s, "tentative", b + 10, b + 13, b + 5,
	    3)) != NULL);
	r = allotment_action(id, "cancel", s.key, NULL);
	CHECK_STATUS(r, 200);
	CHECK_JSON_STR(jget(r->json, "data"), "status", "cancelled");
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
}

TEST(cancel_twice_is_409_allotment_state_conflict_and_frees_nothing_more)
{
	struct scratch s;
	const char *id, *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((id = ALLOTMENT_NEW(&s, "allotment", b + 10, b + 13, b + 5,
	    3)) != NULL);
	REQUIRE(PICKUP_NEW(&s, id, 0, b + 10, b + 13, 2) != NULL);
	REQUIRE(CHECK_STATUS(allotment_action(id, "cancel", s.key, NULL),
	    200));
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 20)) != NULL);
	CHECK_AVAILABLE(s.types[0], b + 10, b + 13, 3);
	CHECK_PMS_ERROR(allotment_action(id, "cancel", s.key, NULL), 409,
	    "ALLOTMENT_STATE_CONFLICT");
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 20));
}

TEST(cancel_by_an_agent_is_403_out_of_scope_403_unknown_404_and_frees_nothing)
{
	struct scratch s;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	REQUIRE((id = ALLOTMENT_NEW(&s, "allotment", b + 10, b + 13, b + 5,
	    3)) != NULL);
	CHECK_PMS_ERROR(allotment_action(id, "cancel", s.agent_key, NULL),
	    403, "FORBIDDEN");
	CHECK_PMS_ERROR(allotment_action(id, "cancel", KEY_LYON_MANAGER, NULL),
	    403, "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(allotment_action(id, "cancel", NULL, NULL), 401,
	    "UNAUTHENTICATED");
	CHECK_PMS_ERROR(allotment_action(fresh_uuid(), "cancel", s.key, NULL),
	    404, "ALLOTMENT_NOT_FOUND");
	CHECK_STR("definite", SQL_VALUE(allotment_status_sql, 1, id));
	CHECK_AVAILABLE(s.types[0], b + 10, b + 13, 2);
}

static const struct test_case tests[] = {
	TEST_ENTRY(create_definite_answers_201_with_allotment_id_and_stores_it_as_sent),
	TEST_ENTRY(create_accepts_upper_case_ids),
	TEST_ENTRY(create_without_each_required_field_is_400_required_naming_it),
	TEST_ENTRY(create_with_wrong_json_types_is_400_wrong_type),
	TEST_ENTRY(create_with_bad_uuids_is_400_bad_uuid),
	TEST_ENTRY(create_with_an_impossible_date_is_400_bad_date),
	TEST_ENTRY(create_with_values_outside_the_enums_is_400_not_allowed_value),
	TEST_ENTRY(create_channel_external_id_of_201_chars_is_400_too_long_200_and_null_are_accepted),
	TEST_ENTRY(create_unit_allocations_empty_or_33_items_is_400_too_few_or_too_many_items),
	TEST_ENTRY(create_unit_allocation_repeating_a_unit_type_is_400_duplicate_on_the_repeat),
	TEST_ENTRY(create_unit_type_of_another_establishment_or_unknown_is_400_unknown_reference),
	TEST_ENTRY(create_allocation_quantity_0_or_above_100000_is_400_out_of_range),
	TEST_ENTRY(create_rate_plan_of_another_establishment_or_unknown_is_400_unknown_reference),
	TEST_ENTRY(create_period_to_not_after_period_from_is_400_before_start),
	TEST_ENTRY(create_period_to_past_the_horizon_is_400_beyond_horizon_and_at_it_is_accepted),
	TEST_ENTRY(create_cutoff_after_period_from_is_400_out_of_range_before_the_business_date_in_past),
	TEST_ENTRY(create_minimum_pickup_percent_out_of_0_100_or_with_3_decimals_is_400_two_decimals_kept),
	TEST_ENTRY(create_penalty_is_required_for_an_allotment_and_optional_for_a_tentative),
	TEST_ENTRY(create_penalty_as_digit_string_or_safe_integer_is_stored_in_cents),
	TEST_ENTRY(create_penalty_not_in_cents_is_400_bad_cents),
	TEST_ENTRY(create_penalty_whose_contract_total_passes_18_digits_is_400_out_of_range),
	TEST_ENTRY(create_complimentary_rooms_below_0_or_headcount_below_1_is_400_out_of_range),
	TEST_ENTRY(create_with_an_unknown_field_is_400_unknown_field),
	TEST_ENTRY(create_with_several_bad_fields_lists_every_one_in_one_400),
	TEST_ENTRY(create_without_a_key_is_401_by_an_agent_403_forbidden_and_takes_nothing),
	TEST_ENTRY(create_for_an_establishment_outside_the_key_scope_is_403_out_of_scope_even_with_bad_fields),
	TEST_ENTRY(definite_allotment_takes_committed_on_every_night_of_every_allocated_type_only),
	TEST_ENTRY(definite_allotments_add_up_and_may_take_every_room),
	TEST_ENTRY(tentative_takes_no_inventory),
	TEST_ENTRY(definite_allotment_short_of_one_room_on_one_night_of_one_type_is_409_capacity_saturated_and_takes_nothing),
	TEST_ENTRY(definite_allotment_on_units_blocked_out_of_order_is_409_capacity_saturated),
	TEST_ENTRY(confirm_of_a_tentative_answers_200_definite_and_takes_the_inventory),
	TEST_ENTRY(confirm_without_room_is_409_capacity_saturated_still_tentative_and_takes_nothing),
	TEST_ENTRY(confirm_of_a_definite_or_cancelled_allotment_is_409_allotment_state_conflict),
	TEST_ENTRY(confirm_of_a_tentative_without_penalty_requires_one_in_the_body),
	TEST_ENTRY(confirm_by_an_agent_is_403_out_of_scope_403_unknown_404),
	TEST_ENTRY(cancel_of_a_definite_with_pickups_frees_the_unpicked_room_nights_and_keeps_the_picked),
	TEST_ENTRY(cancel_of_a_tentative_answers_200_cancelled_and_changes_no_night),
	TEST_ENTRY(cancel_twice_is_409_allotment_state_conflict_and_frees_nothing_more),
	TEST_ENTRY(cancel_by_an_agent_is_403_out_of_scope_403_unknown_404_and_frees_nothing),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
