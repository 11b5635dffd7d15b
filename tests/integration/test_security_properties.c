/*
 * test_security_properties: what a client may write into an object and
 * what an answer may show of it (docs/security.md, OWASP API3; SPEC 2.1,
 * 2.7, 3), through the real stack:
 *  - every PMS write refuses a field it does not declare (400
 *    unknown_field naming it) and the fields the server sets itself
 *    (status, derived money and counts, the business date at creation),
 *    and writes nothing then; the same for AMAGE add and edit;
 *  - no answer, of any PMS or AMAGE route, carries the caller's key, the
 *    SHA-256 the database keeps of it, the AMAGE secret, or the id of the
 *    key that wrote an object.
 * One scratch establishment per test (scratch.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scratch.h"

#define ZONE		"Europe/Paris"

static const char est_counts_sql[] =
    "SELECT CONCAT((SELECT COUNT(*) FROM allotments WHERE establishment_id "
    "= ?), '/', (SELECT COUNT(*) FROM long_stay_contracts WHERE "
    "establishment_id = ?), '/', (SELECT COUNT(*) FROM allotment_reservations"
    " r JOIN allotments a ON a.id = r.allotment_id WHERE a.establishment_id "
    "= ?), '/', (SELECT COUNT(*) FROM unit_blocks b JOIN units u ON u.id = "
    "b.unit_id WHERE u.establishment_id = ?), '/', (SELECT COUNT(*) FROM "
    "allotments WHERE establishment_id = ? AND status = 'definite'))";
static const char key_sha_sql[] = "SELECT SHA2(?, 256)";

/* allotments/contracts/pickups/blocks/definite allotments of s. */
static const char *
counts_at(const struct scratch *s, const char *file, int line)
{
	return sql_value_at(file, line, est_counts_sql, 5, s->est, s->est,
	    s->est, s->est, s->est);
}
#define COUNTS(s)		counts_at((s), __FILE__, __LINE__)

/* The PMS writes of s that take a body, each with a valid body. */
struct write {
	const char *what;
	const char *path;
	cJSON *body;
	const char *key;
};

#define NWRITES 5

/* One of each: a tentative allotment (to confirm), a definite one (to
   pick up from). */
static int
writes_at(const struct scratch *s, struct write w[NWRITES], const char *file,
    int line)
{
	int32_t b = s->business;
	const char *tentative, *definite;

	tentative = allotment_new_at(s, "tentative", b + 20, b + 23, b + 15,
	    (const int []){ 1 }, file, line);
	definite = allotment_new_at(s, "allotment", b + 10, b + 13, b + 5,
	    (const int []){ 2 }, file, line);
	if (tentative == NULL || definite == NULL)
		return 0;
	w[0] = (struct write){ "create allotment", "/v1/allotments",
	    allotment_body(s, "tentative", b + 30, b + 32, b + 25,
	    (const int []){ 1 }), s->key };
	w[1] = (struct write){ "confirm", pool_printf("/v1/allotments/%s/"
	    "confirm", tentative), pool_json(cJSON_Parse("{\"penaltyPer"
	    "RoomNightCents\":\"5000\"}")), s->key };
	w[2] = (struct write){ "pickup", pool_printf("/v1/allotments/%s/"
	    "reservations", definite), pickup_body(s, 0, b + 10, b + 11, 1),
	    s->agent_key };
	w[3] = (struct write){ "block", pool_printf("/v1/units/%s/"
	    "out-of-service", s->units[0][0]), pool_json(cJSON_Parse(
	    pool_printf("{\"kind\":\"ooo\",\"oooFrom\":\"%s\",\"oooUntil\":"
	    "\"%s\"}", day_s(b + 40), day_s(b + 41)))), s->key };
	w[4] = (struct write){ "create contract", "/v1/long-stay-contracts",
	    contract_body(s), s->key };
	return 1;
}

/*
 * w with field set to raw is a 400 naming field (rule unknown_field or
 * server_set) and s's counts do not move.
 */
