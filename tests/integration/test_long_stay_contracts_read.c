/*
 * test_long_stay_contracts_read: GET /v1/long-stay-contracts/{id} as SPEC
 * 2.7 and docs/long-stay-contracts.md ("Read") fix it, on contracts made
 * with POST /v1/long-stay-contracts:
 *  - a draft: every created field as sent with its JSON type (counts
 *    integers, money digit strings), the status, the installments ordered
 *    by seqNo whatever the order sent, the renewal chain;
 *  - the money view: amountDueCents the sum of the installments due on or
 *    after the establishment's business date, nextDueDate the earliest of
 *    them (null when none), followed as the night audit moves the
 *    business date across the due dates, and of installments already
 *    due when the contract is made;
 *  - the status of an activated contract (active) and of a cancelled one
 *    (cancelled, amountDueCents "0", nextDueDate null);
 *  - 400 (an id that is not a uuid), 401, 403 OUT_OF_SCOPE, 404
 *    CONTRACT_NOT_FOUND, an agent's key allowed, an upper-case id, 405.
 * Each test makes its own scratch establishment (scratch.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"
#include "scratch.h"

#define ZONE		"Europe/Paris"

#define SCRATCH(s, ntypes, nunits)					\
	SCRATCH_NEW((s), (ntypes), (nunits), ZONE, TODAY_IN(ZONE), 0)

/* "\"text\"" (pool). */
static const char *
q(const char *text)
{
	return pool_printf("\"%s\"", text);
}

/* The money view of contract id read with key: amountDueCents due and
   nextDueDate next (a day, or -1 for null). */
static int
check_money_at(const char *id, const char *key, const char *due,
    int32_t next, const char *file, int line)
{
	const cJSON *data = contract_data_at(id, key, file, line);
	int ok;

	if (data == NULL)
		return 0;
	ok = check_json_str_at(data, "amountDueCents", due, file, line);
	if (next < 0)
		ok &= check_json_null_at(data, "nextDueDate", file, line);
	else
		ok &= check_json_str_at(data, "nextDueDate", day_s(next), file,
		    line);
	/* The rest does not move with the business date. */
	ok &= check_json_str_at(data, "status", "draft", file, line);
	ok &= check_true(cJSON_GetArraySize(jget(data, "installments")) == 4,
	    file, line, "installments: %s", jshow(jget(data,
	    "installments")));
	return ok;
}
#define CHECK_MONEY(id, key, due, next)					\
	check_money_at((id), (key), (due), (next), __FILE__, __LINE__)

/* 1 when data.renewalChain is [first, second] (uuids in any case). */
static int
chain_is(const cJSON *data, const char *first, const char *second)
{
	const cJSON *c = jget(data, "renewalChain");
	const cJSON *a = cJSON_GetArrayItem(c, 0), *b = cJSON_GetArrayItem(c, 1);

	return cJSON_IsArray(c) && cJSON_GetArraySize(c) == 2 &&
	    cJSON_IsString(a) && cJSON_IsString(b) &&
	    strcasecmp(a->valuestring, first) == 0 &&
	    strcasecmp(b->valuestring, second) == 0;
}

/* ======================================================================== */

