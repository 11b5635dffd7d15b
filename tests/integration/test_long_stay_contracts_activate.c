/*
 * test_long_stay_contracts_activate: POST /v1/long-stay-contracts/{id}/
 * activate and cancel, and the night audit's extension of open-ended
 * contracts (SPEC 2.2, 2.5, 2.7; docs/long-stay-contracts.md "Activate")
 * through the real stack, availability read night by night:
 *  - activation commits one room of the type on every night of the period
 *    and nothing outside it; a night without room refuses it all (409
 *    CAPACITY_SATURATED) and takes nothing; a unit held by another active
 *    contract refuses it (409 CONTRACT_UNIT_UNAVAILABLE);
 *  - an open-ended contract takes the horizon's nights, then each night
 *    the night audit adds;
 *  - status rules (activate twice, cancel an active one), the contract
 *    without unit or type, scope and role.
 * Every test makes its own scratch establishment (scratch.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scratch.h"

#define ZONE		"Europe/Paris"
#define CONTRACTS	"/v1/long-stay-contracts"

static const char status_sql[] =
    "SELECT status FROM long_stay_contracts WHERE id = ?";

/*
 * A draft of s's guest over [start, end) (end < 0: open-ended), tied by
 * `tie` (a JSON member and comma, e.g. "\"unitType\":\"T1\",", or "").
 */
static struct http_response *
draft_post(const struct scratch *s, const char *tie, int32_t start,
    int32_t end)
{
	const char *hdr[] = { "Content-Type: application/json", NULL };
	const char *body = pool_printf("{\"establishmentId\":\"%s\","
	    "\"guestProfileId\":\"%s\",%s\"periodStart\":\"%s\","
	    "\"periodEnd\":%s%s%s,\"totalAmountCents\":\"150000\","
	    "\"currency\":\"EUR\",\"installments\":[{\"id\":\"%s\","
	    "\"seqNo\":1,\"dueDate\":\"%s\",\"amountCents\":\"150000\","
	    "\"currency\":\"EUR\"}]}", s->est, s->guest, tie, day_s(start),
	    end < 0 ? "" : "\"", end < 0 ? "null" : day_s(end),
	    end < 0 ? "" : "\"", fresh_uuid(), day_s(start));

	return pms_request("POST", CONTRACTS, s->key, hdr, body, strlen(body));
}

/* The id of a new draft (NULL after a recorded failure). */
static const char *
draft_new_at(const struct scratch *s, const char *tie, int32_t start,
    int32_t end, const char *file, int line)
{
	struct http_response *r = draft_post(s, tie, start, end);
	const cJSON *data = r->json ? cJSON_GetObjectItemCaseSensitive(r->json,
	    "data") : NULL;
	const char *id = jstr(data, "contractId");

	if (!check_status_at(r, 201, file, line) || !check_true(id != NULL &&
	    is_lower_uuid(id), file, line, "no contractId in %s", r->body))
		return NULL;
	return id;
}
#define DRAFT_NEW(s, tie, start, end)					\
	draft_new_at((s), (tie), (start), (end), __FILE__, __LINE__)

static struct http_response *
action(const char *id, const char *what, const char *key)
{
	return pms_request("POST", pool_printf(CONTRACTS "/%s/%s", id, what),
	    key, NULL, NULL, 0);
}

/* "\"unitType\":\"T<t+1>\"," and "\"unitId\":\"<unit>\",": the ties. */
#define TYPE_TIE(t)	pool_printf("\"unitType\":\"T%d\",", (t) + 1)
#define UNIT_TIE(u)	pool_printf("\"unitId\":\"%s\",", (u))

/* available of type on every night of [from, until) is want. */
static int
check_available_at(const char *type, int32_t from, int32_t until,
    long long want, const char *file, int line)
{
	int ok = 1;
	int32_t d;

	for (d = from; d < until; d++) {
		long long got = available_at(type, d, file, line);

		ok &= check_true(got == want, file, line, "night %s: available "
		    "%lld, expected %lld", day_s(d), got, want);
	}
	return ok;
}
#define CHECK_AVAILABLE(type, from, until, want)			\
	check_available_at((type), (from), (until), (want), __FILE__, __LINE__)

static const char *
status_of(const char *id)
{
	return sql_value_at(__FILE__, __LINE__, status_sql, 1, id);
}

TEST(activate_commits_one_room_of_the_type_on_every_night_of_the_period_and_answers_as_get)
{
	struct scratch s;
	struct http_response *r;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH_NEW(&s, 2, 3, ZONE, TODAY_IN(ZONE), 1));
	b = s.business;
	REQUIRE((id = DRAFT_NEW(&s, TYPE_TIE(0), b + 2, b + 6)) != NULL);
	CHECK_AVAILABLE(s.types[0], b, b + 8, 3);
	r = action(id, "activate", s.key);
	CHECK_STATUS(r, 200);
	if (r->json != NULL) {
		const cJSON *data = cJSON_GetObjectItemCaseSensitive(r->json,
		    "data");

		CHECK_JSON_STR(data, "id", id);
		CHECK_JSON_STR(data, "status", "active");
		CHECK_JSON_STR(data, "unitType", "T1");
		CHECK_JSON_STR(data, "amountDueCents", "150000");
	}
	CHECK_AVAILABLE(s.types[0], b, b + 2, 3);
	CHECK_AVAILABLE(s.types[0], b + 2, b + 6, 2);
	CHECK_AVAILABLE(s.types[0], b + 6, b + 8, 3);
	CHECK_AVAILABLE(s.types[1], b, b + 8, 3);	/* the other type */
	CHECK_STR("active", status_of(id));
}