static int
refused_at(const struct scratch *s, const struct write *w, const char *field,
    const char *raw, const char *file, int line)
{
	cJSON *body = cJSON_Duplicate(w->body, 1);
	const char *before = counts_at(s, file, line), *text;
	struct http_response *r;
	int ok;

	pool_json(body);
	json_set(body, field, raw);
	text = pool_json_print(body);
	r = pms_request("POST", w->path, w->key, NULL, text, strlen(text));
	ok = check_status_at(r, 400, file, line);
	ok &= check_true(r->body != NULL && (strstr(r->body, pool_printf(
	    "\"field\":\"%s\"", field)) != NULL), file, line,
	    "%s with %s: the 400 does not name it: %.300s", w->what, field,
	    r->body ? r->body : "");
	ok &= check_str(before, counts_at(s, file, line), "counts", file,
	    line);
	if (!ok)
		check_true(0, file, line, "(%s with %s = %s)", w->what, field,
		    raw);
	return ok;
}
#define REFUSED(s, w, field, raw)					\
	refused_at((s), (w), (field), (raw), __FILE__, __LINE__)

TEST(every_pms_write_refuses_an_undeclared_field_as_unknown_field_and_writes_nothing)
{
	struct scratch s;
	struct write w[NWRITES];
	struct http_response *r;
	const char *before, *text;
	int i;

	REQUIRE(SCRATCH_NEW(&s, 1, 4, ZONE, TODAY_IN(ZONE), 1));
	REQUIRE(writes_at(&s, w, __FILE__, __LINE__));
	REQUIRE((before = COUNTS(&s)) != NULL);
	for (i = 0; i < NWRITES; i++) {
		cJSON *body = pool_json(cJSON_Duplicate(w[i].body, 1));

		json_set(body, "isAdmin", "true");
		text = pool_json_print(body);
		r = pms_request("POST", w[i].path, w[i].key, NULL, text,
		    strlen(text));
		if (!CHECK_ONLY_DETAIL(r, "isAdmin", "unknown_field"))
			FAIL("(on %s)", w[i].what);
	}
	CHECK_STR(before, COUNTS(&s));
}

TEST(fields_the_server_sets_sent_in_a_pms_write_are_400_naming_them_and_write_nothing)
{
	struct scratch s;
	struct write w[NWRITES];

	REQUIRE(SCRATCH_NEW(&s, 1, 4, ZONE, TODAY_IN(ZONE), 1));
	REQUIRE(writes_at(&s, w, __FILE__, __LINE__));
	/* create allotment: its state and the cutoff's result */
	REFUSED(&s, &w[0], "allotmentId", pool_printf("\"%s\"", fresh_uuid()));
	REFUSED(&s, &w[0], "id", pool_printf("\"%s\"", fresh_uuid()));
	REFUSED(&s, &w[0], "status", "\"definite\"");
	REFUSED(&s, &w[0], "cutoff", "{\"date\":\"2000-01-01\",\"state\":\"done\"}");
	REFUSED(&s, &w[0], "allocations", "[]");
	/* confirm: the state it moves to */
	REFUSED(&s, &w[1], "status", "\"definite\"");
	/* pickup: the business date, the state, the id */
	REFUSED(&s, &w[2], "businessDateAtCreation", "\"2000-01-01\"");
	REFUSED(&s, &w[2], "status", "\"cancelled\"");
	REFUSED(&s, &w[2], "reservationId", pool_printf("\"%s\"",
	    fresh_uuid()));
	/* block: its id and count */
	REFUSED(&s, &w[3], "refId", pool_printf("\"%s\"", fresh_uuid()));
	REFUSED(&s, &w[3], "nightsBlocked", "0");
	REFUSED(&s, &w[3], "unitId", pool_printf("\"%s\"", s.units[0][1]));
	/* create contract: its state and its money view */
	REFUSED(&s, &w[4], "contractId", pool_printf("\"%s\"", fresh_uuid()));
	REFUSED(&s, &w[4], "status", "\"active\"");
	REFUSED(&s, &w[4], "amountDueCents", "\"0\"");
	REFUSED(&s, &w[4], "nextDueDate", "null");
}

