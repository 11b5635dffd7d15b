/*
 * test_allotments_read: the read endpoints of the allotments family, as
 * SPEC 2.7 and docs/allotments.md ("Answers", "Lists") fix them:
 *  - GET /v1/allotments/{id}: every field with its JSON type (counts
 *    integers, money digit strings, minimumPickupPercent a number in
 *    percent), null for the optional fields not sent, unitAllocations and
 *    allocations in the order sent, per-night allocated / picked /
 *    remaining (0 once a night is closed), the cutoff armed, done with its
 *    result, and done with a null result (cancelled); 400, 403, 404, and
 *    an upper-case id;
 *  - GET /v1/allotments?establishmentId=&from=&to=&status=&page=&size=:
 *    the list shape, items as GET minus the nights, period order, the
 *    status and overlap filters, paging and total, every bad parameter in
 *    one 400, 403 and 404;
 *  - GET /v1/allotments/{id}/reservations: the rooming list in creation
 *    order, cancelled pickups listed as such, every field of an entry,
 *    paging, 400, 403, 404;
 *  - each read answers 503 when any of its queries fails (X-Pms-Fault).
 * Each test makes its own scratch establishment (scratch.h) and writes its
 * allotments, nights and pickups with SQL as the schema's comments say
 * the writers keep them (a definite allotment's nights open, a cutoff's
 * closed), since the write endpoints are not what is tested here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "db.h"
#include "harness.h"
#include "scratch.h"

/* The harness's SQL helper (harness.h): query 1 for rows, 0 for a statement. */
#define Q(...)			harness_sql_at(__FILE__, __LINE__, 1, __VA_ARGS__)
#define X(...)			(harness_sql_at(__FILE__, __LINE__, 0, __VA_ARGS__) != NULL)

/* The business date of every scratch establishment here. */
#define BD			date_from_ymd(2031, 3, 1)

/* ---- fixtures, written with SQL ------------------------------------------------ */

static const char allotment_ins_sql[] =
    "INSERT INTO allotments (id, establishment_id, rate_plan_id, "
    "channel_type, allotment_type, currency, period_from, period_to, "
    "cutoff_date, minimum_pickup_bp, status) "
    "VALUES (?, ?, ?, 'group', ?, 'EUR', ?, ?, ?, 7000, ?)";
static const char allotment_terms_sql[] =
    "UPDATE allotments SET channel_type = 'corporate', "
    "channel_external_id = ?, penalty_per_room_night_cents = ?, "
    "complimentary_rooms = ?, contractual_headcount = ?, "
    "invoicing_mode = ?, billing_folio_id = ?, minimum_pickup_bp = ?, "
    "currency = 'GBP' WHERE id = ?";
static const char allotment_cutoff_sql[] =
    "UPDATE allotments SET cutoff_state = 'done', status = ?, "
    "contracted_room_nights = ?, picked_room_nights = ?, pickup_bp = ?, "
    "penalty_cents = ?, cutoff_done_at = NOW() WHERE id = ?";
static const char allocation_ins_sql[] =
    "INSERT INTO allotment_allocations (allotment_id, unit_type_id, "
    "position, quantity) VALUES (?, ?, ?, ?)";
/* One row per night of [from, to), each with allocated = quantity. */
static const char nights_ins_sql[] =
    "INSERT INTO allotment_nights (allotment_id, unit_type_id, night, "
    "allocated, picked, is_open) "
    "SELECT ?, ?, CAST(? AS DATE) + INTERVAL seq DAY, ?, 0, ? "
    "FROM seq_0_to_365 WHERE seq < DATEDIFF(?, ?)";
static const char night_pick_sql[] =
    "UPDATE allotment_nights SET picked = ? "
    "WHERE allotment_id = ? AND unit_type_id = ? AND night = ?";
static const char nights_close_sql[] =
    "UPDATE allotment_nights SET is_open = 0 WHERE allotment_id = ?";
/* The rest of a pickup from its allotment and establishment. */
static const char pickup_ins_sql[] =
    "INSERT INTO allotment_reservations (id, allotment_id, "
    "establishment_id, unit_type_id, check_in_date, check_out_date, "
    "quantity, rate_plan_id, guest_profile_id, channel_type, segment, "
    "booker_contact_name, booker_contact_email, business_date_at_creation, "
    "created_at) "
    "SELECT ?, a.id, a.establishment_id, ?, ?, ?, ?, a.rate_plan_id, "
    "(SELECT g.id FROM guest_profiles g "
    "  WHERE g.establishment_id = a.establishment_id LIMIT 1), "
    "'agency', 'leisure', ?, 'booker@example.org', e.business_date, ? "
    "FROM allotments a JOIN establishments e ON e.id = a.establishment_id "
    "WHERE a.id = ?";
static const char pickup_cancel_sql[] =
    "UPDATE allotment_reservations SET status = 'cancelled', "
    "cancelled_at = NOW() WHERE id = ?";
static const char key_ins_sql[] =
    "INSERT INTO api_keys (key_sha256, label, role, all_establishments) "
    "VALUES (SHA2(?, 256), 'itest allotments read', 'agent', 1)";

