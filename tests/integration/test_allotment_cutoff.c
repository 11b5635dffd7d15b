/*
 * test_allotment_cutoff: the allotment cutoff of SPEC 2.4 (docs/
 * allotments.md "Status and cutoff"), run by `pms-admin allotment-cutoff`
 * and by the night audit, against the real stack, the whole chain: the
 * allotment is created with POST /v1/allotments (a definite one takes its
 * inventory), picked up with POST /v1/allotments/{id}/reservations, the
 * business date moved to the cutoff date by the night audit, and the
 * availability checked night by night before and after:
 *  - a definite allotment at its cutoff is released: the unpicked
 *    room-nights from the business date on go back to inventory (night by
 *    night), the picked ones stay committed, and the result is recorded
 *    and answered by GET /v1/allotments/{id} (contracted, picked, pickup
 *    %, penalty: the worked example 18 contracted, 70 %, 9 picked, 5000 ->
 *    20000);
 *  - a tentative one is released with no penalty and no inventory change;
 *  - one not yet due, or cancelled, is left alone;
 *  - the night audit runs it when it moves the date to the cutoff date or
 *    past it, and nights before the new business date are not released;
 *  - a second run changes nothing, three runs at once (the night audit's
 *    and two allotment-cutoff) release once, and a penalty too large to
 *    record fails that allotment loudly while the others go on;
 *  - races: pickups racing the night audit's cutoff (each one counted by
 *    the cutoff or refused after it, the unpicked rooms released once),
 *    and a pickup cancel racing it (the room given back once).
 * SQL makes only what the endpoints cannot (each place says why): a
 * contract whose penalty creation refuses, a definite allotment without a
 * penalty, and the business date a night audit leaves when it stops
 * before its jobs (the state `allotment-cutoff` alone exists for).  Every
 * test has a scratch establishment of its own (scratch.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/wait.h>
#include <unistd.h>

#include "allotment_close.h"
#include "config.h"
#include "db.h"
#include "harness.h"
#include "scratch.h"

/* The harness's SQL helper: rows (pool) of a query, or a statement that
   ran; NULL / 0 after recording a failure. */
#define Q(...)		harness_sql_at(__FILE__, __LINE__, 1, __VA_ARGS__)
#define X(...)		(harness_sql_at(__FILE__, __LINE__, 0, __VA_ARGS__) != NULL)

#define ZONE		"Europe/Paris"

/* ---- allotments and pickups, over HTTP ------------------------------------ */

/* An allotment to POST /v1/allotments: allotment_body() with these. */
struct allotment_spec {
	int definite;			/* else tentative */
	/* in days after the scratch's business date when it is made */
	int from, until;		/* the period's nights [from, until) */
	int cutoff;			/* >= 0: creation refuses a past one */
	int minimum_bp;			/* minimumPickupPercent x 100 */
	const char *penalty;		/* cents, or NULL */
	int qty[SCRATCH_MAX_TYPES];	/* per type of the scratch; 0: none */
};

/* A scratch establishment of ntypes types of nunits units, business date
   today in Paris, inventory materialised.  1 or 0. */
#define SCRATCH(s, ntypes, nunits)					\
	SCRATCH_NEW((s), (ntypes), (nunits), ZONE, TODAY_IN(ZONE), 1)

/*
 * POST /v1/allotments of a (as the scratch's manager): 201 and its id, or
 * NULL after recording a failure.  A definite one takes `committed`
 * inventory on every night of its period for every allocated type.
 */
static const char *
allotment_create_at(const struct scratch *s, const struct allotment_spec *a,
    const char *file, int line)
{
	cJSON *body = allotment_body(s, a->definite ? "allotment" :
	    "tentative", s->business + a->from, s->business + a->until,
	    s->business + a->cutoff, a->qty);
	struct http_response *r;
	const char *id;

	json_set(body, "minimumPickupPercent", pool_printf("%d.%02d",
	    a->minimum_bp / 100, a->minimum_bp % 100));
	json_set(body, "penaltyPerRoomNightCents", a->penalty != NULL ?
	    pool_printf("\"%s\"", a->penalty) : "null");
	r = allotment_post(s->key, body);
	id = jstr(jget(r->json, "data"), "allotmentId");
	if (!check_status_at(r, 201, file, line))
		return NULL;
	return check_true(id != NULL && is_lower_uuid(id), file, line,
	    "201 without data.allotmentId: %.300s", r->body) ? id : NULL;
}
#define ALLOTMENT_CREATE(s, a)	allotment_create_at((s), (a), __FILE__, __LINE__)

/* A scratch (as SCRATCH) holding allotment a, made over HTTP: its id, or
   NULL after recording a failure. */
static const char *
scratch_allotment_at(struct scratch *s, int ntypes, int nunits,
    const struct allotment_spec *a, const char *file, int line)
{
	if (!scratch_new_at(s, ntypes, nunits, ZONE, today_in_at(ZONE, file,
	    line), 1, file, line))
		return NULL;
	return allotment_create_at(s, a, file, line);
}
#define SCRATCH_ALLOTMENT(s, ntypes, nunits, a)				\
	scratch_allotment_at((s), (ntypes), (nunits), (a), __FILE__, __LINE__)

/* POST /v1/allotments/{id}/reservations: qty rooms of s->types[t] on
   [from, until), 201.  1, or 0 after recording a failure. */
#define PICKUP(s, a, t, from, until, qty)				\
	(PICKUP_NEW((s), (a), (t), (from), (until), (qty)) != NULL)

/*
 * GET /v1/allotments/{id} answers it released, its cutoff on day done,
 * with this result.  1 or 0 after recording failures.
 */
static int
check_cutoff_result_at(const struct scratch *s, const char *id, int32_t day,
    long long contracted, long long picked, double percent,
    const char *penalty, const char *file, int line)
{
	struct http_response *r = pms_get(pool_printf("/v1/allotments/%s", id),
	    s->agent_key);
	const cJSON *data = jget(r->json, "data"), *cutoff = jget(data,
	    "cutoff"), *result = jget(cutoff, "result");
	int ok = check_status_at(r, 200, file, line);

	ok &= check_json_str_at(data, "status", "released", file, line);
	ok &= check_json_str_at(cutoff, "date", day_s(day), file, line);
	ok &= check_json_str_at(cutoff, "state", "done", file, line);
	ok &= check_json_num_at(result, "contractedRoomNights",
	    (double)contracted, file, line);
	ok &= check_json_num_at(result, "pickedUpRoomNights", (double)picked,
	    file, line);
	ok &= check_json_num_at(result, "pickupPercent", percent, file, line);
	ok &= check_json_str_at(result, "penaltyCents", penalty, file, line);
	return ok;
}
#define CHECK_CUTOFF_RESULT(s, id, day, contracted, picked, percent, penalty) \
	check_cutoff_result_at((s), (id), (day), (contracted), (picked),	\
	    (percent), (penalty), __FILE__, __LINE__)

