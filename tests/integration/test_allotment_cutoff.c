/*
 * test_allotment_cutoff: the allotment cutoff of SPEC 2.4 (docs/
 * allotments.md "Status and cutoff"), run by `pms-admin allotment-cutoff`
 * and by the night audit, against the real database of the stack:
 *  - a definite allotment at its cutoff is released: the unpicked
 *    room-nights from the business date on go back to inventory (night by
 *    night), the picked ones stay committed, and the result is recorded
 *    (contracted, picked, pickup %, penalty: the worked example 18
 *    contracted, 70 %, 9 picked, 5000 -> 20000);
 *  - a tentative one is released with no penalty and no inventory change;
 *  - one not yet due, or cancelled, is left alone;
 *  - the night audit runs it when it moves the date to the cutoff date or
 *    past it, and nights before the new business date are not released;
 *  - a second run changes nothing, two runs at once release once, and a
 *    penalty too large to record fails that allotment loudly while the
 *    others go on.
 * The allotments are made by allotment_fixture() with SQL, keeping the
 * invariants of schema/012's header (the HTTP create and pickup endpoints
 * will replace it and pickup_fixture()).  Every test has a scratch
 * establishment of its own (scratch.h).
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

/* ---- fixtures ------------------------------------------------------------ */

/* An allotment as POST /v1/allotments would make it. */
struct allotment_spec {
	int definite;			/* else tentative */
	/* in days after the scratch's business date when it is made */
	int from, until;		/* the period's nights [from, until) */
	int cutoff;
	int minimum_bp;			/* minimumPickupPercent x 100 */
	const char *penalty;		/* cents, or NULL */
	int qty[SCRATCH_MAX_TYPES];	/* per type of the scratch; 0: none */
};

static const char allotment_ins_sql[] =
    "INSERT INTO allotments (id, establishment_id, rate_plan_id, "
    "channel_type, allotment_type, currency, period_from, period_to, "
    "cutoff_date, minimum_pickup_bp, penalty_per_room_night_cents, status) "
    "VALUES (?, ?, ?, 'group', ?, 'EUR', ?, ?, ?, ?, ?, ?)";
static const char allocation_ins_sql[] =
    "INSERT INTO allotment_allocations (allotment_id, unit_type_id, "
    "position, quantity) VALUES (?, ?, ?, ?)";
static const char nights_ins_sql[] =
    "INSERT INTO allotment_nights (allotment_id, unit_type_id, night, "
    "allocated, picked, is_open) "
    "SELECT ?, ?, CAST(? AS DATE) + INTERVAL seq DAY, ?, 0, ? "
    "FROM seq_0_to_3660 WHERE seq < ?";
static const char commit_sql[] =
    "UPDATE inventory_nights SET committed = committed + ? "
    "WHERE unit_type_id = ? AND night >= ? AND night < ?";
static const char pickup_sql[] =
    "UPDATE allotment_nights SET picked = picked + ? "
    "WHERE allotment_id = ? AND unit_type_id = ? AND night >= ? "
    "AND night < ? AND is_open = 1 AND allocated - picked >= ?";

/* One statement of a fixture on the harness's connection; 1, or 0 after
   recording a failure.  *changed (may be NULL): rows it changed. */
static int
fixture_exec_at(const char *sql, const struct db_param *p, int n,
    uint64_t *changed, const char *file, int line)
{
	struct db *db = harness_db_at(file, line);
	int rc;

	if (db == NULL)
		return 0;
	rc = db_exec(db, sql, p, n, changed, NULL);
	return check_true(rc == DB_OK, file, line, "%.60s...: %d (%u %s)", sql,
	    rc, db_errno(db), db_error(db));
}

/*
 * A definite allotment (row, allocations, open nights, inventory
 * committed on every night of every allocated type) or a tentative one
 * (row, allocations, closed nights, no inventory) of scratch s, with its
 * cutoff armed.  Its id, or NULL after recording a failure.
 */