TEST(get_of_a_draft_answers_every_field_as_sent_with_the_installments_by_seq_no)
{
	struct scratch s;
	struct http_response *r;
	const cJSON *data, *insts;
	const char *id, *i1 = fresh_uuid(), *i2 = fresh_uuid(),
	    *i3 = fresh_uuid(), *prev;
	cJSON *body;
	int32_t b;

	REQUIRE(SCRATCH(&s, 2, 3));
	b = s.business;
	REQUIRE((prev = CONTRACT_NEW(&s, NULL)) != NULL);
	body = contract_body(&s);
	json_set(body, "unitId", q(s.units[0][1]));
	json_set(body, "unitType", "\"t1\"");
	json_set(body, "periodStart", q(day_s(b + 3)));
	json_set(body, "periodEnd", q(day_s(b + 93)));
	json_set(body, "totalAmountCents", "\"123456\"");
	json_set(body, "currency", "\"GBP\"");
	/* Sent as seqNo 3, 1, 2. */
	json_set(body, "installments", pool_printf("[%s,%s,%s]",
	    installment_json(i3, 3, b + 63, "3456", "GBP"),
	    installment_json(i1, 1, b + 3, "100000", "GBP"),
	    installment_json(i2, 2, b + 33, "20000", "GBP")));
	json_set(body, "noticePeriodDays", "15");
	json_set(body, "depositNature", "\"arrhes\"");
	json_set(body, "terminationPolicy", "\"contractuel\"");
	json_set(body, "tourismTaxExempt", "true");
	json_set(body, "tourismTaxExemptBasis", "\"Saisonnier logé\"");
	json_set(body, "previousContractId", q(prev));
	REQUIRE((id = CONTRACT_NEW(&s, body)) != NULL);

	r = contract_get(id, s.key);
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_JSON(r);
	data = jget(r->json, "data");
	REQUIRE(CHECKF(cJSON_IsObject(data), "no data: %s", r->body));
	CHECK_JSON_STR(data, "id", id);
	CHECK_JSON_STR(data, "establishmentId", s.est);
	CHECK_JSON_STR(data, "guestProfileId", s.guest);
	CHECK_JSON_STR(data, "unitId", s.units[0][1]);
	CHECK_JSON_STR(data, "unitType", "t1");
	CHECK_JSON_STR(data, "periodStart", day_s(b + 3));
	CHECK_JSON_STR(data, "periodEnd", day_s(b + 93));
	CHECK_JSON_STR(data, "totalAmountCents", "123456");
	CHECK_JSON_STR(data, "currency", "GBP");
	CHECK_JSON_NUM(data, "noticePeriodDays", 15);
	CHECK_JSON_STR(data, "depositNature", "arrhes");
	CHECK_JSON_STR(data, "terminationPolicy", "contractuel");
	CHECK_JSON_BOOL(data, "tourismTaxExempt", 1);
	CHECK_JSON_STR(data, "tourismTaxExemptBasis", "Saisonnier logé");
	CHECK_JSON_STR(data, "previousContractId", prev);
	CHECK_JSON_STR(data, "status", "draft");
	insts = jget(data, "installments");
	REQUIRE(CHECKF(cJSON_IsArray(insts) && cJSON_GetArraySize(insts) == 3,
	    "installments: %s", jshow(insts)));
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 0), i1, 1, b + 3,
	    "100000", "GBP");
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 1), i2, 2, b + 33,
	    "20000", "GBP");
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 2), i3, 3, b + 63,
	    "3456", "GBP");
	CHECK_JSON_STR(data, "amountDueCents", "123456");
	CHECK_JSON_STR(data, "nextDueDate", day_s(b + 3));
	CHECKF(chain_is(data, prev, id), "renewalChain: expected [%s, %s], "
	    "got %s", prev, id, jshow(jget(data, "renewalChain")));
}