/* ---- what only SQL can make ------------------------------------------------- */

/*
 * The business date of est moved to day as a night audit leaves it when it
 * stopped after committing its date and before its jobs ran (the cutoff
 * comes after the date's transaction, night_audit.c): the one state in
 * which `pms-admin allotment-cutoff` alone has work, and which no endpoint
 * and no admin command makes (night-audit runs the cutoff itself right
 * after).  Used where a test is about allotment-cutoff's own line.
 */
static const char stopped_audit_sql[] =
    "UPDATE establishments SET business_date = ? WHERE id = ?";
#define STOPPED_AUDIT_TO(est, day)					\
	X(stopped_audit_sql, 2, day_s(day), (est))

/*
 * A definite allotment written with SQL (row, allocation of qty of type,
 * open nights, inventory committed on every night), cutoff armed: for a
 * contract POST /v1/allotments refuses, whose largest penalty does not fit
 * in 18 digits.  Its id, or NULL after recording a failure.
 */
static const char allotment_ins_sql[] =
    "INSERT INTO allotments (id, establishment_id, rate_plan_id, "
    "channel_type, allotment_type, currency, period_from, period_to, "
    "cutoff_date, minimum_pickup_bp, penalty_per_room_night_cents, status) "
    "VALUES (?, ?, ?, 'group', 'allotment', 'EUR', ?, ?, ?, ?, ?, "
    "'definite')";
static const char allocation_ins_sql[] =
    "INSERT INTO allotment_allocations (allotment_id, unit_type_id, "
    "position, quantity) VALUES (?, ?, 0, ?)";
static const char nights_ins_sql[] =
    "INSERT INTO allotment_nights (allotment_id, unit_type_id, night, "
    "allocated, picked, is_open) "
    "SELECT ?, ?, CAST(? AS DATE) + INTERVAL seq DAY, ?, 0, 1 "
    "FROM seq_0_to_3660 WHERE seq < ?";
static const char commit_sql[] =
    "UPDATE inventory_nights SET committed = committed + ? "
    "WHERE unit_type_id = ? AND night >= ? AND night < ?";

static const char *
sql_allotment_at(const struct scratch *s, const struct allotment_spec *a,
    const char *file, int line)
{
	const char *id = fresh_uuid(), *from = day_s(s->business + a->from),
	    *until = day_s(s->business + a->until);
	const char *qty = pool_printf("%d", a->qty[0]);

	if (harness_sql_at(file, line, 0, allotment_ins_sql, 8, id, s->est,
	    s->rate_plan, from, until, day_s(s->business + a->cutoff),
	    pool_printf("%d", a->minimum_bp), a->penalty) == NULL ||
	    harness_sql_at(file, line, 0, allocation_ins_sql, 3, id,
	    s->types[0], qty) == NULL ||
	    harness_sql_at(file, line, 0, nights_ins_sql, 5, id, s->types[0],
	    from, qty, pool_printf("%d", a->until - a->from)) == NULL ||
	    harness_sql_at(file, line, 0, commit_sql, 4, qty, s->types[0], from,
	    until) == NULL)
		return NULL;
	return id;
}
#define SQL_ALLOTMENT(s, a)	sql_allotment_at((s), (a), __FILE__, __LINE__)

/* ---- what the database holds --------------------------------------------- */

static const char state_sql[] =
    "SELECT status, cutoff_state, contracted_room_nights, "
    "picked_room_nights, pickup_bp, penalty_cents, "
    "cutoff_done_at IS NOT NULL FROM allotments WHERE id = ?";
static const char nights_state_sql[] =
    "SELECT COUNT(*), COALESCE(SUM(is_open), 0), COALESCE(SUM(allocated), 0), "
    "COALESCE(SUM(picked), 0) FROM allotment_nights WHERE allotment_id = ?";

/* The cells of the first row joined by spaces, "-" for NULL (pool). */
static const char *
row_text(const struct db_rows *rows)
{
	char *out = pool_strdup("");
	int c;

	if (rows == NULL || rows->nrows == 0)
		return "(no row)";
	for (c = 0; c < rows->ncols; c++)
		out = pool_printf("%s%s%s", out, c ? " " : "",
		    db_cell(rows, 0, c) ? db_cell(rows, 0, c) : "-");
	return out;
}

/* "status cutoff_state contracted picked pickup_bp penalty done_at?" */
#define STATE(id)	row_text(Q(state_sql, 1, (id)))
/* "nights open allocated picked" */
#define NIGHTS(id)	row_text(Q(nights_state_sql, 1, (id)))

/* available of type on each night of [from, until), space-separated
   (pool): "4 3 3 4". */
static const char *
availability_at(const char *type, int32_t from, int32_t until,
    const char *file, int line)
{
	const char *out = "";
	int32_t n;

	for (n = from; n < until; n++)
		out = pool_printf("%s%s%lld", out, n > from ? " " : "",
		    available_at(type, n, file, line));
	return out;
}
#define AVAILABILITY(type, from, until)					\
	availability_at((type), (from), (until), __FILE__, __LINE__)

/* ---- the admin tool -------------------------------------------------------- */

/* The line of out about allotment id (pool), or NULL. */
static const char *
line_of(const char *out, const char *id)
{
	const char *p = out != NULL ? strstr(out, pool_printf("allotment=%s ",
	    id)) : NULL;

	if (p == NULL)
		return NULL;
	return pool_printf("%.*s", (int)strcspn(p, "\n"), p);
}

/* The line the tool prints for an allotment it cut off (pool). */
static const char *
released_line(const char *id, const char *est, const char *result)
{
	return pool_printf("allotment=%s establishment=%s status=released %s",
	    id, est, result);
}

/* The admin tool the harness runs: $PMS_ADMIN, else bin/pms-admin. */
static const char *
admin_path(void)
{
	const char *e = getenv("PMS_ADMIN");

	return e != NULL && e[0] != '\0' ? e : pool_printf("%s/bin/pms-admin",
	    pms_root());
}

#define CUTOFF(est)	ADMIN("allotment-cutoff", "--establishment", (est))

/* night-audit --establishment est --to day: its output, or NULL. */
#define AUDIT_TO(est, day)						\
	ADMIN("night-audit", "--establishment", (est), "--to", day_s(day))

/* ---- release and result ----------------------------------------------------- */