static const char *
allotment_fixture_at(const struct scratch *s, const struct allotment_spec *a,
    const char *file, int line)
{
	const char *id = fresh_uuid(), *from = day_s(s->business + a->from),
	    *until = day_s(s->business + a->until);
	int t, position = 0;

	if (!fixture_exec_at(allotment_ins_sql, (struct db_param[]){
	    DB_STR(id), DB_STR(s->est), DB_STR(s->rate_plan),
	    DB_STR(a->definite ? "allotment" : "tentative"), DB_STR(from),
	    DB_STR(until), DB_STR(day_s(s->business + a->cutoff)),
	    DB_I64(a->minimum_bp),
	    DB_STR(a->penalty), DB_STR(a->definite ? "definite" : "tentative")
	    }, 10, NULL, file, line))
		return NULL;
	for (t = 0; t < s->ntypes; t++) {
		if (a->qty[t] == 0)
			continue;
		if (!fixture_exec_at(allocation_ins_sql, (struct db_param[]){
		    DB_STR(id), DB_STR(s->types[t]), DB_I64(position++),
		    DB_I64(a->qty[t]) }, 4, NULL, file, line) ||
		    !fixture_exec_at(nights_ins_sql, (struct db_param[]){
		    DB_STR(id), DB_STR(s->types[t]), DB_STR(from),
		    DB_I64(a->qty[t]), DB_I64(a->definite),
		    DB_I64(a->until - a->from) }, 6, NULL, file, line))
			return NULL;
		if (a->definite && !fixture_exec_at(commit_sql,
		    (struct db_param[]){ DB_I64(a->qty[t]), DB_STR(s->types[t]),
		    DB_STR(from), DB_STR(until) }, 4, NULL, file, line))
			return NULL;
	}
	return id;
}
#define ALLOTMENT_FIXTURE(s, a)	allotment_fixture_at((s), (a), __FILE__, __LINE__)

/* A scratch establishment of ntypes types of nunits units (business date
   today in Paris, inventory materialised) holding allotment a: its id,
   or NULL after recording a failure. */
static const char *
scratch_allotment_at(struct scratch *s, int ntypes, int nunits,
    const struct allotment_spec *a, const char *file, int line)
{
	if (!scratch_new_at(s, ntypes, nunits, "Europe/Paris",
	    today_in_at("Europe/Paris", file, line), 1, file, line))
		return NULL;
	return allotment_fixture_at(s, a, file, line);
}
#define SCRATCH_ALLOTMENT(s, ntypes, nunits, a)				\
	scratch_allotment_at((s), (ntypes), (nunits), (a), __FILE__, __LINE__)

/* A pickup of qty rooms of type on [from, until): picked + qty on each
   of its nights, all or none (POST /v1/allotments/{id}/reservations).
   1, or 0 after recording a failure. */
static int
pickup_fixture_at(const char *allotment, const char *type, int32_t from,
    int32_t until, int qty, const char *file, int line)
{
	uint64_t changed = 0;

	return fixture_exec_at(pickup_sql, (struct db_param[]){ DB_I64(qty),
	    DB_STR(allotment), DB_STR(type), DB_STR(day_s(from)),
	    DB_STR(day_s(until)), DB_I64(qty) }, 6, &changed, file, line) &&
	    check_true(changed == (uint64_t)(until - from), file, line,
	    "pickup of %d on [%s, %s): %llu nights", qty, day_s(from),
	    day_s(until), (unsigned long long)changed);
}
#define PICKUP(a, type, from, until, qty)				\
	pickup_fixture_at((a), (type), (from), (until), (qty), __FILE__, __LINE__)

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
	struct allotment_spec a = { .from = 3, .until = 7, .cutoff = 0,
	    .definite = 1, .minimum_bp = 0, .penalty = "1000", .qty = { 4 } };
	const char *id, *out;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 10, &a)) != NULL);
	b = s.business;
	REQUIRE(PICKUP(id, s.types[0], b + 4, b + 6, 2));
	REQUIRE(PICKUP(id, s.types[0], b + 5, b + 7, 1));
	/* before: the allotment holds 4 on each of its nights b+3 .. b+6 */
	CHECK_STR("10 6 6 6 6 10", AVAILABILITY(s.types[0], b + 2, b + 8));

	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_STR(released_line(id, s.est, "contracted=16 picked=6 "
	    "pickup-percent=37.50 penalty-cents=0 released-room-nights=10"),
	    line_of(out, id));
	/* after: only what was picked (0, 2, 3, 1) stays committed */
	CHECK_STR("10 10 8 7 9 10", AVAILABILITY(s.types[0], b + 2, b + 8));
	CHECK_STR("released done 16 6 3750 0 1", STATE(id));
	CHECK_STR("4 0 16 6", NIGHTS(id));
}