TEST(activate_with_a_unit_commits_its_type_and_a_second_contract_on_that_unit_is_409_unit_unavailable)
{
	struct scratch s;
	const char *first, *second, *other;
	int32_t b;

	REQUIRE(SCRATCH_NEW(&s, 1, 3, ZONE, TODAY_IN(ZONE), 1));
	b = s.business;
	REQUIRE((first = DRAFT_NEW(&s, UNIT_TIE(s.units[0][0]), b + 1,
	    b + 5)) != NULL);
	REQUIRE((second = DRAFT_NEW(&s, UNIT_TIE(s.units[0][0]), b + 4,
	    b + 8)) != NULL);
	REQUIRE((other = DRAFT_NEW(&s, UNIT_TIE(s.units[0][1]), b + 4,
	    b + 8)) != NULL);
	CHECK_STATUS(action(first, "activate", s.key), 200);
	CHECK_PMS_ERROR(action(second, "activate", s.key), 409,
	    "CONTRACT_UNIT_UNAVAILABLE");
	CHECK_STR("draft", status_of(second));
	/* The refused one took nothing: only the first's nights moved. */
	CHECK_AVAILABLE(s.types[0], b + 1, b + 5, 2);
	CHECK_AVAILABLE(s.types[0], b + 5, b + 8, 3);
	/* Another unit of the type on the same nights is free. */
	CHECK_STATUS(action(other, "activate", s.key), 200);
	CHECK_AVAILABLE(s.types[0], b + 4, b + 5, 1);
	CHECK_AVAILABLE(s.types[0], b + 5, b + 8, 2);
}

TEST(activate_when_one_night_is_full_is_409_capacity_saturated_and_takes_no_night)
{
	struct scratch s;
	const char *full, *wide;
	int32_t b;

	REQUIRE(SCRATCH_NEW(&s, 1, 1, ZONE, TODAY_IN(ZONE), 1));
	b = s.business;
	REQUIRE((full = DRAFT_NEW(&s, TYPE_TIE(0), b + 3, b + 4)) != NULL);
	REQUIRE((wide = DRAFT_NEW(&s, TYPE_TIE(0), b + 1, b + 6)) != NULL);
	CHECK_STATUS(action(full, "activate", s.key), 200);
	CHECK_PMS_ERROR(action(wide, "activate", s.key), 409,
	    "CAPACITY_SATURATED");
	CHECK_STR("draft", status_of(wide));
	CHECK_AVAILABLE(s.types[0], b + 1, b + 3, 1);
	CHECK_AVAILABLE(s.types[0], b + 3, b + 4, 0);
	CHECK_AVAILABLE(s.types[0], b + 4, b + 6, 1);
}

TEST(an_open_ended_contract_takes_every_night_of_the_horizon_then_the_night_the_audit_adds)
{
	struct scratch s;
	const char *id;
	int32_t b, last;

	REQUIRE(SCRATCH_NEW(&s, 1, 2, ZONE, TODAY_IN(ZONE), 1));
	b = s.business;
	last = s.through;			/* the horizon's last night */
	REQUIRE((id = DRAFT_NEW(&s, TYPE_TIE(0), b + 1, -1)) != NULL);
	CHECK_STATUS(action(id, "activate", s.key), 200);
	CHECK_AVAILABLE(s.types[0], b, b + 1, 2);
	CHECK_AVAILABLE(s.types[0], b + 1, b + 4, 1);
	CHECK_AVAILABLE(s.types[0], last - 2, last + 1, 1);
	REQUIRE(NIGHT_AUDIT(s.est, b + 1));
	/* The new last night, and the one after it when audited again. */
	CHECK_AVAILABLE(s.types[0], last + 1, last + 2, 1);
	REQUIRE(NIGHT_AUDIT(s.est, b + 2));
	CHECK_AVAILABLE(s.types[0], last + 2, last + 3, 1);
}

TEST(a_contract_longer_than_the_horizon_stops_at_its_period_end_as_the_audit_extends_it)
{
	struct scratch s;
	const char *id;
	int32_t b, last;

	REQUIRE(SCRATCH_NEW(&s, 1, 2, ZONE, TODAY_IN(ZONE), 1));
	b = s.business;
	last = s.through;
	/* Ends after the horizon's first new night, before its second. */
	REQUIRE((id = DRAFT_NEW(&s, TYPE_TIE(0), b + 1, last + 2)) != NULL);
	CHECK_STATUS(action(id, "activate", s.key), 200);
	CHECK_AVAILABLE(s.types[0], last, last + 1, 1);
	REQUIRE(NIGHT_AUDIT(s.est, b + 2));	/* two new nights */
	CHECK_AVAILABLE(s.types[0], last + 1, last + 2, 1);
	CHECK_AVAILABLE(s.types[0], last + 2, last + 3, 2);
}