TEST(cutoff_releases_unpicked_nights_to_inventory_and_keeps_picked_ones)
{
	struct scratch s;
	struct allotment_spec a = { .from = 3, .until = 7, .cutoff = 1,
	    .definite = 1, .minimum_bp = 0, .penalty = "1000", .qty = { 4 } };
	const char *id, *out;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 10));
	b = s.business;
	/* creation takes the allotment's 4 on each of its nights b+3 .. b+6 */
	CHECK_STR("10 10 10 10 10 10", AVAILABILITY(s.types[0], b + 2, b + 8));
	REQUIRE((id = ALLOTMENT_CREATE(&s, &a)) != NULL);
	CHECK_STR("10 6 6 6 6 10", AVAILABILITY(s.types[0], b + 2, b + 8));
	REQUIRE(PICKUP(&s, id, 0, b + 4, b + 6, 2));
	REQUIRE(PICKUP(&s, id, 0, b + 5, b + 7, 1));
	/* a pickup takes from the allotment, not from general inventory */
	CHECK_STR("10 6 6 6 6 10", AVAILABILITY(s.types[0], b + 2, b + 8));
	CHECK_STR("4 4 16 6", NIGHTS(id));

	/* this test is about allotment-cutoff's own line: the date moved as a
	   night audit stopped before its jobs leaves it (see above) */
	REQUIRE(STOPPED_AUDIT_TO(s.est, b + 1));
	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_STR(released_line(id, s.est, "contracted=16 picked=6 "
	    "pickup-percent=37.50 penalty-cents=0 released-room-nights=10"),
	    line_of(out, id));
	/* after: only what was picked (0, 2, 3, 1) stays committed */
	CHECK_STR("10 10 8 7 9 10", AVAILABILITY(s.types[0], b + 2, b + 8));
	CHECK_STR("released done 16 6 3750 0 1", STATE(id));
	CHECK_STR("4 0 16 6", NIGHTS(id));
	CHECK_CUTOFF_RESULT(&s, id, b + 1, 16, 6, 37.5, "0");
}

TEST(worked_example_18_contracted_70_percent_9_picked_5000_records_a_20000_penalty)
{
	struct scratch s;
	struct allotment_spec a = { .from = 1, .until = 7, .cutoff = 1,
	    .definite = 1, .minimum_bp = 7000,
	    .penalty = "5000", .qty = { 3 } };
	const char *id, *out;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 5));
	b = s.business;
	CHECK_STR("5 5 5 5 5 5", AVAILABILITY(s.types[0], b + 1, b + 7));
	REQUIRE((id = ALLOTMENT_CREATE(&s, &a)) != NULL);
	CHECK_STR("2 2 2 2 2 2", AVAILABILITY(s.types[0], b + 1, b + 7));
	REQUIRE(PICKUP(&s, id, 0, b + 1, b + 7, 1));	/* 6 */
	REQUIRE(PICKUP(&s, id, 0, b + 2, b + 5, 1));	/* 3 */
	CHECK_STR("2 2 2 2 2 2", AVAILABILITY(s.types[0], b + 1, b + 7));
	CHECK_STR("6 6 18 9", NIGHTS(id));

	/* the night audit moves the date to the cutoff date and cuts off */
	REQUIRE((out = AUDIT_TO(s.est, b + 1)) != NULL);
	CHECK_STR(pool_printf("establishment=%s business-date=%s "
	    "nights-added=1 status=advanced cutoffs=1 contracts=0\n", s.est, day_s(b + 1)),
	    out);
	/* ceil(18 x 70 %) = ceil(12.6) = 13; 13 - 9 = 4; 4 x 5000 */
	CHECK_STR("released done 18 9 5000 20000 1", STATE(id));
	CHECK_CUTOFF_RESULT(&s, id, b + 1, 18, 9, 50, "20000");
	CHECK_STR("6 0 18 9", NIGHTS(id));
	/* the 9 unpicked room-nights are back: picked 1 2 2 2 1 1 */
	CHECK_STR("4 3 3 3 4 4", AVAILABILITY(s.types[0], b + 1, b + 7));
	/* nothing left for allotment-cutoff */
	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_STR("", out);
}

TEST(allotment_over_two_unit_types_counts_every_night_of_both)
{
	struct scratch s;
	struct allotment_spec a = { .from = 2, .until = 5, .cutoff = 1,
	    .definite = 1, .minimum_bp = 5050,
	    .penalty = "333", .qty = { 2, 1 } };
	const char *id, *out;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 2, 3, &a)) != NULL);
	b = s.business;
	CHECK_STR("1 1 1", AVAILABILITY(s.types[0], b + 2, b + 5));
	CHECK_STR("2 2 2", AVAILABILITY(s.types[1], b + 2, b + 5));
	REQUIRE(PICKUP(&s, id, 1, b + 2, b + 5, 1));
	REQUIRE((out = AUDIT_TO(s.est, b + 1)) != NULL);
	CHECK_CONTAINS(out, " status=advanced cutoffs=1 contracts=0\n");
	/* 9 contracted, 3 picked: 33.33 %; ceil(9 x 50.5 %) = 5; 2 x 333 */
	CHECK_STR("released done 9 3 3333 666 1", STATE(id));
	CHECK_CUTOFF_RESULT(&s, id, b + 1, 9, 3, 33.33, "666");
	CHECK_STR("3 3 3", AVAILABILITY(s.types[0], b + 2, b + 5));
	CHECK_STR("2 2 2", AVAILABILITY(s.types[1], b + 2, b + 5));
	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK(line_of(out, id) == NULL);
}

TEST(tentative_at_cutoff_is_released_without_penalty_and_inventory_unchanged)
{
	struct scratch s;
	/* nobody picks up a tentative: its cutoff may be today */
	struct allotment_spec a = { .from = 1, .until = 5, .cutoff = 0,
	    .definite = 0, .minimum_bp = 8000,
	    .penalty = "5000", .qty = { 2 } };
	const char *id, *out, *before;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 4));
	b = s.business;
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 7)) != NULL);
	REQUIRE((id = ALLOTMENT_CREATE(&s, &a)) != NULL);
	/* a tentative takes nothing */
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 7));
	CHECK_STR("4 4 4 4", AVAILABILITY(s.types[0], b + 1, b + 5));

	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_STR(released_line(id, s.est, "contracted=8 picked=0 "
	    "pickup-percent=0.00 penalty-cents=0 released-room-nights=0"),
	    line_of(out, id));
	CHECK_STR("released done 8 0 0 0 1", STATE(id));
	CHECK_CUTOFF_RESULT(&s, id, b, 8, 0, 0, "0");
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 7));
}

/* ---- when it runs ------------------------------------------------------------ */

TEST(allotment_not_yet_due_is_left_armed_and_holds_its_inventory)
{
	struct scratch s;
	struct allotment_spec a = { .from = 3, .until = 5, .cutoff = 1,
	    .definite = 1, .minimum_bp = 7000,
	    .penalty = "5000", .qty = { 2 } };
	const char *id, *out, *before;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 4, &a)) != NULL);
	b = s.business;
	CHECK_STR("4 4 2 2 4", AVAILABILITY(s.types[0], b + 1, b + 6));
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 7)) != NULL);

	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_STR("", out);
	CHECK_STR("definite armed - - - - 0", STATE(id));
	CHECK_STR("2 2 4 0", NIGHTS(id));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 7));
	CHECK_INT(2, AVAILABLE(s.types[0], b + 3));
}