TEST(worked_example_18_contracted_70_percent_9_picked_5000_records_a_20000_penalty)
{
	struct scratch s;
	struct allotment_spec a = { .from = 1, .until = 7, .cutoff = 0,
	    .definite = 1, .minimum_bp = 7000,
	    .penalty = "5000", .qty = { 3 } };
	const char *id, *out;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 5, &a)) != NULL);
	b = s.business;
	REQUIRE(PICKUP(id, s.types[0], b + 1, b + 7, 1));	/* 6 */
	REQUIRE(PICKUP(id, s.types[0], b + 2, b + 5, 1));	/* 3 */
	CHECK_STR("2 2 2 2 2 2", AVAILABILITY(s.types[0], b + 1, b + 7));

	REQUIRE((out = CUTOFF(s.est)) != NULL);
	/* ceil(18 x 70 %) = ceil(12.6) = 13; 13 - 9 = 4; 4 x 5000 */
	CHECK_STR(released_line(id, s.est, "contracted=18 picked=9 "
	    "pickup-percent=50.00 penalty-cents=20000 released-room-nights=9"),
	    line_of(out, id));
	CHECK_STR("released done 18 9 5000 20000 1", STATE(id));
	CHECK_STR("4 3 3 3 4 4", AVAILABILITY(s.types[0], b + 1, b + 7));
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
	REQUIRE(PICKUP(id, s.types[1], b + 2, b + 5, 1));
	REQUIRE(AUDIT_TO(s.est, b + 1) != NULL);
	/* 9 contracted, 3 picked: 33.33 %; ceil(9 x 50.5 %) = 5; 2 x 333 */
	CHECK_STR("released done 9 3 3333 666 1", STATE(id));
	CHECK_STR("3 3 3", AVAILABILITY(s.types[0], b + 2, b + 5));
	CHECK_STR("2 2 2", AVAILABILITY(s.types[1], b + 2, b + 5));
	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK(line_of(out, id) == NULL);
}

TEST(tentative_at_cutoff_is_released_without_penalty_and_inventory_unchanged)
{
	struct scratch s;
	struct allotment_spec a = { .from = 1, .until = 5, .cutoff = 0,
	    .definite = 0, .minimum_bp = 8000,
	    .penalty = "5000", .qty = { 2 } };
	const char *id, *out, *before;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 4, &a)) != NULL);
	b = s.business;
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 7)) != NULL);
	CHECK_INT(4, AVAILABLE(s.types[0], b + 1));

	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_STR(released_line(id, s.est, "contracted=8 picked=0 "
	    "pickup-percent=0.00 penalty-cents=0 released-room-nights=0"),
	    line_of(out, id));
	CHECK_STR("released done 8 0 0 0 1", STATE(id));
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
	a.cutoff = 2;		/* one more, due a day later */
	REQUIRE((later = ALLOTMENT_FIXTURE(&s, &a)) != NULL);
	REQUIRE(PICKUP(id, s.types[0], b + 2, b + 3, 2));
	CHECK_STR("0 0", AVAILABILITY(s.types[0], b + 2, b + 4));

	REQUIRE((out = AUDIT_TO(s.est, b + 1)) != NULL);
	CHECK_STR(pool_printf("establishment=%s business-date=%s "
	    "nights-added=1 status=advanced cutoffs=1\n", s.est, day_s(b + 1)),
	    out);
	/* 6 contracted, 2 picked, 100 %: 4 x 100 */
	CHECK_STR("released done 6 2 3333 400 1", STATE(id));
	CHECK_STR("definite armed - - - - 0", STATE(later));
	CHECK_STR("1 3", AVAILABILITY(s.types[0], b + 2, b + 4));

	/* the same date again: the first is done, the second not yet due */
	REQUIRE((out = AUDIT_TO(s.est, b + 1)) != NULL);
	CHECK_CONTAINS(out, " status=already cutoffs=0\n");
	CHECK_STR("definite armed - - - - 0", STATE(later));
	REQUIRE((out = AUDIT_TO(s.est, b + 2)) != NULL);
	CHECK_CONTAINS(out, " status=advanced cutoffs=1\n");
	CHECK_STR("released done 6 0 0 600 1", STATE(later));
	CHECK_STR("4 6", AVAILABILITY(s.types[0], b + 2, b + 4));
}

TEST(night_audit_skipping_past_the_cutoff_date_releases_it_but_not_the_nights_before_the_new_date)
{
	struct scratch s;
	struct allotment_spec a = { .from = 2, .until = 8, .cutoff = 1,
	    .definite = 1, .minimum_bp = 5000, .penalty = NULL, .qty = { 3 } };
	const char *id, *out;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 5, &a)) != NULL);
	b = s.business;
	REQUIRE(PICKUP(id, s.types[0], b + 3, b + 6, 1));
	CHECK_STR("2 2 2 2 2 2", AVAILABILITY(s.types[0], b + 2, b + 8));

	/* from b to b + 4: the cutoff date b + 1 is skipped over */
	REQUIRE((out = AUDIT_TO(s.est, b + 4)) != NULL);
	CHECK_CONTAINS(out, " status=advanced cutoffs=1\n");
	/* 18 contracted, 3 picked, 9 required but no penalty agreed (NULL
	   counts as 0) */
	CHECK_STR("released done 18 3 1667 0 1", STATE(id));
	CHECK_STR("6 0 18 3", NIGHTS(id));
	/* b+2 and b+3 are history: they keep what they held; from b+4 on
	   only the picked room stays */
	CHECK_STR("2 2 4 4 5 5", AVAILABILITY(s.types[0], b + 2, b + 8));
}