TEST(activate_twice_or_cancel_of_an_active_contract_is_409_state_conflict_and_changes_nothing)
{
	struct scratch s;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH_NEW(&s, 1, 2, ZONE, TODAY_IN(ZONE), 1));
	b = s.business;
	REQUIRE((id = DRAFT_NEW(&s, TYPE_TIE(0), b + 1, b + 3)) != NULL);
	CHECK_STATUS(action(id, "activate", s.key), 200);
	CHECK_PMS_ERROR(action(id, "activate", s.key), 409,
	    "CONTRACT_STATE_CONFLICT");
	CHECK_PMS_ERROR(action(id, "cancel", s.key), 409,
	    "CONTRACT_STATE_CONFLICT");
	CHECK_STR("active", status_of(id));
	CHECK_AVAILABLE(s.types[0], b + 1, b + 3, 1);
}

TEST(a_cancelled_draft_cannot_be_activated_and_takes_nothing)
{
	struct scratch s;
	struct http_response *r;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH_NEW(&s, 1, 2, ZONE, TODAY_IN(ZONE), 1));
	b = s.business;
	REQUIRE((id = DRAFT_NEW(&s, TYPE_TIE(0), b + 1, b + 3)) != NULL);
	r = action(id, "cancel", s.key);
	CHECK_STATUS(r, 200);
	if (r->json != NULL) {
		const cJSON *data = cJSON_GetObjectItemCaseSensitive(r->json,
		    "data");

		CHECK_JSON_STR(data, "status", "cancelled");
		CHECK_JSON_STR(data, "amountDueCents", "0");
		check_json_null_at(data, "nextDueDate", __FILE__, __LINE__);
	}
	CHECK_PMS_ERROR(action(id, "activate", s.key), 409,
	    "CONTRACT_STATE_CONFLICT");
	CHECK_PMS_ERROR(action(id, "cancel", s.key), 409,
	    "CONTRACT_STATE_CONFLICT");
	CHECK_AVAILABLE(s.types[0], b + 1, b + 3, 2);
}

TEST(activate_of_a_contract_without_unit_or_type_is_409_unit_required)
{
	struct scratch s;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH_NEW(&s, 1, 2, ZONE, TODAY_IN(ZONE), 1));
	b = s.business;
	REQUIRE((id = DRAFT_NEW(&s, "", b + 1, b + 3)) != NULL);
	CHECK_PMS_ERROR(action(id, "activate", s.key), 409,
	    "CONTRACT_UNIT_REQUIRED");
	CHECK_STR("draft", status_of(id));
}

TEST(activate_by_an_agent_or_another_establishment_is_403_unknown_404_bad_id_400_and_takes_nothing)
{
	struct scratch s, other;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH_NEW(&s, 1, 2, ZONE, TODAY_IN(ZONE), 1));
	REQUIRE(SCRATCH_NEW(&other, 1, 1, ZONE, TODAY_IN(ZONE), 0));
	b = s.business;
	REQUIRE((id = DRAFT_NEW(&s, TYPE_TIE(0), b + 1, b + 3)) != NULL);
	CHECK_PMS_ERROR(action(id, "activate", s.agent_key), 403, "FORBIDDEN");
	CHECK_PMS_ERROR(action(id, "activate", other.key), 403,
	    "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(action(id, "cancel", other.key), 403, "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(action(fresh_uuid(), "activate", s.key), 404,
	    "CONTRACT_NOT_FOUND");
	CHECK_PMS_ERROR(action("not-a-uuid", "activate", s.key), 400,
	    "VALIDATION_FAILED");
	CHECK_STR("draft", status_of(id));
	CHECK_AVAILABLE(s.types[0], b + 1, b + 3, 2);
}

static const struct test_case tests[] = {
	TEST_ENTRY(activate_commits_one_room_of_the_type_on_every_night_of_the_period_and_answers_as_get),
	TEST_ENTRY(activate_with_a_unit_commits_its_type_and_a_second_contract_on_that_unit_is_409_unit_unavailable),
	TEST_ENTRY(activate_when_one_night_is_full_is_409_capacity_saturated_and_takes_no_night),
	TEST_ENTRY(an_open_ended_contract_takes_every_night_of_the_horizon_then_the_night_the_audit_adds),
	TEST_ENTRY(a_contract_longer_than_the_horizon_stops_at_its_period_end_as_the_audit_extends_it),
	TEST_ENTRY(activate_twice_or_cancel_of_an_active_contract_is_409_state_conflict_and_changes_nothing),
	TEST_ENTRY(a_cancelled_draft_cannot_be_activated_and_takes_nothing),
	TEST_ENTRY(activate_of_a_contract_without_unit_or_type_is_409_unit_required),
	TEST_ENTRY(activate_by_an_agent_or_another_establishment_is_403_unknown_404_bad_id_400_and_takes_nothing),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
