/*
 * test_security_access: who may call which PMS route on whose objects
 * (docs/security.md, OWASP API1 and API5; SPEC 2.1), every route of the
 * three PMS route tables in one place, through the real stack:
 *  - no key or an unknown key: 401 UNAUTHENTICATED on every route;
 *  - an agent key of the establishment: 403 FORBIDDEN on every
 *    manager-only route, and nothing changes;
 *  - the manager and the agent keys of another establishment: 403
 *    OUT_OF_SCOPE on every route that names an object (path, query or
 *    body) of this establishment, and nothing changes;
 *  - an object of this establishment put into a path under an object of
 *    one's own establishment (a reservation under one's own allotment, a
 *    block under one's own unit): 404, and nothing changes;
 *  - the same agent key in its own establishment is served on every agent
 *    route (the refusals above are the key's, not the route's).
 * Two scratch establishments per test (scratch.h), the demo data untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scratch.h"

#define ZONE		"Europe/Paris"
#define BOGUS_KEY	"pms-not-a-key-0000000000000000000000000000000000000000"

/* One request of a route, as a key other than the owner's sends it. */
struct call {
	const char *method;
	const char *path;
	const char *body;		/* NULL: none */
	int manager_only;
};

#define NCALLS 18

/*
 * Objects of one establishment, one of each kind a route can name; the
 * requests of every route aimed at them; what it held before them.
 */
struct world {
	struct scratch s;		/* the owner */
	struct scratch other;		/* another establishment */
	const char *definite;		/* allotment, with one pickup */
	const char *tentative;		/* allotment */
	const char *reservation;	/* pickup of definite */
	const char *contract;		/* draft */
	const char *unit;		/* s.units[0][0], with one block */
	const char *block;		/* its refId */
	struct call c[NCALLS];		/* world_calls */
	const char *before;		/* est_counts when made */
	const char *snap;		/* inventory when made */
};

/* POST /v1/units/{unit}/out-of-service of [from, until); the refId or NULL. */
static const char *
block_new_at(const char *unit, const char *key, int32_t from, int32_t until,
    const char *file, int line)
{
	const char *body = pool_printf("{\"kind\":\"ooo\",\"oooFrom\":\"%s\","
	    "\"oooUntil\":\"%s\"}", day_s(from), day_s(until));
	struct http_response *r = pms_request("POST", pool_printf(
	    "/v1/units/%s/out-of-service", unit), key, NULL, body,
	    strlen(body));
	const char *ref = jstr(jget(r->json, "data"), "refId");

	if (!check_status_at(r, 201, file, line) || !check_true(ref != NULL,
	    file, line, "no data.refId: %.300s", r->body))
		return NULL;
	return ref;
}
#define BLOCK_NEW(unit, key, from, until)				\
	block_new_at((unit), (key), (from), (until), __FILE__, __LINE__)

static void world_calls(struct world *w);
static const char *est_counts_at(const struct world *w, const char *file,
    int line);

static int
world_new_at(struct world *w, const char *file, int line)
{
	int32_t b;

	memset(w, 0, sizeof(*w));
	if (!scratch_new_at(&w->s, 1, 4, ZONE, today_in_at(ZONE, file, line),
	    1, file, line) ||
	    !scratch_new_at(&w->other, 1, 2, ZONE, today_in_at(ZONE, file,
	    line), 1, file, line))
		return 0;
	b = w->s.business;
	w->definite = allotment_new_at(&w->s, "allotment", b + 10, b + 13,
	    b + 5, (const int []){ 2 }, file, line);
	w->tentative = allotment_new_at(&w->s, "tentative", b + 20, b + 23,
	    b + 15, (const int []){ 1 }, file, line);
	if (w->definite == NULL || w->tentative == NULL)
		return 0;
	w->reservation = pickup_new_at(&w->s, w->definite, 0, b + 10, b + 12,
	    1, file, line);
	w->contract = contract_new_at(&w->s, NULL, file, line);
	w->unit = w->s.units[0][0];
	w->block = block_new_at(w->unit, w->s.key, b + 30, b + 32, file, line);
	if (w->reservation == NULL || w->contract == NULL || w->block == NULL)
		return 0;
	world_calls(w);
	w->snap = inventory_snapshot_at(w->s.types[0], b, b + 60, file, line);
	return (w->before = est_counts_at(w, file, line)) != NULL &&
	    w->snap != NULL;
}
#define WORLD_NEW(w)		world_new_at((w), __FILE__, __LINE__)