TEST(night_audit_moving_the_date_to_the_cutoff_date_releases_it)
{
	struct scratch s;
	struct allotment_spec a = { .from = 2, .until = 4, .cutoff = 1,
	    .definite = 1, .minimum_bp = 10000,
	    .penalty = "100", .qty = { 3 } };
	const char *id, *later, *out;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 6, &a)) != NULL);
	b = s.business;
	CHECK_STR("3 3", AVAILABILITY(s.types[0], b + 2, b + 4));
	a.cutoff = 2;		/* one more, due a day later */
	REQUIRE((later = ALLOTMENT_CREATE(&s, &a)) != NULL);
	CHECK_STR("0 0", AVAILABILITY(s.types[0], b + 2, b + 4));
	REQUIRE(PICKUP(&s, id, 0, b + 2, b + 3, 2));
	CHECK_STR("0 0", AVAILABILITY(s.types[0], b + 2, b + 4));

	REQUIRE((out = AUDIT_TO(s.est, b + 1)) != NULL);
	CHECK_STR(pool_printf("establishment=%s business-date=%s "
	    "nights-added=1 status=advanced cutoffs=1 contracts=0\n", s.est, day_s(b + 1)),
	    out);
	/* 6 contracted, 2 picked, 100 %: 4 x 100 */
	CHECK_STR("released done 6 2 3333 400 1", STATE(id));
	CHECK_CUTOFF_RESULT(&s, id, b + 1, 6, 2, 33.33, "400");
	CHECK_STR("definite armed - - - - 0", STATE(later));
	CHECK_STR("1 3", AVAILABILITY(s.types[0], b + 2, b + 4));

	/* the same date again: the first is done, the second not yet due */
	REQUIRE((out = AUDIT_TO(s.est, b + 1)) != NULL);
	CHECK_CONTAINS(out, " status=already cutoffs=0 contracts=0\n");
	CHECK_STR("definite armed - - - - 0", STATE(later));
	REQUIRE((out = AUDIT_TO(s.est, b + 2)) != NULL);
	CHECK_CONTAINS(out, " status=advanced cutoffs=1 contracts=0\n");
	CHECK_STR("released done 6 0 0 600 1", STATE(later));
	CHECK_CUTOFF_RESULT(&s, later, b + 2, 6, 0, 0, "600");
	CHECK_STR("4 6", AVAILABILITY(s.types[0], b + 2, b + 4));
}

TEST(night_audit_skipping_past_the_cutoff_date_releases_it_but_not_the_nights_before_the_new_date)
{
	struct scratch s;
	struct allotment_spec a = { .from = 2, .until = 8, .cutoff = 1,
	    .definite = 1, .minimum_bp = 5000, .penalty = "1", .qty = { 3 } };
	/* Creation requires a penalty of a definite allotment (and confirm
	   one of a tentative without), so one without exists only in data
	   written otherwise; the cutoff must count it as 0: SQL for that. */
	static const char no_penalty_sql[] =
	    "UPDATE allotments SET penalty_per_room_night_cents = NULL "
	    "WHERE id = ?";
	const char *id, *out;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 5, &a)) != NULL);
	b = s.business;
	REQUIRE(X(no_penalty_sql, 1, id));
	REQUIRE(PICKUP(&s, id, 0, b + 3, b + 6, 1));
	CHECK_STR("2 2 2 2 2 2", AVAILABILITY(s.types[0], b + 2, b + 8));

	/* from b to b + 4: the cutoff date b + 1 is skipped over */
	REQUIRE((out = AUDIT_TO(s.est, b + 4)) != NULL);
	CHECK_CONTAINS(out, " status=advanced cutoffs=1 contracts=0\n");
	/* 18 contracted, 3 picked, 9 required but no penalty agreed (NULL
	   counts as 0) */
	CHECK_STR("released done 18 3 1667 0 1", STATE(id));
	CHECK_CUTOFF_RESULT(&s, id, b + 1, 18, 3, 16.67, "0");
	CHECK_STR("6 0 18 3", NIGHTS(id));
	/* b+2 and b+3 are history: they keep what they held; from b+4 on
	   only the picked room stays */
	CHECK_STR("2 2 4 4 5 5", AVAILABILITY(s.types[0], b + 2, b + 8));
}

TEST(a_second_run_changes_nothing)
{
	struct scratch s;
	struct allotment_spec a = { .from = 1, .until = 3, .cutoff = 1,
	    .definite = 1, .minimum_bp = 5000, .penalty = "700", .qty = { 2 } };
	const char *id, *out, *before, *state, *done_at;
	static const char done_at_sql[] =
	    "SELECT cutoff_done_at FROM allotments WHERE id = ?";
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 3, &a)) != NULL);
	b = s.business;
	REQUIRE(PICKUP(&s, id, 0, b + 1, b + 2, 1));
	CHECK_STR("1 1", AVAILABILITY(s.types[0], b + 1, b + 3));
	/* the first run: the night audit's, at the cutoff date */
	REQUIRE((out = AUDIT_TO(s.est, b + 1)) != NULL);
	CHECK_CONTAINS(out, " status=advanced cutoffs=1 contracts=0\n");
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b + 1, b + 4)) !=
	    NULL);
	state = STATE(id);
	done_at = row_text(Q(done_at_sql, 1, id));
	CHECK_STR("released done 4 1 2500 700 1", state);
	CHECK_STR("2 3", AVAILABILITY(s.types[0], b + 1, b + 3));

	/* again: allotment-cutoff, then the night audit at the same date */
	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_STR("", out);
	REQUIRE((out = AUDIT_TO(s.est, b + 1)) != NULL);
	CHECK_CONTAINS(out, " status=already cutoffs=0 contracts=0\n");
	CHECK_STR(state, STATE(id));
	CHECK_STR(done_at, row_text(Q(done_at_sql, 1, id)));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b + 1, b + 4));
	CHECK_CUTOFF_RESULT(&s, id, b + 1, 4, 1, 25, "700");
}

TEST(a_cancelled_allotment_is_skipped)
{
	struct scratch s;
	/* no pickup: its cutoff may be today */
	struct allotment_spec a = { .from = 1, .until = 3, .cutoff = 0,
	    .definite = 1, .minimum_bp = 9000,
	    .penalty = "5000", .qty = { 2 } };
	struct http_response *r;
	const char *id, *out, *before;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 3, &a)) != NULL);
	b = s.business;
	CHECK_STR("1 1", AVAILABILITY(s.types[0], b + 1, b + 3));
	/* cancelled: nights closed, unpicked room-nights back, no result */
	r = allotment_action(id, "cancel", s.key, NULL);
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_JSON_STR(jget(r->json, "data"), "status", "cancelled");
	CHECK_STR("3 3", AVAILABILITY(s.types[0], b + 1, b + 3));
	CHECK_STR("cancelled done - - - - 1", STATE(id));
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 4)) != NULL);

	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_STR("", out);
	REQUIRE((out = AUDIT_TO(s.est, b + 1)) != NULL);
	CHECK_CONTAINS(out, " cutoffs=0 contracts=0\n");
	CHECK_STR("cancelled done - - - - 1", STATE(id));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 4));
}