/* A scratch establishment with two unit types; 1 or 0. */
static int
scratch(struct scratch *s)
{
	return SCRATCH_NEW(s, 2, 1, "Europe/Paris", BD, 0);
}

/*
 * A new allotment of s (type "allotment" or "tentative", status as
 * given) on [BD + from, BD + to) with cutoff at BD + cutoff, no optional
 * term, minimum pickup 70 %; its id (pool), or NULL.
 */
static const char *
allotment_add(const struct scratch *s, const char *type, const char *status,
    int from, int to, int cutoff)
{
	const char *id = fresh_uuid();

	return X(allotment_ins_sql, 8, id, s->est, s->rate_plan, type,
	    day_s(BD + from), day_s(BD + to), day_s(BD + cutoff), status) ?
	    id : NULL;
}

/* An allocation of quantity rooms of type at position, with its nights
   [BD + from, BD + to) open or closed; 1 or 0. */
static int
allocation_add(const char *id, const char *type, int position, int quantity,
    int from, int to, int open)
{
	const char *q = pool_printf("%d", quantity);

	return X(allocation_ins_sql, 4, id, type, pool_printf("%d", position),
	    q) && X(nights_ins_sql, 7, id, type, day_s(BD + from), q,
	    open ? "1" : "0", day_s(BD + to), day_s(BD + from));
}

/* A pickup; its id (pool), or NULL. */
static const char *
pickup_add(const char *allotment, const char *type, int in, int out,
    int quantity, const char *name, const char *created_at)
{
	const char *id = fresh_uuid();

	return X(pickup_ins_sql, 8, id, type, day_s(BD + in), day_s(BD + out),
	    pool_printf("%d", quantity), name, created_at, allotment) ?
	    id : NULL;
}

/* ---- answers ------------------------------------------------------------------- */

/* key is a JSON integer equal to want. */
static int
check_int_at(const cJSON *obj, const char *key, long long want,
    const char *file, int line)
{
	const cJSON *v = jget(obj, key);

	return check_true(cJSON_IsNumber(v) &&
	    v->valuedouble == (double)want, file, line,
	    "\"%s\": %s, expected the integer %lld", key, jshow(v), want);
}
#define CHECK_INT_MEMBER(o, k, want) check_int_at((o), (k), (want), __FILE__, __LINE__)

/* The details of a 400 VALIDATION_FAILED are exactly the space-separated
   "field:rule" pairs of want, in any order. */
static int
check_refused_at(const struct http_response *r, const char *want,
    const char *file, int line)
{
	const cJSON *d;
	char *got = pool_strdup(" "), *words = pool_strdup(want), *save, *w;
	int ok = check_pms_error_at(r, 400, "VALIDATION_FAILED", file, line);
	int n = 0;

	cJSON_ArrayForEach(d, jget(r->json, "details"))
		got = pool_printf("%s%s:%s ", got,
		    jstr(d, "field") ? jstr(d, "field") : "?",
		    jstr(d, "rule") ? jstr(d, "rule") : "?");
	for (w = strtok_r(words, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save), n++)
		ok &= check_true(strstr(got, pool_printf(" %s ", w)) != NULL,
		    file, line, "details lack %s:%s", w, got);
	return ok & check_true(cJSON_GetArraySize(jget(r->json,
	    "details")) == n, file, line, "details%s, expected %s", got,
	    want);
}
#define CHECK_REFUSED(r, want)	check_refused_at((r), (want), __FILE__, __LINE__)

/* obj[key] when it is a JSON integer, else -1. */
static long long
jint(const cJSON *obj, const char *key)
{
	const cJSON *v = jget(obj, key);

	return cJSON_IsNumber(v) && v->valuedouble ==
	    (double)(long long)v->valuedouble ? (long long)v->valuedouble : -1;
}

/* The nights of allocation a: one a date from BD + from on, and
   "allocated/picked/remaining" of each, space-separated, as want. */
static int
check_nights_at(const cJSON *a, int from, const char *want, const char *file,
    int line)
{
	const cJSON *n;
	char *got = pool_strdup("");
	int i = 0, ok = 1;

	cJSON_ArrayForEach(n, jget(a, "nights")) {
		ok &= check_str(day_s(BD + from + i++), jstr(n, "date"), "date",
		    file, line);
		got = pool_printf("%s%s%lld/%lld/%lld", got, got[0] ? " " : "",
		    jint(n, "allocated"), jint(n, "picked"),
		    jint(n, "remaining"));
	}
	return ok & check_str(want, got, "nights", file, line);
}
#define CHECK_NIGHTS(a, from, want) check_nights_at((a), (from), (want), __FILE__, __LINE__)

/* The ids of the items of a list answer, space-separated, under key. */
static const char *
ids_of(const struct http_response *r, const char *key)
{
	const cJSON *item;
	char *out = pool_strdup("");

	cJSON_ArrayForEach(item, jget(r->json, "data"))
		out = pool_printf("%s%s%s", out, out[0] ? " " : "",
		    jstr(item, key) ? jstr(item, key) : "?");
	return out;
}