/*
 * Every PMS route (cgi-bin/{units,allotments,long-stay-contracts}/main.c),
 * aimed at w's objects: valid requests, so that only the key can make
 * them fail.
 */
static void
world_calls(struct world *w)
{
	struct call *c = w->c;
	const struct scratch *s = &w->s;
	int32_t b = s->business;
	int i = 0;

	c[i++] = (struct call){ "GET", pool_printf("/v1/units/%s", w->unit),
	    NULL, 0 };
	c[i++] = (struct call){ "GET", pool_printf("/v1/units?establishmentId"
	    "=%s", s->est), NULL, 0 };
	c[i++] = (struct call){ "GET", pool_printf("/v1/availability?"
	    "establishmentId=%s&from=%s&to=%s", s->est, day_s(b + 1),
	    day_s(b + 3)), NULL, 0 };
	c[i++] = (struct call){ "POST", pool_printf("/v1/units/%s/"
	    "out-of-service", s->units[0][1]), pool_printf("{\"kind\":\"ooo\","
	    "\"oooFrom\":\"%s\",\"oooUntil\":\"%s\"}", day_s(b + 40),
	    day_s(b + 41)), 1 };
	c[i++] = (struct call){ "DELETE", pool_printf("/v1/units/%s/"
	    "out-of-service/%s", w->unit, w->block), NULL, 1 };
	c[i++] = (struct call){ "POST", "/v1/allotments", pool_json_print(
	    allotment_body(s, "tentative", b + 50, b + 52, b + 45,
	    (const int []){ 1 })), 1 };
	c[i++] = (struct call){ "GET", pool_printf("/v1/allotments?"
	    "establishmentId=%s", s->est), NULL, 0 };
	c[i++] = (struct call){ "GET", pool_printf("/v1/allotments/%s",
	    w->definite), NULL, 0 };
	c[i++] = (struct call){ "POST", pool_printf("/v1/allotments/%s/"
	    "confirm", w->tentative), NULL, 1 };
	c[i++] = (struct call){ "POST", pool_printf("/v1/allotments/%s/"
	    "cancel", w->definite), NULL, 1 };
	c[i++] = (struct call){ "POST", pool_printf("/v1/allotments/%s/"
	    "reservations", w->definite), pool_json_print(pickup_body(s, 0,
	    b + 11, b + 12, 1)), 0 };
	c[i++] = (struct call){ "GET", pool_printf("/v1/allotments/%s/"
	    "reservations", w->definite), NULL, 0 };
	c[i++] = (struct call){ "POST", pool_printf("/v1/allotments/%s/"
	    "reservations/%s/cancel", w->definite, w->reservation), NULL, 0 };
	c[i++] = (struct call){ "POST", "/v1/long-stay-contracts",
	    pool_json_print(contract_body(s)), 1 };
	c[i++] = (struct call){ "GET", pool_printf("/v1/long-stay-contracts?"
	    "establishmentId=%s", s->est), NULL, 0 };
	c[i++] = (struct call){ "GET", pool_printf("/v1/long-stay-contracts/%s",
	    w->contract), NULL, 0 };
	c[i++] = (struct call){ "POST", pool_printf("/v1/long-stay-contracts/%s"
	    "/activate", w->contract), NULL, 1 };
	c[i++] = (struct call){ "POST", pool_printf("/v1/long-stay-contracts/%s"
	    "/cancel", w->contract), NULL, 1 };
}

static struct http_response *
call_send(const struct call *c, const char *key)
{
	return pms_request(c->method, c->path, key, NULL, c->body,
	    c->body != NULL ? strlen(c->body) : 0);
}

/* data.status of GET path with key, or NULL after a failure. */
static const char *
status_at(const char *path, const char *key, const char *file, int line)
{
	struct http_response *r = pms_get(path, key);

	if (!check_status_at(r, 200, file, line))
		return NULL;
	return jstr(jget(r->json, "data"), "status");
}
#define STATUS_OF(path, key)	status_at((path), (key), __FILE__, __LINE__)