TEST(a_penalty_too_large_to_record_fails_that_allotment_loudly_and_the_others_go_on)
{
	struct scratch s;
	/* 2 room-nights x 999999999999999999 does not fit in 18 digits:
	   creation refuses it, so it is written with SQL (sql_allotment) */
	struct allotment_spec big = { .from = 1, .until = 3, .cutoff = 0,
	    .definite = 1, .minimum_bp = 10000,
	    .penalty = "999999999999999999", .qty = { 1 } };
	struct allotment_spec ok = { .from = 1, .until = 3, .cutoff = 0,
	    .definite = 1, .minimum_bp = 10000, .penalty = "10", .qty = { 1 } };
	const char *bad, *good, *before;
	struct http_response *r;
	char *out = NULL;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	/* what creation answers to it */
	r = allotment_post(s.key, json_set(allotment_body(&s, "allotment",
	    b + 1, b + 3, b, big.qty), "penaltyPerRoomNightCents",
	    "\"999999999999999999\""));
	CHECK_DETAIL(r, "penaltyPerRoomNightCents", "out_of_range");
	REQUIRE((bad = SQL_ALLOTMENT(&s, &big)) != NULL);
	REQUIRE((good = ALLOTMENT_CREATE(&s, &ok)) != NULL);
	CHECK_STR("1 1", AVAILABILITY(s.types[0], b + 1, b + 3));
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 4)) != NULL);

	CHECK_INT(1, run_command((const char *const[]){ admin_path(),
	    "allotment-cutoff", "--establishment", s.est, NULL }, &out));
	CHECK_CONTAINS(out, pool_printf("pms-admin: allotment-cutoff: "
	    "allotment %s: the penalty does not fit in 18 digits", bad));
	CHECK(line_of(out, bad) == NULL);
	CHECK_CONTAINS(out, released_line(good, s.est, "contracted=2 picked=0 "
	    "pickup-percent=0.00 penalty-cents=20 released-room-nights=2"));
	CHECK_STR("definite armed - - - - 0", STATE(bad));
	CHECK_STR("2 2 2 0", NIGHTS(bad));
	CHECK_STR("released done 2 0 0 20 1", STATE(good));
	CHECK_CUTOFF_RESULT(&s, good, b, 2, 0, 0, "20");
	/* the failed one still holds its room, the other gave its back */
	CHECK_STR("2 2", AVAILABILITY(s.types[0], b + 1, b + 3));

	/* the night audit: its date committed and printed, exit 1 */
	CHECK_INT(1, run_command((const char *const[]){ admin_path(),
	    "night-audit", "--establishment", s.est, "--to", day_s(b + 1),
	    NULL }, &out));
	CHECK_CONTAINS(out, pool_printf("establishment=%s business-date=%s "
	    "nights-added=1 status=advanced cutoffs=0 contracts=0\n", s.est, day_s(b + 1)));
	CHECK_CONTAINS(out, pool_printf("pms-admin: night-audit: allotment %s: "
	    "the penalty does not fit in 18 digits", bad));
	CHECK_STR("definite armed - - - - 0", STATE(bad));
}

/* ---- runs at once ----------------------------------------------------------- */

/* Processes started while the allotment's row is locked, each once the
   ones before it wait on the row, all waiting when the lock goes. */
#define RACE_RUNS 3
struct cutoff_race {
	const char *allotment;
	const char *const *argv[RACE_RUNS];
	pid_t pid[RACE_RUNS];
	int fd[RACE_RUNS];
	int waiting;		/* how many were seen waiting on the row */
};

static const char race_lock_sql[] =
    "SELECT id FROM allotments WHERE id = ? FOR UPDATE";
/* The cutoff's locking read (allotment_cutoff.c read_sql), waiting. */
static const char race_waiting_sql[] =
    "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
    "WHERE INFO LIKE 'SELECT status, cutoff_state,%'";