TEST(get_money_view_leaves_out_the_installments_due_before_the_business_date)
{
	struct scratch s;
	const char *id;
	cJSON *body;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 1));
	b = s.business;
	body = contract_body(&s);
	json_set(body, "periodStart", q(day_s(b + 1)));
	json_set(body, "totalAmountCents", "\"650000\"");
	json_set(body, "installments", pool_printf("[%s,%s,%s,%s]",
	    installment_json(fresh_uuid(), 1, b + 1, "100000", "EUR"),
	    installment_json(fresh_uuid(), 2, b + 5, "200000", "EUR"),
	    installment_json(fresh_uuid(), 3, b + 5, "50000", "EUR"),
	    installment_json(fresh_uuid(), 4, b + 9, "300000", "EUR")));
	REQUIRE((id = CONTRACT_NEW(&s, body)) != NULL);
	CHECK_MONEY(id, s.key, "650000", b + 1);
	/* Due on the business date: still due. */
	REQUIRE(NIGHT_AUDIT(s.est, b + 1));
	CHECK_MONEY(id, s.key, "650000", b + 1);
	/* The first has fallen due before the business date. */
	REQUIRE(NIGHT_AUDIT(s.est, b + 2));
	CHECK_MONEY(id, s.agent_key, "550000", b + 5);
	REQUIRE(NIGHT_AUDIT(s.est, b + 5));
	CHECK_MONEY(id, s.key, "550000", b + 5);
	/* Both of b + 5 at once. */
	REQUIRE(NIGHT_AUDIT(s.est, b + 6));
	CHECK_MONEY(id, s.key, "300000", b + 9);
	REQUIRE(NIGHT_AUDIT(s.est, b + 9));
	CHECK_MONEY(id, s.key, "300000", b + 9);
	/* Nothing left: "0" and null. */
	REQUIRE(NIGHT_AUDIT(s.est, b + 10));
	CHECK_MONEY(id, s.key, "0", -1);
	REQUIRE(NIGHT_AUDIT(s.est, b + 40));
	CHECK_MONEY(id, s.agent_key, "0", -1);
}

TEST(get_money_view_of_a_contract_created_with_installments_already_due_leaves_them_out)
{
	struct scratch s;
	const char *id;
	cJSON *body;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 1));
	b = s.business;
	/* No rule ties a due date to the business date or to the period. */
	body = contract_body(&s);
	json_set(body, "totalAmountCents", "\"1000\"");
	json_set(body, "installments", pool_printf("[%s,%s,%s,%s]",
	    installment_json(fresh_uuid(), 1, b - 30, "100", "EUR"),
	    installment_json(fresh_uuid(), 2, b - 1, "200", "EUR"),
	    installment_json(fresh_uuid(), 3, b, "300", "EUR"),
	    installment_json(fresh_uuid(), 4, b + 60, "400", "EUR")));
	REQUIRE((id = CONTRACT_NEW(&s, body)) != NULL);
	CHECK_MONEY(id, s.agent_key, "700", b);
	REQUIRE(NIGHT_AUDIT(s.est, b + 1));
	CHECK_MONEY(id, s.agent_key, "400", b + 60);
}

TEST(get_of_a_cancelled_contract_answers_amount_due_0)
{
	struct scratch s;
	struct http_response *r;
	const cJSON *data;
	const char *id;

	REQUIRE(SCRATCH(&s, 1, 1));
	REQUIRE((id = CONTRACT_NEW(&s, NULL)) != NULL);
	r = pms_request("POST", pool_printf("/v1/long-stay-contracts/%s/"
	    "cancel", id), s.key, NULL, NULL, 0);
	REQUIRE(CHECK_STATUS(r, 200));
	REQUIRE((data = GET_DATA(id, s.agent_key)) != NULL);
	CHECK_JSON_STR(data, "status", "cancelled");
	CHECK_JSON_STR(data, "amountDueCents", "0");
	CHECK_JSON_NULL(data, "nextDueDate");
	/* The rest stays as sent. */
	CHECK_JSON_STR(data, "totalAmountCents", "300000");
	CHECK_INT(3, cJSON_GetArraySize(jget(data, "installments")));
}