/* The page member of a list answer is number, size, total (integers). */
static int
check_page_at(const struct http_response *r, long long number,
    long long size, long long total, const char *file, int line)
{
	const cJSON *page = jget(r->json, "page");

	return check_int_at(page, "number", number, file, line) &
	    check_int_at(page, "size", size, file, line) &
	    check_int_at(page, "total", total, file, line);
}
#define CHECK_PAGE(r, n, s, t)	check_page_at((r), (n), (s), (t), __FILE__, __LINE__)

static struct http_response *
get_allotment(const char *id, const char *key)
{
	return pms_get(pool_printf("/v1/allotments/%s", id), key);
}

static struct http_response *
list_allotments(const struct scratch *s, const char *extra)
{
	return pms_get(pool_printf("/v1/allotments?establishmentId=%s%s",
	    s->est, extra), s->agent_key);
}

/* ---- GET /v1/allotments/{id} ---------------------------------------------------- */

TEST(get_answers_every_field_with_its_type_and_the_nights_per_allocation)
{
	const cJSON *data, *list, *alloc, *a, *cutoff;
	const char *id, *folio = fresh_uuid();
	struct http_response *r;
	struct scratch s;

	REQUIRE(scratch(&s));
	REQUIRE((id = allotment_add(&s, "allotment", "definite", 10, 13,
	    5)) != NULL);
	REQUIRE(X(allotment_terms_sql, 8, "EXT-42", "15000", "2", "40",
	    "master_single", folio, "7050", id));
	/* Sent second type first: answered in the order sent. */
	REQUIRE(allocation_add(id, s.types[1], 1, 5, 10, 13, 1));
	REQUIRE(allocation_add(id, s.types[0], 2, 3, 10, 13, 1));
	REQUIRE(X(night_pick_sql, 4, "2", id, s.types[1], day_s(BD + 11)));
	REQUIRE(X(night_pick_sql, 4, "5", id, s.types[1], day_s(BD + 12)));
	REQUIRE(X(night_pick_sql, 4, "1", id, s.types[0], day_s(BD + 10)));

	r = get_allotment(id, s.agent_key);
	REQUIRE(CHECK_STATUS(r, 200));
	data = jget(r->json, "data");
	CHECK_JSON_STR(data, "id", id);
	CHECK_JSON_STR(data, "establishmentId", s.est);
	CHECK_JSON_STR(data, "ratePlanId", s.rate_plan);
	CHECK_JSON_STR(data, "channelType", "corporate");
	CHECK_JSON_STR(data, "channelExternalId", "EXT-42");
	CHECK_JSON_STR(data, "allotmentType", "allotment");
	CHECK_JSON_STR(data, "currency", "GBP");
	CHECK_JSON_STR(data, "periodFrom", day_s(BD + 10));
	CHECK_JSON_STR(data, "periodTo", day_s(BD + 13));
	CHECK_JSON_STR(data, "cutoffDate", day_s(BD + 5));
	CHECK_JSON_NUM(data, "minimumPickupPercent", 70.5);
	CHECK_JSON_STR(data, "penaltyPerRoomNightCents", "15000");
	CHECK_INT_MEMBER(data, "complimentaryRooms", 2);
	CHECK_INT_MEMBER(data, "contractualHeadcount", 40);
	CHECK_JSON_STR(data, "invoicingMode", "master_single");
	CHECK_JSON_STR(data, "billingFolioId", folio);
	CHECK_JSON_STR(data, "status", "definite");

	list = jget(data, "unitAllocations");
	REQUIRE(CHECKF(cJSON_GetArraySize(list) == 2, "unitAllocations: %s",
	    jshow(list)));
	a = cJSON_GetArrayItem(list, 0);
	CHECK_JSON_STR(a, "unitTypeId", s.types[1]);
	CHECK_INT_MEMBER(a, "quantity", 5);
	CHECK(jget(a, "nights") == NULL);
	a = cJSON_GetArrayItem(list, 1);
	CHECK_JSON_STR(a, "unitTypeId", s.types[0]);
	CHECK_INT_MEMBER(a, "quantity", 3);

	alloc = jget(data, "allocations");
	REQUIRE(CHECKF(cJSON_GetArraySize(alloc) == 2, "allocations: %s",
	    jshow(alloc)));
	a = cJSON_GetArrayItem(alloc, 0);
	CHECK_JSON_STR(a, "unitTypeId", s.types[1]);
	CHECK_INT_MEMBER(a, "quantity", 5);
	CHECK_NIGHTS(a, 10, "5/0/5 5/2/3 5/5/0");
	a = cJSON_GetArrayItem(alloc, 1);
	CHECK_JSON_STR(a, "unitTypeId", s.types[0]);
	CHECK_INT_MEMBER(a, "quantity", 3);
	CHECK_NIGHTS(a, 10, "3/1/2 3/0/3 3/0/3");

	cutoff = jget(data, "cutoff");
	CHECK_JSON_STR(cutoff, "date", day_s(BD + 5));
	CHECK_JSON_STR(cutoff, "state", "armed");
	CHECKF(jget(cutoff, "result") == NULL, "an armed cutoff has no "
	    "result: %s", jshow(cutoff));
	CHECK_INT(20, cJSON_GetArraySize(data));
}