TEST(amage_add_and_edit_refuse_an_undeclared_field_and_write_nothing)
{
	struct http_response *r;
	const char *uuid = fresh_uuid();
	long long before;

	before = AMAGE_COUNT();
	r = amage_post(WO_BASE "/add", "{\"name\":\"itest mass\","
	    "\"isAdmin\":true}");
	CHECK_AMAGE_ERROR(r, 400, 400);
	CHECK_CONTAINS(r->body, "isAdmin");
	CHECK_INT(before, AMAGE_COUNT());
	REQUIRE(CHECK_AMAGE_OK(amage_post(WO_BASE "/add", pool_printf(
	    "{\"uuid\":\"%s\",\"name\":\"itest mass\"}", uuid))));
	r = amage_post(pool_printf(WO_BASE "/edit/%s", uuid),
	    "{\"name\":\"itest mass changed\",\"isAdmin\":true}");
	CHECK_AMAGE_ERROR(r, 400, 400);
	CHECK_CONTAINS(r->body, "isAdmin");
	r = amage_get(pool_printf(WO_BASE "/get/by-uuid/%s", uuid));
	CHECK_STATUS(r, 200);
	CHECK_JSON_STR(r->json, "name", "itest mass");
}

static const char *const secret_words[] = { "sha256", "secret",
    "password", "createdby", "created_by", "keyid", "key_id", "apikey",
    NULL };

/* The first member name under v (any depth) holding a secret word, or
   NULL. */
static const char *
secret_member(const cJSON *v)
{
	const cJSON *c;
	const char *found;
	char lower[128];
	size_t i;

	cJSON_ArrayForEach(c, v) {
		if (c->string != NULL) {
			snprintf(lower, sizeof(lower), "%s", c->string);
			for (i = 0; lower[i] != '\0'; i++)
				lower[i] = (char)tolower((unsigned char)lower[i]);
			for (i = 0; secret_words[i] != NULL; i++)
				if (strstr(lower, secret_words[i]) != NULL)
					return c->string;
		}
		if ((found = secret_member(c)) != NULL)
			return found;
	}
	return NULL;
}

/*
 * r is a success whose body carries none of secrets (NULL-ended) and no
 * member named like a secret (a key, its hash, the key that wrote).
 */
static void
check_no_secret_at(const struct http_response *r, const char *const *secrets,
    const char *what, const char *file, int line)
{
	const char *member;
	size_t i;

	if (!check_true(r->status >= 200 && r->status < 300 &&
	    r->json != NULL, file, line, "%s: %ld %.200s", what, r->status,
	    r->body ? r->body : ""))
		return;
	for (i = 0; secrets[i] != NULL; i++)
		check_true(strstr(r->body, secrets[i]) == NULL, file, line,
		    "%s: the answer carries secret #%zu", what, i);
	member = secret_member(r->json);
	check_true(member == NULL, file, line, "%s: the answer has a member "
	    "\"%s\"", what, member ? member : "");
}
#define CHECK_NO_SECRET(r, secrets, what)				\
	check_no_secret_at((r), (secrets), (what), __FILE__, __LINE__)