TEST(a_second_run_changes_nothing)
{
	struct scratch s;
	struct allotment_spec a = { .from = 1, .until = 3, .cutoff = 0,
	    .definite = 1, .minimum_bp = 5000, .penalty = "700", .qty = { 2 } };
	const char *id, *out, *before, *state, *done_at;
	static const char done_at_sql[] =
	    "SELECT cutoff_done_at FROM allotments WHERE id = ?";
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 3, &a)) != NULL);
	b = s.business;
	REQUIRE(PICKUP(id, s.types[0], b + 1, b + 2, 1));
	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_CONTAINS(out, " status=released contracted=4 picked=1 ");
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 4)) != NULL);
	state = STATE(id);
	done_at = row_text(Q(done_at_sql, 1, id));
	CHECK_STR("released done 4 1 2500 700 1", state);

	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_STR("", out);
	REQUIRE((out = AUDIT_TO(s.est, b)) != NULL);
	CHECK_CONTAINS(out, " status=already cutoffs=0\n");
	CHECK_STR(state, STATE(id));
	CHECK_STR(done_at, row_text(Q(done_at_sql, 1, id)));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 4));
}

TEST(a_cancelled_allotment_is_skipped)
{
	struct scratch s;
	struct allotment_spec a = { .from = 1, .until = 3, .cutoff = 0,
	    .definite = 1, .minimum_bp = 9000,
	    .penalty = "5000", .qty = { 2 } };
	static const char cancel_sql[] =
	    "UPDATE allotments SET status = 'cancelled', cutoff_state = 'done', "
	    "cutoff_done_at = UTC_TIMESTAMP() WHERE id = ?";
	static const char close_nights_sql[] =
	    "UPDATE allotment_nights SET is_open = 0 WHERE allotment_id = ?";
	static const char uncommit_sql[] =
	    "UPDATE inventory_nights SET committed = committed - 2 "
	    "WHERE unit_type_id = ? AND night >= ? AND night < ?";
	const char *id, *out, *before;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 3, &a)) != NULL);
	b = s.business;
	/* cancelled as POST .../cancel does it: nights closed, unpicked
	   room-nights back to inventory, no result */
	REQUIRE(X(cancel_sql, 1, id));
	REQUIRE(X(close_nights_sql, 1, id));
	REQUIRE(X(uncommit_sql, 3, s.types[0], day_s(b + a.from),
	    day_s(b + a.until)));
	REQUIRE((before = INVENTORY_SNAPSHOT(s.types[0], b, b + 4)) != NULL);
	CHECK_INT(3, AVAILABLE(s.types[0], b + 1));

	REQUIRE((out = CUTOFF(s.est)) != NULL);
	CHECK_STR("", out);
	REQUIRE((out = AUDIT_TO(s.est, b + 1)) != NULL);
	CHECK_CONTAINS(out, " cutoffs=0\n");
	CHECK_STR("cancelled done - - - - 1", STATE(id));
	CHECK_STR(before, INVENTORY_SNAPSHOT(s.types[0], b, b + 4));
}

TEST(a_penalty_too_large_to_record_fails_that_allotment_loudly_and_the_others_go_on)
{
	struct scratch s;
	/* 2 room-nights x 999999999999999999 does not fit in 18 digits */
	struct allotment_spec big = { .from = 1, .until = 3, .cutoff = 0,
	    .definite = 1, .minimum_bp = 10000,
	    .penalty = "999999999999999999", .qty = { 1 } };
	struct allotment_spec ok = { .from = 1, .until = 3, .cutoff = 0,
	    .definite = 1, .minimum_bp = 10000, .penalty = "10", .qty = { 1 } };
	const char *bad, *good, *before;
	char *out = NULL;
	int32_t b;

	REQUIRE((bad = SCRATCH_ALLOTMENT(&s, 1, 3, &big)) != NULL);
	b = s.business;
	REQUIRE((good = ALLOTMENT_FIXTURE(&s, &ok)) != NULL);
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
	/* the failed one still holds its room, the other gave its back */
	CHECK_STR("2 2", AVAILABILITY(s.types[0], b + 1, b + 3));

	/* the night audit: its date committed and printed, exit 1 */
	CHECK_INT(1, run_command((const char *const[]){ admin_path(),
	    "night-audit", "--establishment", s.est, "--to", day_s(b + 1),
	    NULL }, &out));
	CHECK_CONTAINS(out, pool_printf("establishment=%s business-date=%s "
	    "nights-added=1 status=advanced cutoffs=0\n", s.est, day_s(b + 1)));
	CHECK_CONTAINS(out, pool_printf("pms-admin: night-audit: allotment %s: "
	    "the penalty does not fit in 18 digits", bad));
	CHECK_STR("definite armed - - - - 0", STATE(bad));
}