TEST(get_answers_null_for_the_optional_fields_of_a_tentative)
{
	const cJSON *data, *a;
	struct http_response *r;
	const char *id;
	struct scratch s;

	REQUIRE(scratch(&s));
	REQUIRE((id = allotment_add(&s, "tentative", "tentative", 3, 5,
	    1)) != NULL);
	REQUIRE(allocation_add(id, s.types[0], 1, 4, 3, 5, 1));

	r = get_allotment(id, s.key);
	REQUIRE(CHECK_STATUS(r, 200));
	data = jget(r->json, "data");
	CHECK_JSON_STR(data, "allotmentType", "tentative");
	CHECK_JSON_STR(data, "status", "tentative");
	CHECK_JSON_STR(data, "channelType", "group");
	CHECK_JSON_STR(data, "currency", "EUR");
	CHECK_INT_MEMBER(data, "minimumPickupPercent", 70);
	CHECK_JSON_NULL(data, "channelExternalId");
	CHECK_JSON_NULL(data, "penaltyPerRoomNightCents");
	CHECK_JSON_NULL(data, "complimentaryRooms");
	CHECK_JSON_NULL(data, "contractualHeadcount");
	CHECK_JSON_NULL(data, "invoicingMode");
	CHECK_JSON_NULL(data, "billingFolioId");
	a = cJSON_GetArrayItem(jget(data, "allocations"), 0);
	CHECK_JSON_STR(a, "unitTypeId", s.types[0]);
	CHECK_NIGHTS(a, 3, "4/0/4 4/0/4");
	CHECK_JSON_STR(jget(data, "cutoff"), "state", "armed");
}

TEST(get_after_the_cutoff_answers_its_result_and_closed_nights_have_0_remaining)
{
	const cJSON *data, *cutoff, *result;
	struct http_response *r;
	const char *id;
	struct scratch s;

	REQUIRE(scratch(&s));
	REQUIRE((id = allotment_add(&s, "allotment", "definite", 2, 4,
	    0)) != NULL);
	REQUIRE(X(allotment_terms_sql, 8, NULL, "4000", NULL, NULL, NULL,
	    NULL, "10000", id));
	REQUIRE(allocation_add(id, s.types[0], 1, 10, 2, 4, 1));
	REQUIRE(X(night_pick_sql, 4, "4", id, s.types[0], day_s(BD + 2)));
	REQUIRE(X(night_pick_sql, 4, "6", id, s.types[0], day_s(BD + 3)));
	/* As the cutoff leaves it: nights closed, the result recorded. */
	REQUIRE(X(nights_close_sql, 1, id));
	REQUIRE(X(allotment_cutoff_sql, 6, "released", "20", "10", "5000",
	    "20000", id));

	r = get_allotment(id, s.agent_key);
	REQUIRE(CHECK_STATUS(r, 200));
	data = jget(r->json, "data");
	CHECK_JSON_STR(data, "status", "released");
	CHECK_INT_MEMBER(data, "minimumPickupPercent", 100);
	CHECK_JSON_STR(data, "penaltyPerRoomNightCents", "4000");
	CHECK_NIGHTS(cJSON_GetArrayItem(jget(data, "allocations"), 0), 2,
	    "10/4/0 10/6/0");
	cutoff = jget(data, "cutoff");
	CHECK_JSON_STR(cutoff, "date", day_s(BD));
	CHECK_JSON_STR(cutoff, "state", "done");
	result = jget(cutoff, "result");
	REQUIRE(CHECKF(cJSON_IsObject(result), "result: %s", jshow(result)));
	CHECK_INT_MEMBER(result, "contractedRoomNights", 20);
	CHECK_INT_MEMBER(result, "pickedUpRoomNights", 10);
	CHECK_INT_MEMBER(result, "pickupPercent", 50);
	CHECK_JSON_STR(result, "penaltyCents", "20000");
}

TEST(get_answers_a_fractional_pickup_percent_as_a_number)
{
	const cJSON *result;
	struct http_response *r;
	const char *id;
	struct scratch s;

	REQUIRE(scratch(&s));
	REQUIRE((id = allotment_add(&s, "tentative", "tentative", 2, 5,
	    0)) != NULL);
	REQUIRE(allocation_add(id, s.types[1], 1, 1, 2, 5, 0));
	REQUIRE(X(allotment_cutoff_sql, 6, "released", "3", "0", "0", "0",
	    id));
	r = get_allotment(id, s.agent_key);
	REQUIRE(CHECK_STATUS(r, 200));
	result = jget(jget(jget(r->json, "data"), "cutoff"), "result");
	CHECK_INT_MEMBER(result, "pickupPercent", 0);
	CHECK_JSON_STR(result, "penaltyCents", "0");

	REQUIRE(X(allotment_cutoff_sql, 6, "released", "3", "1", "3333",
	    "123456789012345678", id));
	r = get_allotment(id, s.agent_key);
	REQUIRE(CHECK_STATUS(r, 200));
	result = jget(jget(jget(r->json, "data"), "cutoff"), "result");
	CHECK_JSON_NUM(result, "pickupPercent", 33.33);
	CHECK_JSON_STR(result, "penaltyCents", "123456789012345678");
	CHECK_CONTAINS(r->body, "\"pickupPercent\":33.33,");
}