TEST(get_of_an_activated_contract_answers_status_active_and_the_same_money_view)
{
	struct scratch s;
	struct http_response *r;
	const cJSON *data;
	const char *id;

	REQUIRE(SCRATCH_NEW(&s, 1, 2, ZONE, TODAY_IN(ZONE), 1));
	REQUIRE((id = CONTRACT_NEW(&s, json_set(contract_body(&s), "unitType",
	    "\"T1\""))) != NULL);
	r = pms_request("POST", pool_printf("/v1/long-stay-contracts/%s/"
	    "activate", id), s.key, NULL, NULL, 0);
	REQUIRE(CHECK_STATUS(r, 200));
	REQUIRE((data = GET_DATA(id, s.agent_key)) != NULL);
	CHECK_JSON_STR(data, "status", "active");
	CHECK_JSON_STR(data, "amountDueCents", "300000");
	CHECK_JSON_STR(data, "nextDueDate", day_s(s.business + 10));
	CHECK_JSON_STR(data, "unitType", "T1");
	CHECK_INT(3, cJSON_GetArraySize(jget(data, "installments")));
}

TEST(get_money_view_follows_each_contracts_own_establishment)
{
	struct scratch s, other;
	const char *mine, *theirs;
	cJSON *body;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 1));
	REQUIRE(SCRATCH(&other, 1, 1));
	b = s.business;
	body = contract_body(&s);
	json_set(body, "periodStart", q(day_s(b + 1)));
	json_set(body, "totalAmountCents", "\"600\"");
	json_set(body, "installments", pool_printf("[%s,%s,%s,%s]",
	    installment_json(fresh_uuid(), 1, b + 1, "100", "EUR"),
	    installment_json(fresh_uuid(), 2, b + 2, "100", "EUR"),
	    installment_json(fresh_uuid(), 3, b + 3, "100", "EUR"),
	    installment_json(fresh_uuid(), 4, b + 4, "300", "EUR")));
	REQUIRE((mine = CONTRACT_NEW(&s, body)) != NULL);
	body = contract_body(&other);
	json_set(body, "periodStart", q(day_s(other.business + 1)));
	json_set(body, "totalAmountCents", "\"600\"");
	json_set(body, "installments", pool_printf("[%s,%s,%s,%s]",
	    installment_json(fresh_uuid(), 1, other.business + 1, "100", "EUR"),
	    installment_json(fresh_uuid(), 2, other.business + 2, "100", "EUR"),
	    installment_json(fresh_uuid(), 3, other.business + 3, "100", "EUR"),
	    installment_json(fresh_uuid(), 4, other.business + 4, "300",
	    "EUR")));
	REQUIRE((theirs = CONTRACT_NEW(&other, body)) != NULL);
	/* Only s's business date moves. */
	REQUIRE(NIGHT_AUDIT(s.est, b + 3));
	CHECK_MONEY(mine, s.key, "400", b + 3);
	CHECK_MONEY(theirs, other.key, "600", other.business + 1);
}

TEST(get_of_an_unknown_contract_is_404_contract_not_found)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 1));
	CHECK_PMS_ERROR(contract_get(fresh_uuid(), s.key), 404,
	    "CONTRACT_NOT_FOUND");
	CHECK_PMS_ERROR(contract_get(fresh_uuid(), KEY_PARIS_AGENT), 404,
	    "CONTRACT_NOT_FOUND");
	/* An id of another kind (a unit's) is no contract either. */
	CHECK_PMS_ERROR(contract_get(s.units[0][0], s.agent_key), 404,
	    "CONTRACT_NOT_FOUND");
}

TEST(get_with_an_id_that_is_not_a_uuid_is_400_naming_id)
{
	struct http_response *r;

	r = contract_get("not-a-uuid", KEY_PARIS_AGENT);
	CHECK_ONLY_DETAIL(r, "id", "bad_uuid");
	r = contract_get(pool_printf("%.35s", fresh_uuid()), KEY_PARIS_AGENT);
	CHECK_ONLY_DETAIL(r, "id", "bad_uuid");
	r = contract_get("zzzzzzzz-0000-4000-8000-000000000000",
	    KEY_PARIS_AGENT);
	CHECK_ONLY_DETAIL(r, "id", "bad_uuid");
}