/* Starts argv with stdout and stderr into a pipe: its pid, *fd its end. */
static pid_t
spawn(const char *const *argv, int *fd)
{
	int p[2];
	pid_t pid;

	*fd = -1;
	if (pipe(p) != 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		if (dup2(p[1], STDOUT_FILENO) < 0 ||
		    dup2(p[1], STDERR_FILENO) < 0)
			_exit(126);
		close(p[0]);
		close(p[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0)
		close(p[0]);
	else
		*fd = p[0];
	return pid;
}

/* Reads fd to its end into buf (at most size - 1 bytes, NUL-terminated),
   then closes it. */
static void
read_all(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t got;

	while (n + 1 < size && (got = read(fd, buf + n, size - 1 - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	close(fd);
}

/* Reads fd to its end (pool), waits for pid; *status its exit status. */
static const char *
reap(pid_t pid, int fd, int *status)
{
	char buf[4096];
	int st;

	read_all(fd, buf, sizeof(buf));
	*status = waitpid(pid, &st, 0) == pid && WIFEXITED(st) ?
	    WEXITSTATUS(st) : -1;
	return pool_strdup(buf);
}

/* Holds the row while the runs start and reach their locking read, one
   after the other (the night audit first: its cutoff waits only once its
   date is committed, so the allotment-cutoff runs started after it find
   the allotment due). */
static int
race_tx(struct db *db, void *ctx)
{
	struct cutoff_race *r = ctx;
	struct timespec pause = { 0, 20 * 1000000L };
	struct db_rows *rows = NULL;
	struct config cfg;
	struct db *watch = NULL;
	int i, k, rc;

	if ((rc = db_query(db, race_lock_sql, (struct db_param[]){
	    DB_STR(r->allotment) }, 1, &rows)) != DB_OK)
		goto done;
	if (config_load(&cfg) != 0 || (watch = db_new(&cfg)) == NULL)
		goto done;
	for (i = 0; i < RACE_RUNS; i++) {
		if (r->pid[i] <= 0)
			r->pid[i] = spawn(r->argv[i], &r->fd[i]);
		for (k = 0; k < 1500 && r->waiting < i + 1; k++) {
			nanosleep(&pause, NULL);
			db_rows_free(rows);
			rows = NULL;
			if (db_query(watch, race_waiting_sql, NULL, 0, &rows) ==
			    DB_OK)
				r->waiting = atoi(db_cell(rows, 0, 0));
		}
	}
done:
	db_rows_free(rows);
	db_free(watch);
	return rc;
}

TEST(three_runs_at_once_release_once_and_record_one_result)
{
	struct scratch s;
	struct allotment_spec a = { .from = 1, .until = 5, .cutoff = 1,
	    .definite = 1, .minimum_bp = 7500, .penalty = "250", .qty = { 2 } };
	struct cutoff_race r;
	const char *out[RACE_RUNS], *id, *result, *cutoff[] = { admin_path(),
	    "allotment-cutoff", "--establishment", NULL, NULL };
	struct db *db;
	int status[RACE_RUNS], i, released = 0, already = 0, rc;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 4, &a)) != NULL);
	b = s.business;
	REQUIRE(PICKUP(&s, id, 0, b + 2, b + 4, 1));
	CHECK_STR("2 2 2 2", AVAILABILITY(s.types[0], b + 1, b + 5));
	REQUIRE((db = HARNESS_DB()) != NULL);
	memset(&r, 0, sizeof(r));
	r.allotment = id;
	cutoff[3] = s.est;
	r.argv[0] = (const char *const[]){ admin_path(), "night-audit",
	    "--establishment", s.est, "--to", day_s(b + 1), NULL };
	r.argv[1] = r.argv[2] = cutoff;

	rc = db_transaction(db, race_tx, &r);
	for (i = 0; i < RACE_RUNS; i++) {
		out[i] = "";
		status[i] = -1;
		if (CHECKF(r.pid[i] > 0, "run %d did not start", i))
			out[i] = reap(r.pid[i], r.fd[i], &status[i]);
	}
	CHECK_INT(DB_OK, rc);
	CHECK_INT(RACE_RUNS, r.waiting);	/* all were waiting on the row */
	/* 8 contracted, 2 picked: 25 %; ceil(8 x 75 %) - 2 = 4; 4 x 250 */
	result = "contracted=8 picked=2 pickup-percent=25.00 penalty-cents=1000";
	for (i = 0; i < RACE_RUNS; i++)
		CHECK_INT(0, status[i]);
	if (strcmp(out[0], pool_printf("establishment=%s business-date=%s "
	    "nights-added=1 status=advanced cutoffs=1 contracts=0\n", s.est,
	    day_s(b + 1))) == 0)
		released++;
	else if (strcmp(out[0], pool_printf("establishment=%s "
	    "business-date=%s nights-added=1 status=advanced cutoffs=0 contracts=0\n",
	    s.est, day_s(b + 1))) == 0)
		already++;
	else
		FAIL("the night audit printed: %s", out[0]);
	for (i = 1; i < RACE_RUNS; i++) {
		if (strcmp(out[i], pool_printf("%s released-room-nights=6\n",
		    released_line(id, s.est, result))) == 0)
			released++;
		else if (strcmp(out[i], pool_printf("allotment=%s "
		    "establishment=%s status=already %s "
		    "released-room-nights=0\n", id, s.est, result)) == 0)
			already++;
		else
			FAIL("run %d printed: %s", i, out[i]);
	}
	CHECK_INT(1, released);
	CHECK_INT(RACE_RUNS - 1, already);
	CHECK_STR("released done 8 2 2500 1000 1", STATE(id));
	CHECK_CUTOFF_RESULT(&s, id, b + 1, 8, 2, 25, "1000");
	CHECK_STR("4 3 3 4", AVAILABILITY(s.types[0], b + 1, b + 5));
}

/*
 * The racer: after delay_ms, the night audit of est to day, the cutoff
 * date (it moves the date, then cuts the allotment off); then the
 * clients' answers, read from fd to its end into buf.  The audit must
 * have advanced the date and released the allotment.
 */
static void
audit_racing_at(const char *est, int32_t day, int delay_ms, int fd,
    char *buf, size_t size, const char *file, int line)
{
	char *out = NULL;
	int rc;

	sleep_ms(delay_ms);
	rc = run_command((const char *const[]){ admin_path(), "night-audit",
	    "--establishment", est, "--to", day_s(day), NULL }, &out);
	read_all(fd, buf, size);
	check_int(0, rc, "night-audit's exit status", file, line);
	check_str(pool_printf("establishment=%s business-date=%s "
	    "nights-added=1 status=advanced cutoffs=1 contracts=0\n", est, day_s(day)),
	    out, "night-audit's output", file, line);
}
#define AUDIT_RACING(est, day, delay_ms, fd, buf, size)			\
	audit_racing_at((est), (day), (delay_ms), (fd), (buf), (size),	\
	    __FILE__, __LINE__)

/* ---- pickups racing the cutoff ------------------------------------------------ */

#define PICKERS		20	/* clients picking up at once */
#define PICKS		25	/* pickups each, at most */
#define RACE_NIGHTS	20	/* the contract's nights, from b + 1 */
#define RACE_ROOMS	50	/* allocated each night (and units) */
#define PICKUP_ROUNDS	3

/* Client i's k-th pickup: 1 room on nights [first, first + len) of the
   contract, spread so that no night can be exhausted (checked). */
static void
race_pickup_nights(int i, int k, int *first, int *len)
{
	*first = (i + k) % RACE_NIGHTS;
	*len = k % 3 == 2 && *first + 2 <= RACE_NIGHTS ? 2 : 1;
}

/*
 * A client (forked): waits for the start, then sends its pickups one after
 * the other until one is not a 201, writing "status code first len
 * reservationId" per answer to res (one write, atomic), and exits.
 */
static void
race_picker(const struct scratch *s, const char *allot, int i, int go,
    int res)
{
	char c, line[200];
	int k, n, first, len;

	harness_forked_child();
	if (read(go, &c, 1) < 0)
		_exit(3);
	for (k = 0; k < PICKS; k++) {
		struct http_response *r;
		const char *code, *rid;

		race_pickup_nights(i, k, &first, &len);
		r = pickup_post(allot, s->agent_key, pickup_body(s, 0,
		    s->business + 1 + first, s->business + 1 + first + len, 1),
		    NULL);
		code = jstr(r->json, "code");
		rid = jstr(jget(r->json, "data"), "reservationId");
		n = snprintf(line, sizeof(line), "%ld %s %d %d %s\n",
		    r->status, code != NULL ? code : "data", first, len,
		    rid != NULL ? rid : "-");
		if (n <= 0 || n >= (int)sizeof(line) ||
		    write(res, line, (size_t)n) != n)
			_exit(3);
		if (r->status != 201)
			break;
		http_response_free(r);
	}
	_exit(0);
}

static int
strcmp_p(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The cells of column 0 of every row joined by spaces (pool). */
static const char *
column_text(const struct db_rows *rows)
{
	char *out = pool_strdup("");
	int i;

	if (rows == NULL)
		return "(failed)";
	for (i = 0; i < rows->nrows; i++)
		out = pool_printf("%s%s%s", out, i ? " " : "",
		    db_cell(rows, i, 0) ? db_cell(rows, i, 0) : "-");
	return out;
}

static const char active_ids_sql[] =
    "SELECT id FROM allotment_reservations WHERE allotment_id = ? "
    "AND status = 'active' ORDER BY id";
static const char stored_sql[] =
    "SELECT COUNT(*), COALESCE(SUM(status = 'active'), 0), "
    "COALESCE(SUM(IF(status = 'active', "
    "DATEDIFF(check_out_date, check_in_date) * quantity, 0)), 0), "
    "COALESCE(SUM(business_date_at_creation <> ?), 0) "
    "FROM allotment_reservations WHERE allotment_id = ?";
/* Per night of the allotment: picked, and committed in inventory. */
static const char picked_nights_sql[] =
    "SELECT picked FROM allotment_nights WHERE allotment_id = ? "
    "ORDER BY unit_type_id, night";
static const char committed_nights_sql[] =
    "SELECT i.committed FROM allotment_nights n JOIN inventory_nights i "
    "ON i.unit_type_id = n.unit_type_id AND i.night = n.night "
    "WHERE n.allotment_id = ? ORDER BY n.unit_type_id, n.night";
/* Per night: the rooms of the active pickups staying that night. */
static const char covered_nights_sql[] =
    "SELECT (SELECT COALESCE(SUM(r.quantity), 0) "
    "FROM allotment_reservations r WHERE r.allotment_id = n.allotment_id "
    "AND r.unit_type_id = n.unit_type_id AND r.status = 'active' "
    "AND r.check_in_date <= n.night AND r.check_out_date > n.night) "
    "FROM allotment_nights n WHERE n.allotment_id = ? "
    "ORDER BY n.unit_type_id, n.night";
static const char overpicked_sql[] =
    "SELECT COUNT(*) FROM allotment_nights WHERE allotment_id = ? "
    "AND (picked > allocated OR is_open <> 0)";

/* One round: PICKERS clients picking up while the night audit moves the
   date to the cutoff date (and so runs the cutoff) after delay_ms. */
static void
pickups_racing_the_cutoff_round(int round, int delay_ms)
{
	struct scratch s;
	struct allotment_spec a = { .from = 1, .until = 1 + RACE_NIGHTS,
	    .cutoff = 1, .definite = 1, .minimum_bp = 7000,
	    .penalty = "5000", .qty = { RACE_ROOMS } };
	const char *id, *ids[PICKERS * PICKS], *expected = "", *stored;
	int load[RACE_NIGHTS] = { 0 }, picks[RACE_NIGHTS] = { 0 };
	int go[2], res[2], i, k, n, first, len, created = 0, refused = 0;
	int other = 0, contracted, required;
	long long room_nights = 0, penalty;
	static char buf[PICKERS * PICKS * 200 + 1];
	pid_t pids[PICKERS];
	char *ln, *save;
	int32_t b;

	/* no night can run out: every answer is 201 or not bookable */
	for (i = 0; i < PICKERS; i++)
		for (k = 0; k < PICKS; k++) {
			race_pickup_nights(i, k, &first, &len);
			for (n = first; n < first + len; n++)
				load[n]++;
		}
	for (n = 0; n < RACE_NIGHTS; n++)
		REQUIRE(load[n] <= RACE_ROOMS);

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, RACE_ROOMS, &a)) != NULL);
	b = s.business;
	CHECK_STR(pool_printf("%d %d %d 0", RACE_NIGHTS, RACE_NIGHTS,
	    RACE_NIGHTS * RACE_ROOMS), NIGHTS(id));
	for (n = 0; n < RACE_NIGHTS; n++) {
		CHECK_INT(0, AVAILABLE(s.types[0], b + 1 + n));
		expected = pool_printf("%s%s%d", expected, n ? " " : "",
		    RACE_ROOMS);
	}
	CHECK_STR(expected, column_text(Q(committed_nights_sql, 1, id)));

	REQUIRE(pipe(go) == 0);
	REQUIRE(pipe(res) == 0);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < PICKERS; i++) {
		if ((pids[i] = fork()) == 0) {
			close(go[1]);
			close(res[0]);
			race_picker(&s, id, i, go[0], res[1]);
		}
		CHECKF(pids[i] > 0, "fork: %s", strerror(errno));
	}
	close(go[0]);
	close(res[1]);
	close(go[1]);		/* the start: every client reads EOF */
	AUDIT_RACING(s.est, b + 1, delay_ms, res[0], buf, sizeof(buf));
	for (i = 0; i < PICKERS; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);

	for (ln = strtok_r(buf, "\n", &save); ln != NULL;
	    ln = strtok_r(NULL, "\n", &save)) {
		char status[8], code[64], rid[64];

		if (sscanf(ln, "%7s %63s %d %d %63s", status, code, &first,
		    &len, rid) != 5 || first < 0 || len < 1 ||
		    first + len > RACE_NIGHTS) {
			other++;
			FAIL("a client wrote: %s", ln);
		} else if (strcmp(status, "201") == 0 &&
		    strcmp(code, "data") == 0 && is_lower_uuid(rid)) {
			ids[created++] = pool_strdup(rid);
			room_nights += len;
			for (n = first; n < first + len; n++)
				picks[n]++;
		} else if (strcmp(status, "409") == 0 &&
		    strcmp(code, "ALLOTMENT_NOT_BOOKABLE") == 0)
			refused++;
		else {
			other++;
			FAIL("a pickup was answered: %s", ln);
		}
	}
	printf("# round %d: %d pickups before the cutoff (201), %d after it "
	    "(409 ALLOTMENT_NOT_BOOKABLE), %d other; night audit started "
	    "after %d ms\n", round, created, refused, other, delay_ms);
	CHECK_INT(0, other);
	/* every client stopped at its first refusal, or sent them all */
	CHECKF(refused <= PICKERS && created + refused >= PICKERS,
	    "%d created, %d refused by %d clients", created, refused, PICKERS);

	/* what was answered 201 is what is stored, nothing else */
	qsort(ids, (size_t)created, sizeof(ids[0]), strcmp_p);
	expected = "";
	for (i = 0; i < created; i++)
		expected = pool_printf("%s%s%s", expected, i ? " " : "",
		    ids[i]);
	CHECK_STR(expected, column_text(Q(active_ids_sql, 1, id)));
	stored = row_text(Q(stored_sql, 2, day_s(b), id));
	/* all rows active (a refused pickup leaves none), room-nights, all
	   taken at the old business date */
	CHECK_STR(pool_printf("%d %d %lld 0", created, created, room_nights),
	    stored);

	/* the cutoff counted every 201 and nothing after it */
	contracted = RACE_NIGHTS * RACE_ROOMS;
	required = (contracted * 7000 + 9999) / 10000;
	penalty = room_nights < required ? (required - room_nights) * 5000 : 0;
	CHECK_STR(pool_printf("released done %d %lld %lld %lld 1", contracted,
	    room_nights, room_nights * 10000 / contracted, penalty), STATE(id));
	CHECK_CUTOFF_RESULT(&s, id, b + 1, contracted, room_nights,
	    (double)(room_nights * 10000 / contracted) / 100,
	    pool_printf("%lld", penalty));
	CHECK_STR(pool_printf("%d 0 %d %lld", RACE_NIGHTS, contracted,
	    room_nights), NIGHTS(id));
	CHECK_STR("0", row_text(Q(overpicked_sql, 1, id)));

	/* night by night: picked = the answers' pickups = the stored ones =
	   committed (the unpicked part released exactly once) */
	expected = "";
	for (n = 0; n < RACE_NIGHTS; n++)
		expected = pool_printf("%s%s%d", expected, n ? " " : "",
		    picks[n]);
	CHECK_STR(expected, column_text(Q(picked_nights_sql, 1, id)));
	CHECK_STR(expected, column_text(Q(covered_nights_sql, 1, id)));
	CHECK_STR(expected, column_text(Q(committed_nights_sql, 1, id)));
	expected = "";
	for (n = 0; n < RACE_NIGHTS; n++)
		expected = pool_printf("%s%s%d", expected, n ? " " : "",
		    RACE_ROOMS - picks[n]);
	CHECK_STR(expected, AVAILABILITY(s.types[0], b + 1,
	    b + 1 + RACE_NIGHTS));
}