/* ---- two runs at once ------------------------------------------------------- */

/* Two `pms-admin allotment-cutoff` started while the allotment's row is
   locked, both waiting on it when the lock goes. */
struct cutoff_race {
	const char *est, *allotment;
	pid_t pid[2];
	int fd[2];
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

/* Reads fd to its end (pool), waits for pid; *status its exit status. */
static const char *
reap(pid_t pid, int fd, int *status)
{
	char buf[4096];
	size_t n = 0;
	ssize_t got;
	int st;

	while (n + 1 < sizeof(buf) && (got = read(fd, buf + n,
	    sizeof(buf) - 1 - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	close(fd);
	*status = waitpid(pid, &st, 0) == pid && WIFEXITED(st) ?
	    WEXITSTATUS(st) : -1;
	return pool_strdup(buf);
}

/* Holds the row while both runs start and reach their locking read. */
static int
race_tx(struct db *db, void *ctx)
{
	struct cutoff_race *r = ctx;
	struct timespec pause = { 0, 20 * 1000000L };
	struct db_rows *rows = NULL;
	struct config cfg;
	struct db *watch = NULL;
	int i, rc;

	if ((rc = db_query(db, race_lock_sql, (struct db_param[]){
	    DB_STR(r->allotment) }, 1, &rows)) != DB_OK)
		goto done;
	for (i = 0; i < 2; i++)
		if (r->pid[i] <= 0)
			r->pid[i] = spawn((const char *const[]){ admin_path(),
			    "allotment-cutoff", "--establishment", r->est,
			    NULL }, &r->fd[i]);
	if (config_load(&cfg) != 0 || (watch = db_new(&cfg)) == NULL)
		goto done;
	for (i = 0; i < 1500 && r->waiting < 2; i++) {
		nanosleep(&pause, NULL);
		db_rows_free(rows);
		rows = NULL;
		if (db_query(watch, race_waiting_sql, NULL, 0, &rows) == DB_OK)
			r->waiting = atoi(db_cell(rows, 0, 0));
	}
done:
	db_rows_free(rows);
	db_free(watch);
	return rc;
}

TEST(two_runs_at_once_release_once_and_record_one_result)
{
	struct scratch s;
	struct allotment_spec a = { .from = 1, .until = 5, .cutoff = 0,
	    .definite = 1, .minimum_bp = 7500, .penalty = "250", .qty = { 2 } };
	struct cutoff_race r;
	const char *out[2], *id, *result;
	struct db *db;
	int status[2], i, released = 0, already = 0, rc;
	int32_t b;

	REQUIRE((id = SCRATCH_ALLOTMENT(&s, 1, 4, &a)) != NULL);
	b = s.business;
	REQUIRE(PICKUP(id, s.types[0], b + 2, b + 4, 1));
	REQUIRE((db = HARNESS_DB()) != NULL);
	memset(&r, 0, sizeof(r));
	r.est = s.est;
	r.allotment = id;

	rc = db_transaction(db, race_tx, &r);
	for (i = 0; i < 2; i++) {
		out[i] = "";
		status[i] = -1;
		if (CHECKF(r.pid[i] > 0, "run %d did not start", i))
			out[i] = reap(r.pid[i], r.fd[i], &status[i]);
	}
	CHECK_INT(DB_OK, rc);
	CHECK_INT(2, r.waiting);	/* both were waiting on the row */
	/* 8 contracted, 2 picked: 25 %; ceil(8 x 75 %) - 2 = 4; 4 x 250 */
	result = "contracted=8 picked=2 pickup-percent=25.00 penalty-cents=1000";
	for (i = 0; i < 2; i++) {
		CHECK_INT(0, status[i]);
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
	CHECK_INT(1, already);
	CHECK_STR("released done 8 2 2500 1000 1", STATE(id));
	CHECK_STR("4 3 3 4", AVAILABILITY(s.types[0], b + 1, b + 5));
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
	TEST_ENTRY(two_runs_at_once_release_once_and_record_one_result),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