/* Rows of a table of the owner's establishment, as one string. */
static const char est_counts_sql[] =
    "SELECT CONCAT((SELECT COUNT(*) FROM allotments WHERE establishment_id "
    "= ?), '/', (SELECT COUNT(*) FROM long_stay_contracts WHERE "
    "establishment_id = ?), '/', (SELECT COUNT(*) FROM allotment_reservations"
    " r JOIN allotments a ON a.id = r.allotment_id WHERE a.establishment_id "
    "= ?))";

static const char *
est_counts_at(const struct world *w, const char *file, int line)
{
	return sql_value_at(file, line, est_counts_sql, 3, w->s.est, w->s.est,
	    w->s.est);
}

/*
 * Nothing of w changed since it was made: the statuses of its objects,
 * its blocks, its counts (w->before) and its inventory (w->snap).
 */
static void
world_unchanged_at(const struct world *w, const char *file, int line)
{
	const struct scratch *s = &w->s;
	struct http_response *r;
	const cJSON *blocks;
	const char *st;

	st = status_at(pool_printf("/v1/allotments/%s", w->definite), s->key,
	    file, line);
	check_str("definite", st, "definite allotment's status", file, line);
	st = status_at(pool_printf("/v1/allotments/%s", w->tentative),
	    s->key, file, line);
	check_str("tentative", st, "tentative allotment's status", file, line);
	st = status_at(pool_printf("/v1/long-stay-contracts/%s", w->contract),
	    s->key, file, line);
	check_str("draft", st, "contract's status", file, line);
	r = pms_get(pool_printf("/v1/allotments/%s/reservations", w->definite),
	    s->key);
	if (check_status_at(r, 200, file, line)) {
		const cJSON *first = cJSON_GetArrayItem(jget(r->json, "data"),
		    0);

		check_str("active", jstr(first, "status"), "pickup's status",
		    file, line);
	}
	r = pms_get(pool_printf("/v1/units/%s", w->unit), s->key);
	if (check_status_at(r, 200, file, line)) {
		blocks = jget(jget(r->json, "data"), "blocks");
		check_int(1, cJSON_GetArraySize(blocks), "blocks of the unit",
		    file, line);
	}
	r = pms_get(pool_printf("/v1/units/%s", s->units[0][1]), s->key);
	if (check_status_at(r, 200, file, line)) {
		blocks = jget(jget(r->json, "data"), "blocks");
		check_int(0, cJSON_GetArraySize(blocks), "blocks of unit 2",
		    file, line);
	}
	check_str(w->before, est_counts_at(w, file, line),
	    "allotments/contracts/pickups of the establishment", file, line);
	check_str(w->snap, inventory_snapshot_at(s->types[0], s->business,
	    s->business + 60, file, line), "inventory of the establishment",
	    file, line);
}
#define WORLD_UNCHANGED(w)	world_unchanged_at((w), __FILE__, __LINE__)

/* ======================================================================== */

TEST(every_pms_route_without_a_key_or_with_an_unknown_key_is_401_and_changes_nothing)
{
	struct world w;
	int i;

	REQUIRE(WORLD_NEW(&w));
	for (i = 0; i < NCALLS; i++) {
		if (!CHECK_PMS_ERROR(call_send(&w.c[i], NULL), 401,
		    "UNAUTHENTICATED") ||
		    !CHECK_PMS_ERROR(call_send(&w.c[i], BOGUS_KEY), 401,
		    "UNAUTHENTICATED"))
			FAIL("(on %s %s)", w.c[i].method, w.c[i].path);
	}
	WORLD_UNCHANGED(&w);
}

TEST(every_manager_only_route_refuses_an_agent_key_of_the_establishment_with_403_forbidden_and_changes_nothing)
{
	struct world w;
	int i, n = 0;

	REQUIRE(WORLD_NEW(&w));
	for (i = 0; i < NCALLS; i++) {
		if (!w.c[i].manager_only)
			continue;
		n++;
		if (!CHECK_PMS_ERROR(call_send(&w.c[i], w.s.agent_key), 403,
		    "FORBIDDEN"))
			FAIL("(on %s %s)", w.c[i].method, w.c[i].path);
	}
	CHECK_INT(8, n);
	WORLD_UNCHANGED(&w);
}