TEST(pickups_racing_the_cutoff_are_each_counted_by_it_or_refused_after_it)
{
	int round;

	for (round = 1; round <= PICKUP_ROUNDS; round++)
		pickups_racing_the_cutoff_round(round, 20 * (round - 1));
}

/* ---- a pickup cancel racing the cutoff ----------------------------------------- */

#define CANCEL_ROUNDS 10

/* One round: a pickup cancel sent after cancel_ms, the night audit to the
   cutoff date started after audit_ms; which came first shows in the
   result (printed as a TAP comment), and nothing else may depend on it. */
static void
cancel_racing_the_cutoff_round(int round, int cancel_ms, int audit_ms)
{
	struct scratch s;
	struct allotment_spec a = { .from = 1, .until = 3, .cutoff = 1,
	    .definite = 1, .minimum_bp = 7000, .penalty = "5000",
	    .qty = { 3 } };
	static const char status_sql[] =
	    "SELECT status FROM allotment_reservations WHERE id = ?";
	const char *id, *p, *q, *state, *order;
	int res[2];
	char buf[256];
	pid_t pid;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 4, &a)) != NULL);
	b = s.business;
	REQUIRE((p = PICKUP_NEW(&s, id, 0, b + 1, b + 3, 1)) != NULL);
	REQUIRE((q = PICKUP_NEW(&s, id, 0, b + 1, b + 2, 1)) != NULL);
	CHECK_STR("1 1", AVAILABILITY(s.types[0], b + 1, b + 3));
	CHECK_STR("2 1", column_text(Q(picked_nights_sql, 1, id)));

	REQUIRE(pipe(res) == 0);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		struct http_response *r;
		int n;

		close(res[0]);
		harness_forked_child();
		sleep_ms(cancel_ms);
		r = pickup_cancel(id, p, s.agent_key);
		n = snprintf(buf, sizeof(buf), "%ld %s", r->status,
		    jstr(r->json, "code") != NULL ? jstr(r->json, "code") :
		    jstr(jget(r->json, "data"), "status") != NULL ?
		    jstr(jget(r->json, "data"), "status") : "-");
		_exit(n > 0 && n < (int)sizeof(buf) &&
		    write(res[1], buf, (size_t)n) == n ? 0 : 3);
	}
	close(res[1]);
	CHECKF(pid > 0, "fork: %s", strerror(errno));
	AUDIT_RACING(s.est, b + 1, audit_ms, res[0], buf, sizeof(buf));
	if (pid > 0)
		waitpid(pid, NULL, 0);
	/* either order, the cancel is answered */
	CHECK_STR("200 cancelled", buf);
	CHECK_STR("cancelled", SQL_VALUE(status_sql, 1, p));
	CHECK_STR("active", SQL_VALUE(status_sql, 1, q));
	/* the remaining pickup q only; the cancelled room given back once,
	   to the allotment (then released by the cutoff) or to inventory */
	CHECK_STR("1 0", column_text(Q(picked_nights_sql, 1, id)));
	CHECK_STR("1 0", column_text(Q(committed_nights_sql, 1, id)));
	CHECK_STR("3 4", AVAILABILITY(s.types[0], b + 1, b + 3));
	CHECK_STR("2 0 6 1", NIGHTS(id));
	/* 6 contracted, ceil(6 x 70 %) = 5 required: the cancel before the
	   cutoff leaves 1 picked (4 x 5000), after it 3 were counted
	   (2 x 5000) */
	state = STATE(id);
	if (strcmp(state, "released done 6 1 1667 20000 1") == 0) {
		order = "the cancel first";
		CHECK_CUTOFF_RESULT(&s, id, b + 1, 6, 1, 16.67, "20000");
	} else if (strcmp(state, "released done 6 3 5000 10000 1") == 0) {
		order = "the cutoff first";
		CHECK_CUTOFF_RESULT(&s, id, b + 1, 6, 3, 50, "10000");
	} else {
		order = "?";
		FAIL("the allotment after the race: %s", state);
	}
	printf("# round %d (cancel after %d ms, night audit after %d ms): %s\n",
	    round, cancel_ms, audit_ms, order);
}