TEST(get_outside_the_keys_scope_is_403_out_of_scope)
{
	struct scratch s, other;
	const char *id;

	REQUIRE(SCRATCH(&s, 1, 1));
	REQUIRE(SCRATCH(&other, 1, 1));
	REQUIRE((id = CONTRACT_NEW(&s, NULL)) != NULL);
	CHECK_PMS_ERROR(contract_get(id, KEY_LYON_MANAGER), 403,
	    "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(contract_get(id, KEY_PARIS_AGENT), 403,
	    "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(contract_get(id, other.agent_key), 403,
	    "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(contract_get(id, other.key), 403, "OUT_OF_SCOPE");
	CHECK_STATUS(contract_get(id, s.key), 200);
}

TEST(get_by_an_agent_is_allowed_without_a_key_401)
{
	struct scratch s;
	const cJSON *data;
	const char *id;

	REQUIRE(SCRATCH(&s, 1, 1));
	REQUIRE((id = CONTRACT_NEW(&s, NULL)) != NULL);
	REQUIRE((data = GET_DATA(id, s.agent_key)) != NULL);
	CHECK_JSON_STR(data, "id", id);
	CHECK_JSON_STR(data, "status", "draft");
	CHECK_PMS_ERROR(contract_get(id, NULL), 401, "UNAUTHENTICATED");
	CHECK_PMS_ERROR(contract_get(id, "itest-no-such-key-0123456789abcdef01"),
	    401, "UNAUTHENTICATED");
}

TEST(get_accepts_an_upper_case_id_and_answers_it_in_lower_case)
{
	struct scratch s;
	const cJSON *data;
	const char *id;

	REQUIRE(SCRATCH(&s, 1, 1));
	REQUIRE((id = CONTRACT_NEW(&s, NULL)) != NULL);
	REQUIRE((data = GET_DATA(pool_upper(id), s.agent_key)) != NULL);
	CHECK_JSON_STR(data, "id", id);
	CHECK_JSON_STR(data, "establishmentId", s.est);
}

TEST(get_route_with_another_method_is_405_with_allow)
{
	struct scratch s;
	struct http_response *r;
	const char *id;

	REQUIRE(SCRATCH(&s, 1, 1));
	REQUIRE((id = CONTRACT_NEW(&s, NULL)) != NULL);
	r = pms_request("DELETE", pool_printf("/v1/long-stay-contracts/%s",
	    id), s.key, NULL, NULL, 0);
	CHECK_STATUS(r, 405);
	CHECKF(http_header(r, "Allow") != NULL && strstr(http_header(r,
	    "Allow"), "GET") != NULL, "Allow: %s", http_header(r, "Allow") ?
	    http_header(r, "Allow") : "(none)");
	CHECK_STATUS(contract_get(id, s.key), 200);
}

static const struct test_case tests[] = {
	TEST_ENTRY(get_of_a_draft_answers_every_field_as_sent_with_the_installments_by_seq_no),
	TEST_ENTRY(get_money_view_leaves_out_the_installments_due_before_the_business_date),
	TEST_ENTRY(get_money_view_of_a_contract_created_with_installments_already_due_leaves_them_out),
	TEST_ENTRY(get_of_a_cancelled_contract_answers_amount_due_0),
	TEST_ENTRY(get_of_an_activated_contract_answers_status_active_and_the_same_money_view),
	TEST_ENTRY(get_money_view_follows_each_contracts_own_establishment),
	TEST_ENTRY(get_of_an_unknown_contract_is_404_contract_not_found),
	TEST_ENTRY(get_with_an_id_that_is_not_a_uuid_is_400_naming_id),
	TEST_ENTRY(get_outside_the_keys_scope_is_403_out_of_scope),
	TEST_ENTRY(get_by_an_agent_is_allowed_without_a_key_401),
	TEST_ENTRY(get_accepts_an_upper_case_id_and_answers_it_in_lower_case),
	TEST_ENTRY(get_route_with_another_method_is_405_with_allow),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