TEST(every_pms_route_on_an_object_of_another_establishment_is_403_out_of_scope_for_its_manager_and_agent_keys)
{
	struct world w;
	int i;

	REQUIRE(WORLD_NEW(&w));
	for (i = 0; i < NCALLS; i++) {
		/* An agent is refused a manager-only route by its role
		   first (403 FORBIDDEN, the test above). */
		if (!CHECK_PMS_ERROR(call_send(&w.c[i], w.other.key), 403,
		    "OUT_OF_SCOPE") || (!w.c[i].manager_only &&
		    !CHECK_PMS_ERROR(call_send(&w.c[i], w.other.agent_key), 403,
		    "OUT_OF_SCOPE")))
			FAIL("(on %s %s)", w.c[i].method, w.c[i].path);
	}
	WORLD_UNCHANGED(&w);
}

TEST(out_of_scope_answers_name_no_field_of_the_object)
{
	struct world w;
	struct http_response *r;
	int i;

	REQUIRE(WORLD_NEW(&w));
	for (i = 0; i < NCALLS; i++) {
		r = call_send(&w.c[i], w.other.key);
		CHECKF(r->body != NULL && jget(r->json, "data") == NULL &&
		    strstr(r->body, w.s.types[0]) == NULL &&
		    strstr(r->body, w.s.rate_plan) == NULL &&
		    strstr(r->body, w.s.guest) == NULL, "%s %s: the refusal "
		    "carries the object: %.300s", w.c[i].method, w.c[i].path,
		    r->body ? r->body : "");
	}
}

TEST(a_reservation_of_another_establishment_under_ones_own_allotment_is_404_and_stays_active)
{
	struct world w;
	const char *mine;
	int32_t b;

	REQUIRE(WORLD_NEW(&w));
	b = w.other.business;
	REQUIRE((mine = ALLOTMENT_NEW(&w.other, "allotment", b + 10, b + 13,
	    b + 5, 1)) != NULL);
	CHECK_PMS_ERROR(pickup_cancel(mine, w.reservation, w.other.agent_key),
	    404, "RESERVATION_NOT_FOUND");
	CHECK_PMS_ERROR(pickup_cancel(mine, w.reservation, w.other.key), 404,
	    "RESERVATION_NOT_FOUND");
	CHECK_INT(1, PICKED(w.definite, w.s.types[0], w.s.business + 10));
	CHECK_INT(0, PICKED(mine, w.other.types[0], b + 10));
}

TEST(a_block_of_another_establishment_under_ones_own_unit_is_404_and_stays)
{
	struct world w;

	REQUIRE(WORLD_NEW(&w));
	CHECK_PMS_ERROR(pms_request("DELETE", pool_printf("/v1/units/%s/"
	    "out-of-service/%s", w.other.units[0][0], w.block), w.other.key,
	    NULL, NULL, 0), 404, "UNIT_BLOCK_NOT_FOUND");
	WORLD_UNCHANGED(&w);
}

TEST(the_agent_key_of_the_establishment_is_served_on_every_agent_route)
{
	struct world w;
	struct http_response *r;
	int i, n = 0;

	REQUIRE(WORLD_NEW(&w));
	for (i = 0; i < NCALLS; i++) {
		if (w.c[i].manager_only)
			continue;
		n++;
		r = call_send(&w.c[i], w.s.agent_key);
		CHECKF(r->status == 200 || r->status == 201, "%s %s by the "
		    "establishment's agent: %ld %.300s", w.c[i].method,
		    w.c[i].path, r->status, r->body ? r->body : "");
	}
	CHECK_INT(10, n);
}

static const struct test_case tests[] = {
	TEST_ENTRY(every_pms_route_without_a_key_or_with_an_unknown_key_is_401_and_changes_nothing),
	TEST_ENTRY(every_manager_only_route_refuses_an_agent_key_of_the_establishment_with_403_forbidden_and_changes_nothing),
	TEST_ENTRY(every_pms_route_on_an_object_of_another_establishment_is_403_out_of_scope_for_its_manager_and_agent_keys),
	TEST_ENTRY(out_of_scope_answers_name_no_field_of_the_object),
	TEST_ENTRY(a_reservation_of_another_establishment_under_ones_own_allotment_is_404_and_stays_active),
	TEST_ENTRY(a_block_of_another_establishment_under_ones_own_unit_is_404_and_stays),
	TEST_ENTRY(the_agent_key_of_the_establishment_is_served_on_every_agent_route),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