TEST(a_pickup_cancel_racing_the_cutoff_gives_the_room_back_once)
{
	int round;

	/* the cancel later and later: the first ones before the cutoff, the
	   last ones after it, some in between (printed, not assumed) */
	for (round = 0; round < CANCEL_ROUNDS; round++)
		cancel_racing_the_cutoff_round(round + 1, 3 * round, 0);
}

static const struct test_case tests[] = {
	TEST_ENTRY(cutoff_releases_unpicked_nights_to_inventory_and_keeps_picked_ones),
	TEST_ENTRY(worked_example_18_contracted_70_percent_9_picked_5000_records_a_20000_penalty),
	TEST_ENTRY(allotment_over_two_unit_types_counts_every_night_of_both),
	TEST_ENTRY(tentative_at_cutoff_is_released_without_penalty_and_inventory_unchanged),
	TEST_ENTRY(allotment_not_yet_due_is_left_armed_and_holds_its_inventory),
	TEST_ENTRY(night_audit_moving_the_date_to_the_cutoff_date_releases_it),
	TEST_ENTRY(night_audit_skipping_past_the_cutoff_date_releases_it_but_not_the_nights_before_the_new_date),
	TEST_ENTRY(a_second_run_changes_nothing),
	TEST_ENTRY(a_cancelled_allotment_is_skipped),
	TEST_ENTRY(a_penalty_too_large_to_record_fails_that_allotment_loudly_and_the_others_go_on),
	TEST_ENTRY(three_runs_at_once_release_once_and_record_one_result),
	TEST_ENTRY(pickups_racing_the_cutoff_are_each_counted_by_it_or_refused_after_it),
	TEST_ENTRY(a_pickup_cancel_racing_the_cutoff_gives_the_room_back_once),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