TEST(no_pms_answer_carries_a_key_its_hash_or_the_id_of_the_key_that_wrote)
{
	struct scratch s;
	struct write w[NWRITES];
	const char *secrets[5], *allot, *res, *contract, *ref, *text;
	struct http_response *r;
	int32_t b;
	int i;

	REQUIRE(SCRATCH_NEW(&s, 1, 4, ZONE, TODAY_IN(ZONE), 1));
	REQUIRE(writes_at(&s, w, __FILE__, __LINE__));
	secrets[0] = s.key;
	secrets[1] = s.agent_key;
	secrets[2] = SQL_VALUE(key_sha_sql, 1, s.key);
	secrets[3] = SQL_VALUE(key_sha_sql, 1, s.agent_key);
	secrets[4] = NULL;
	REQUIRE(secrets[2] != NULL && secrets[3] != NULL);
	b = s.business;
	/* Every write's answer. */
	for (i = 0; i < NWRITES; i++) {
		text = pool_json_print(w[i].body);
		r = pms_request("POST", w[i].path, w[i].key, NULL, text,
		    strlen(text));
		CHECK_NO_SECRET(r, secrets, w[i].what);
	}
	REQUIRE((allot = ALLOTMENT_NEW(&s, "allotment", b + 50, b + 53,
	    b + 45, 1)) != NULL);
	REQUIRE((res = PICKUP_NEW(&s, allot, 0, b + 50, b + 51, 1)) != NULL);
	REQUIRE((contract = CONTRACT_NEW(&s, NULL)) != NULL);
	text = pool_printf("{\"kind\":\"oos\",\"oooFrom\":\"%s\","
	    "\"oooUntil\":\"%s\"}", day_s(b + 60), day_s(b + 61));
	r = pms_request("POST", pool_printf("/v1/units/%s/out-of-service",
	    s.units[0][1]), s.key, NULL, text, strlen(text));
	REQUIRE(CHECK_STATUS(r, 201));
	ref = jstr(jget(r->json, "data"), "refId");
	REQUIRE(ref != NULL);
	/* Every read, and the other actions' answers. */
	CHECK_NO_SECRET(pms_get(pool_printf("/v1/units/%s", s.units[0][1]),
	    s.agent_key), secrets, "GET unit");
	CHECK_NO_SECRET(pms_get(pool_printf("/v1/units?establishmentId=%s",
	    s.est), s.agent_key), secrets, "GET units");
	CHECK_NO_SECRET(pms_get(pool_printf("/v1/availability?establishmentId"
	    "=%s&from=%s&to=%s", s.est, day_s(b), day_s(b + 5)), s.agent_key),
	    secrets, "GET availability");
	CHECK_NO_SECRET(pms_get(pool_printf("/v1/allotments/%s", allot),
	    s.agent_key), secrets, "GET allotment");
	CHECK_NO_SECRET(pms_get(pool_printf("/v1/allotments?establishmentId="
	    "%s", s.est), s.agent_key), secrets, "GET allotments");
	CHECK_NO_SECRET(pms_get(pool_printf("/v1/allotments/%s/reservations",
	    allot), s.agent_key), secrets, "GET rooming list");
	CHECK_NO_SECRET(pms_get(pool_printf("/v1/long-stay-contracts/%s",
	    contract), s.agent_key), secrets, "GET contract");
	CHECK_NO_SECRET(pms_get(pool_printf("/v1/long-stay-contracts?"
	    "establishmentId=%s", s.est), s.agent_key), secrets,
	    "GET contracts");
	CHECK_NO_SECRET(pickup_cancel(allot, res, s.agent_key), secrets,
	    "pickup cancel");
	CHECK_NO_SECRET(allotment_action(allot, "cancel", s.key, NULL),
	    secrets, "allotment cancel");
	CHECK_NO_SECRET(pms_request("POST", pool_printf(
	    "/v1/long-stay-contracts/%s/cancel", contract), s.key, NULL, NULL,
	    0), secrets, "contract cancel");
	CHECK_NO_SECRET(pms_request("DELETE", pool_printf("/v1/units/%s/"
	    "out-of-service/%s", s.units[0][1], ref), s.key, NULL, NULL, 0),
	    secrets, "return to service");
}

TEST(no_amage_answer_carries_the_clients_secret)
{
	static const char *const secrets[] = { AMAGE_DEMO_SECRET, NULL };
	const char *uuid = fresh_uuid();

	CHECK_NO_SECRET(amage_post(WO_BASE "/add", pool_printf("{\"uuid\":"
	    "\"%s\",\"name\":\"itest answers\"}", uuid)), secrets, "add");
	CHECK_NO_SECRET(amage_get(pool_printf(WO_BASE "/get/by-uuid/%s", uuid)),
	    secrets, "get/by-uuid");
	CHECK_NO_SECRET(amage_get(WO_BASE "/list?page=1&size=5"), secrets,
	    "list");
	CHECK_NO_SECRET(amage_get(WO_BASE "/count"), secrets, "count");
	CHECK_NO_SECRET(amage_post(pool_printf(WO_BASE "/edit/%s", uuid),
	    "{\"name\":\"itest answers 2\"}"), secrets, "edit");
}

static const struct test_case tests[] = {
	TEST_ENTRY(every_pms_write_refuses_an_undeclared_field_as_unknown_field_and_writes_nothing),
	TEST_ENTRY(fields_the_server_sets_sent_in_a_pms_write_are_400_naming_them_and_write_nothing),
	TEST_ENTRY(amage_add_and_edit_refuse_an_undeclared_field_and_write_nothing),
	TEST_ENTRY(no_pms_answer_carries_a_key_its_hash_or_the_id_of_the_key_that_wrote),
	TEST_ENTRY(no_amage_answer_carries_the_clients_secret),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