TEST(get_of_a_cancelled_allotment_has_a_done_cutoff_with_a_null_result)
{
	const cJSON *data, *cutoff;
	struct http_response *r;
	const char *id;
	struct scratch s;

	REQUIRE(scratch(&s));
	REQUIRE((id = allotment_add(&s, "allotment", "definite", 4, 6,
	    2)) != NULL);
	REQUIRE(allocation_add(id, s.types[0], 1, 2, 4, 6, 1));
	REQUIRE(X(nights_close_sql, 1, id));
	REQUIRE(X(allotment_cutoff_sql, 6, "cancelled", NULL, NULL, NULL,
	    NULL, id));

	r = get_allotment(id, s.agent_key);
	REQUIRE(CHECK_STATUS(r, 200));
	data = jget(r->json, "data");
	CHECK_JSON_STR(data, "status", "cancelled");
	cutoff = jget(data, "cutoff");
	CHECK_JSON_STR(cutoff, "state", "done");
	CHECK_JSON_NULL(cutoff, "result");
	CHECK_NIGHTS(cJSON_GetArrayItem(jget(data, "allocations"), 0), 4,
	    "2/0/0 2/0/0");
}

TEST(get_of_an_unknown_allotment_is_404)
{
	struct http_response *r = get_allotment(fresh_uuid(),
	    KEY_PARIS_AGENT);

	CHECK_PMS_ERROR(r, 404, "ALLOTMENT_NOT_FOUND");
}

TEST(get_with_an_id_that_is_not_a_uuid_is_400_naming_id)
{
	CHECK_REFUSED(get_allotment("not-a-uuid", KEY_PARIS_AGENT),
	    "id:bad_uuid");
	CHECK_REFUSED(get_allotment(pool_printf("%.35s", fresh_uuid()),
	    KEY_PARIS_AGENT), "id:bad_uuid");
}

TEST(get_outside_the_keys_scope_is_403)
{
	struct scratch s, other;
	const char *id;

	REQUIRE(scratch(&s));
	REQUIRE(scratch(&other));
	REQUIRE((id = allotment_add(&s, "tentative", "tentative", 3, 4,
	    1)) != NULL);
	CHECK_PMS_ERROR(get_allotment(id, KEY_LYON_MANAGER), 403,
	    "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(get_allotment(id, other.agent_key), 403,
	    "OUT_OF_SCOPE");
	CHECK_STATUS(get_allotment(id, s.agent_key), 200);
}

TEST(get_accepts_an_upper_case_id_and_answers_it_in_lower_case)
{
	struct http_response *r;
	struct scratch s;
	const char *id;

	REQUIRE(scratch(&s));
	REQUIRE((id = allotment_add(&s, "tentative", "tentative", 3, 4,
	    1)) != NULL);
	r = get_allotment(pool_upper(id), s.agent_key);
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_JSON_STR(jget(r->json, "data"), "id", id);
	CHECK_CONTAINS(r->body, "\"allocations\":[]");
}

/* ---- GET /v1/allotments ------------------------------------------------------------ */

/* Four allotments of s, on [BD+10, BD+13), [BD+13, BD+15), [BD+20,
   BD+25) (cancelled), and a tentative on [BD+5, BD+8). */
struct four {
	const char *a, *b, *c, *t;
};

static int
four_add(const struct scratch *s, struct four *f)
{
	return (f->c = allotment_add(s, "allotment", "cancelled", 20, 25,
	    15)) != NULL &&
	    (f->a = allotment_add(s, "allotment", "definite", 10, 13,
	    9)) != NULL &&
	    (f->t = allotment_add(s, "tentative", "tentative", 5, 8,
	    5)) != NULL &&
	    (f->b = allotment_add(s, "allotment", "definite", 13, 15,
	    9)) != NULL &&
	    allocation_add(f->a, s->types[1], 1, 2, 10, 13, 1) &&
	    allocation_add(f->a, s->types[0], 2, 7, 10, 13, 1);
}

TEST(list_answers_the_allotments_in_period_order_without_nights)
{
	const cJSON *item, *alloc, *a;
	struct http_response *r;
	struct scratch s;
	struct four f;

	REQUIRE(scratch(&s));
	REQUIRE(four_add(&s, &f));
	r = list_allotments(&s, "");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR(pool_printf("%s %s %s %s", f.t, f.a, f.b, f.c),
	    ids_of(r, "id"));
	CHECK_PAGE(r, 1, 50, 4);
	item = cJSON_GetArrayItem(jget(r->json, "data"), 1);
	CHECK_JSON_STR(item, "establishmentId", s.est);
	CHECK_JSON_STR(item, "periodFrom", day_s(BD + 10));
	CHECK_JSON_STR(item, "periodTo", day_s(BD + 13));
	CHECK_JSON_STR(item, "status", "definite");
	CHECK_INT_MEMBER(item, "minimumPickupPercent", 70);
	CHECK_JSON_NULL(item, "penaltyPerRoomNightCents");
	CHECK_JSON_STR(jget(item, "cutoff"), "state", "armed");
	CHECK_JSON_STR(jget(item, "cutoff"), "date", day_s(BD + 9));
	alloc = jget(item, "allocations");
	REQUIRE(CHECKF(cJSON_GetArraySize(alloc) == 2, "allocations: %s",
	    jshow(alloc)));
	a = cJSON_GetArrayItem(alloc, 0);
	CHECK_JSON_STR(a, "unitTypeId", s.types[1]);
	CHECK_INT_MEMBER(a, "quantity", 2);
	CHECK_INT(2, cJSON_GetArraySize(a));
	a = cJSON_GetArrayItem(jget(item, "unitAllocations"), 1);
	CHECK_JSON_STR(a, "unitTypeId", s.types[0]);
	CHECK_INT_MEMBER(a, "quantity", 7);
	/* The same object as GET minus the nights. */
	CHECK_INT(20, cJSON_GetArraySize(item));
	CHECK(strstr(r->body, "\"nights\"") == NULL);
}

TEST(list_filters_by_status)
{
	struct http_response *r;
	struct scratch s;
	struct four f;

	REQUIRE(scratch(&s));
	REQUIRE(four_add(&s, &f));
	r = list_allotments(&s, "&status=definite");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR(pool_printf("%s %s", f.a, f.b), ids_of(r, "id"));
	CHECK_PAGE(r, 1, 50, 2);
	r = list_allotments(&s, "&status=cancelled");
	CHECK_STR(f.c, ids_of(r, "id"));
	r = list_allotments(&s, "&status=released");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR("", ids_of(r, "id"));
	CHECK_PAGE(r, 1, 50, 0);
}

TEST(list_keeps_the_periods_that_overlap_from_to_half_open)
{
	struct http_response *r;
	struct scratch s;
	struct four f;

	REQUIRE(scratch(&s));
	REQUIRE(four_add(&s, &f));
	/* [BD+13, BD+20): a ends at 13 and c begins at 20, both out. */
	r = list_allotments(&s, pool_printf("&from=%s&to=%s", day_s(BD + 13),
	    day_s(BD + 20)));
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR(f.b, ids_of(r, "id"));
	CHECK_PAGE(r, 1, 50, 1);
	/* [BD+12, BD+21): a, b and c. */
	r = list_allotments(&s, pool_printf("&from=%s&to=%s", day_s(BD + 12),
	    day_s(BD + 21)));
	CHECK_STR(pool_printf("%s %s %s", f.a, f.b, f.c), ids_of(r, "id"));
	/* One bound alone. */
	r = list_allotments(&s, pool_printf("&from=%s", day_s(BD + 14)));
	CHECK_STR(pool_printf("%s %s", f.b, f.c), ids_of(r, "id"));
	r = list_allotments(&s, pool_printf("&to=%s", day_s(BD + 10)));
	CHECK_STR(f.t, ids_of(r, "id"));
	/* With a status too. */
	r = list_allotments(&s, pool_printf("&from=%s&to=%s&status=definite",
	    day_s(BD), day_s(BD + 11)));
	CHECK_STR(f.a, ids_of(r, "id"));
}

TEST(list_pages_by_size_with_the_total_and_past_the_end_is_empty)
{
	struct http_response *r;
	struct scratch s;
	struct four f;

	REQUIRE(scratch(&s));
	REQUIRE(four_add(&s, &f));
	r = list_allotments(&s, "&size=3");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR(pool_printf("%s %s %s", f.t, f.a, f.b), ids_of(r, "id"));
	CHECK_PAGE(r, 1, 3, 4);
	r = list_allotments(&s, "&size=3&page=2");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR(f.c, ids_of(r, "id"));
	CHECK_PAGE(r, 2, 3, 4);
	r = list_allotments(&s, "&size=3&page=3");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR("", ids_of(r, "id"));
	CHECK_PAGE(r, 3, 3, 4);
	r = list_allotments(&s, "&status=definite&size=1&page=2");
	CHECK_STR(f.b, ids_of(r, "id"));
	CHECK_PAGE(r, 2, 1, 2);
}

TEST(list_names_every_bad_parameter_in_one_400)
{
	CHECK_REFUSED(pms_get("/v1/allotments?establishmentId=nope"
	    "&from=2031-02-30&to=tomorrow&status=open&page=0&size=201",
	    KEY_PARIS_AGENT), "establishmentId:bad_uuid from:bad_date "
	    "to:bad_date status:not_allowed_value page:out_of_range "
	    "size:out_of_range");
	CHECK_REFUSED(pms_get("/v1/allotments?establishmentId=" PARIS_ID
	    "&page=x&size=-1", KEY_PARIS_AGENT),
	    "page:wrong_type size:wrong_type");
}

TEST(list_with_to_not_after_from_is_400_on_to)
{
	CHECK_REFUSED(pms_get("/v1/allotments?establishmentId=" PARIS_ID
	    "&from=2031-03-10&to=2031-03-10", KEY_PARIS_AGENT),
	    "to:before_start");
	CHECK_REFUSED(pms_get("/v1/allotments?establishmentId=" PARIS_ID
	    "&from=2031-03-10&to=2031-03-09&status=x", KEY_PARIS_AGENT),
	    "to:before_start status:not_allowed_value");
}

TEST(list_without_establishment_id_is_400_naming_it)
{
	CHECK_REFUSED(pms_get("/v1/allotments", KEY_PARIS_AGENT),
	    "establishmentId:required");
	CHECK_REFUSED(pms_get("/v1/allotments?establishmentId=&status=definite",
	    KEY_PARIS_AGENT), "establishmentId:required");
}

TEST(list_of_an_establishment_outside_the_scope_is_403)
{
	struct scratch s;

	REQUIRE(scratch(&s));
	CHECK_PMS_ERROR(pms_get("/v1/allotments?establishmentId=" PARIS_ID,
	    KEY_LYON_MANAGER), 403, "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(pms_get(pool_printf("/v1/allotments?establishmentId="
	    "%s", s.est), KEY_PARIS_AGENT), 403, "OUT_OF_SCOPE");
	/* Unknown and outside the scope: 403 too, nothing learnt. */
	CHECK_PMS_ERROR(pms_get(pool_printf("/v1/allotments?establishmentId="
	    "%s", fresh_uuid()), s.agent_key), 403, "OUT_OF_SCOPE");
}

TEST(list_of_an_unknown_establishment_is_404_for_an_all_establishments_key)
{
	const char *key = pool_printf("itest-allot-%s-%s", fresh_uuid(),
	    fresh_uuid());
	struct http_response *r;

	REQUIRE(X(key_ins_sql, 1, key));
	CHECK_PMS_ERROR(pms_get(pool_printf("/v1/allotments?establishmentId="
	    "%s", fresh_uuid()), key), 404, "ESTABLISHMENT_NOT_FOUND");
	r = pms_get(pool_printf("/v1/allotments?establishmentId=%s",
	    pool_upper(LYON_ID)), key);
	CHECK_STATUS(r, 200);
	CHECK_PAGE(r, 1, 50, cJSON_GetArraySize(jget(r->json, "data")));
}

/* ---- GET /v1/allotments/{id}/reservations ---------------------------------------- */

static struct http_response *
rooming(const char *id, const char *key, const char *extra)
{
	return pms_get(pool_printf("/v1/allotments/%s/reservations%s", id,
	    extra), key);
}

TEST(rooming_list_is_in_creation_order_with_cancelled_pickups_listed)
{
	const char *id, *p1, *p2, *p3;
	const cJSON *e;
	struct http_response *r;
	struct scratch s;

	REQUIRE(scratch(&s));
	REQUIRE((id = allotment_add(&s, "allotment", "definite", 10, 14,
	    5)) != NULL);
	REQUIRE(allocation_add(id, s.types[0], 1, 5, 10, 14, 1));
	REQUIRE(allocation_add(id, s.types[1], 2, 5, 10, 14, 1));
	/* Inserted out of creation order. */
	REQUIRE((p2 = pickup_add(id, s.types[1], 11, 13, 2, "Bea Second",
	    "2031-02-20 10:00:00.000002")) != NULL);
	REQUIRE((p1 = pickup_add(id, s.types[0], 10, 14, 1, "Ann First",
	    "2031-02-20 10:00:00.000001")) != NULL);
	REQUIRE((p3 = pickup_add(id, s.types[0], 12, 13, 3, "Cid Third",
	    "2031-02-21 09:00:00")) != NULL);
	REQUIRE(X(pickup_cancel_sql, 1, p2));

	r = rooming(id, s.agent_key, "");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR(pool_printf("%s %s %s", p1, p2, p3),
	    ids_of(r, "reservationId"));
	CHECK_STR("Ann First Bea Second Cid Third",
	    ids_of(r, "bookerContactName"));
	CHECK_STR("active cancelled active", ids_of(r, "status"));
	CHECK_PAGE(r, 1, 50, 3);

	e = cJSON_GetArrayItem(jget(r->json, "data"), 1);
	CHECK_JSON_STR(e, "reservationId", p2);
	CHECK_JSON_STR(e, "checkInDate", day_s(BD + 11));
	CHECK_JSON_STR(e, "checkOutDate", day_s(BD + 13));
	CHECK_JSON_STR(e, "unitTypeId", s.types[1]);
	CHECK_INT_MEMBER(e, "quantity", 2);
	CHECK_JSON_STR(e, "status", "cancelled");
	CHECK_JSON_STR(e, "bookerContactName", "Bea Second");
	CHECK_JSON_STR(e, "businessDateAtCreation", day_s(BD));
	CHECK_JSON_STR(e, "ratePlanId", s.rate_plan);
	CHECK_JSON_STR(e, "guestProfileId", s.guest);
	CHECK_JSON_STR(e, "channelType", "agency");
	CHECK_JSON_STR(e, "segment", "leisure");
	CHECK_JSON_STR(e, "bookerContactEmail", "booker@example.org");
	CHECK_JSON_NULL(e, "bookerPersonGuestId");
	CHECK_INT(14, cJSON_GetArraySize(e));
	CHECK_INT_MEMBER(cJSON_GetArrayItem(jget(r->json, "data"), 2),
	    "quantity", 3);
}

TEST(rooming_list_pages_by_size_and_an_allotment_without_pickups_is_empty)
{
	const char *id, *other, *p[3];
	struct http_response *r;
	struct scratch s;
	int i;

	REQUIRE(scratch(&s));
	REQUIRE((id = allotment_add(&s, "allotment", "definite", 10, 12,
	    5)) != NULL);
	REQUIRE((other = allotment_add(&s, "allotment", "definite", 10, 12,
	    5)) != NULL);
	REQUIRE(allocation_add(id, s.types[0], 1, 9, 10, 12, 1));
	for (i = 0; i < 3; i++)
		REQUIRE((p[i] = pickup_add(id, s.types[0], 10, 11, 1,
		    pool_printf("Booker %d", i), pool_printf("2031-02-2%d "
		    "08:00:00", i + 1))) != NULL);

	r = rooming(id, s.agent_key, "?size=2");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR(pool_printf("%s %s", p[0], p[1]), ids_of(r, "reservationId"));
	CHECK_PAGE(r, 1, 2, 3);
	r = rooming(id, s.agent_key, "?size=2&page=2");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR(p[2], ids_of(r, "reservationId"));
	CHECK_PAGE(r, 2, 2, 3);
	r = rooming(id, s.agent_key, "?size=2&page=3");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_STR("", ids_of(r, "reservationId"));
	CHECK_PAGE(r, 3, 2, 3);

	r = rooming(other, s.agent_key, "");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_CONTAINS(r->body, "\"data\":[]");
	CHECK_PAGE(r, 1, 50, 0);
}

TEST(rooming_list_refusals_are_those_of_get)
{
	struct scratch s;
	const char *id;

	REQUIRE(scratch(&s));
	REQUIRE((id = allotment_add(&s, "tentative", "tentative", 3, 4,
	    1)) != NULL);
	CHECK_PMS_ERROR(rooming(fresh_uuid(), s.agent_key, ""), 404,
	    "ALLOTMENT_NOT_FOUND");
	CHECK_PMS_ERROR(rooming(id, KEY_LYON_MANAGER, ""), 403,
	    "OUT_OF_SCOPE");
	CHECK_REFUSED(rooming("x", s.agent_key, "?page=0"),
	    "id:bad_uuid page:out_of_range");
	CHECK_REFUSED(rooming(id, s.agent_key, "?size=500"),
	    "size:out_of_range");
	CHECK_STATUS(rooming(pool_upper(id), s.agent_key, ""), 200);
}

/* ---- failures ------------------------------------------------------------------- */

TEST(each_read_is_503_when_one_of_its_queries_fails_and_runs_no_more)
{
	struct scratch s;
	const char *id;

	REQUIRE(scratch(&s));
	REQUIRE((id = allotment_add(&s, "allotment", "definite", 3, 5,
	    1)) != NULL);
	REQUIRE(allocation_add(id, s.types[0], 1, 2, 3, 5, 1));
	CHECK_READ_FAULTS(pool_printf("/v1/allotments/%s", id), s.agent_key,
	    2);
	CHECK_READ_FAULTS(pool_printf("/v1/allotments?establishmentId=%s",
	    s.est), s.agent_key, 1);
	CHECK_READ_FAULTS(pool_printf("/v1/allotments/%s/reservations", id),
	    s.agent_key, 1);
}

static const struct test_case tests[] = {
	TEST_ENTRY(get_answers_every_field_with_its_type_and_the_nights_per_allocation),
	TEST_ENTRY(get_answers_null_for_the_optional_fields_of_a_tentative),
	TEST_ENTRY(get_after_the_cutoff_answers_its_result_and_closed_nights_have_0_remaining),
	TEST_ENTRY(get_answers_a_fractional_pickup_percent_as_a_number),
	TEST_ENTRY(get_of_a_cancelled_allotment_has_a_done_cutoff_with_a_null_result),
	TEST_ENTRY(get_of_an_unknown_allotment_is_404),
	TEST_ENTRY(get_with_an_id_that_is_not_a_uuid_is_400_naming_id),
	TEST_ENTRY(get_outside_the_keys_scope_is_403),
	TEST_ENTRY(get_accepts_an_upper_case_id_and_answers_it_in_lower_case),
	TEST_ENTRY(list_answers_the_allotments_in_period_order_without_nights),
	TEST_ENTRY(list_filters_by_status),
	TEST_ENTRY(list_keeps_the_periods_that_overlap_from_to_half_open),
	TEST_ENTRY(list_pages_by_size_with_the_total_and_past_the_end_is_empty),
	TEST_ENTRY(list_names_every_bad_parameter_in_one_400),
	TEST_ENTRY(list_with_to_not_after_from_is_400_on_to),
	TEST_ENTRY(list_without_establishment_id_is_400_naming_it),
	TEST_ENTRY(list_of_an_establishment_outside_the_scope_is_403),
	TEST_ENTRY(list_of_an_unknown_establishment_is_404_for_an_all_establishments_key),
	TEST_ENTRY(rooming_list_is_in_creation_order_with_cancelled_pickups_listed),
	TEST_ENTRY(rooming_list_pages_by_size_and_an_allotment_without_pickups_is_empty),
	TEST_ENTRY(rooming_list_refusals_are_those_of_get),
	TEST_ENTRY(each_read_is_503_when_one_of_its_queries_fails_and_runs_no_more),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
