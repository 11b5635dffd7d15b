/*
 * pms-admin allotment-cutoff, and the night audit's job of the same name
 * (SPEC 2.4, docs/allotments.md "Status and cutoff"): every allotment of
 * an establishment whose cutoff is armed, whose cutoff date is on or
 * before the business date and whose status is tentative or definite is
 * released, one transaction each:
 *
 *  - its row is read under a lock, then moved from armed to done and to
 *    `released` by an UPDATE conditional on the state and status read, so
 *    of two runs at once (or a run and a cancel) one moves it and the
 *    other changes nothing (status=already), on one node and on Galera;
 *  - a definite one's nights are closed and its unpicked room-nights from
 *    the business date on go back to inventory (lib/allotment_close.c);
 *    a tentative holds no inventory, so nothing is given back;
 *  - then, the nights' counts being final (the close wrote every row),
 *    the result: contracted and picked room-nights, pickup percentage and
 *    attrition penalty (lib/attrition.c; a tentative: picked 0, no
 *    penalty), written in the same transaction.
 *
 * A failure of one allotment (a database error, a penalty too large to
 * record) rolls back that one only, is reported, and the others go on.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "allotment_close.h"
#include "attrition.h"

/* The repeated option last: see args.c. */
const struct field allotment_cutoff_fields[] = {
	{ .name = "establishment", .kind = FIELD_ARRAY,
	  .item_kind = FIELD_UUID },
	{ .name = NULL }
};

/* One allotment's cutoff: what it was, what this run did. */
struct cutoff {
	const char *id;
	int32_t business_date;
	int released;			/* out: this run released it */
	/* out: the result, recorded by this run or found recorded */
	const char *contracted, *picked, *pickup_percent, *penalty;
	int64_t room_nights_back;	/* out: given back to inventory */
	char contracted_s[24], picked_s[24], percent_s[24], penalty_s[24];
	char why[ADMIN_WHY_MAX];
};

static const char due_sql[] =
    "SELECT id FROM allotments WHERE cutoff_state = 'armed' "
    "AND establishment_id = ? AND cutoff_date <= ? "
    "AND status IN ('tentative', 'definite') ORDER BY cutoff_date, id";
/* Locked: a second run waits here, then reads the first one's result. */
static const char read_sql[] =
    "SELECT status, cutoff_state, minimum_pickup_bp, "
    "penalty_per_room_night_cents, contracted_room_nights, "
    "picked_room_nights, pickup_bp, penalty_cents "
    "FROM allotments WHERE id = ? FOR UPDATE";
/* Conditional on what was read: on Galera the lock above is local, and
   only this write certifies against another node's cutoff or cancel. */
static const char move_sql[] =
    "UPDATE allotments SET status = 'released', cutoff_state = 'done', "
    "cutoff_done_at = UTC_TIMESTAMP() "
    "WHERE id = ? AND cutoff_state = 'armed' AND status = ?";
static const char totals_sql[] =
    "SELECT COALESCE(SUM(allocated), 0), COALESCE(SUM(picked), 0) "
    "FROM allotment_nights WHERE allotment_id = ?";
static const char result_sql[] =
    "UPDATE allotments SET contracted_room_nights = ?, "
    "picked_room_nights = ?, pickup_bp = ?, penalty_cents = ? WHERE id = ?";

/* bp (hundredths of a percent) as the API's percentage: 5000 -> 50.00. */
static const char *
cutoff_percent(long bp, char *out, size_t len)
{
	snprintf(out, len, "%ld.%02ld", bp / 100, bp % 100);
	return out;
}

/* A cell copied into buf (SQL NULL stays NULL). */
static const char *
cutoff_keep(const char *cell, char *buf, size_t len)
{
	if (cell == NULL)
		return NULL;
	snprintf(buf, len, "%s", cell);
	return buf;
}

/* The result another run (or a cancel, which records none) left. */
static void
cutoff_found(struct cutoff *c, const struct db_rows *row)
{
	c->contracted = cutoff_keep(db_cell(row, 0, 4), c->contracted_s,
	    sizeof(c->contracted_s));
	c->picked = cutoff_keep(db_cell(row, 0, 5), c->picked_s,
	    sizeof(c->picked_s));
	c->pickup_percent = db_cell(row, 0, 6) == NULL ? NULL :
	    cutoff_percent(strtol(db_cell(row, 0, 6), NULL, 10), c->percent_s,
	    sizeof(c->percent_s));
	c->penalty = cutoff_keep(db_cell(row, 0, 7), c->penalty_s,
	    sizeof(c->penalty_s));
}

/*
 * The result of a released allotment whose nights are final: contracted
 * = every allocated room-night, picked = every picked one (0 for a
 * tentative, which nobody could pick), and for a definite one the pickup
 * in bp and the penalty.  Written to the row; kept in c for the line.
 */
static int
cutoff_result(struct db *db, struct cutoff *c, int definite, int minimum_bp,
    int64_t per_room_night)
{
	struct db_rows *rows = NULL;
	int64_t contracted, picked = 0, penalty = 0;
	int bp = 0, rc;

	if ((rc = db_query(db, totals_sql, (struct db_param[]){
	    DB_STR(c->id) }, 1, &rows)) != DB_OK)
		goto done;
	contracted = strtoll(db_cell(rows, 0, 0), NULL, 10);
	if (definite) {
		picked = strtoll(db_cell(rows, 0, 1), NULL, 10);
		if ((rc = attrition_pickup_bp(contracted, picked, &bp)) == 0)
			rc = attrition_penalty(contracted, picked, minimum_bp,
			    per_room_night, &penalty);
		if (rc != ATTRITION_OK) {
			snprintf(c->why, sizeof(c->why), "allotment %s: %s "
			    "(contracted %" PRId64 " room-nights, picked %"
			    PRId64 ", minimum %d bp, penalty %" PRId64 " cents "
			    "per room-night): not cut off, nothing written",
			    c->id, rc == ATTRITION_OVERFLOW ? "the penalty "
			    "does not fit in 18 digits" : "impossible counts",
			    contracted, picked, minimum_bp, per_room_night);
			rc = ADMIN_REFUSED;
			goto done;
		}
	}
	if ((rc = db_exec(db, result_sql, (struct db_param[]){
	    DB_I64(contracted), DB_I64(picked), DB_I64(bp), DB_I64(penalty),
	    DB_STR(c->id) }, 5, NULL, NULL)) != DB_OK)
		goto done;
	snprintf(c->contracted_s, sizeof(c->contracted_s), "%" PRId64,
	    contracted);
	snprintf(c->picked_s, sizeof(c->picked_s), "%" PRId64, picked);
	snprintf(c->penalty_s, sizeof(c->penalty_s), "%" PRId64, penalty);
	c->contracted = c->contracted_s;
	c->picked = c->picked_s;
	c->pickup_percent = cutoff_percent(bp, c->percent_s,
	    sizeof(c->percent_s));
	c->penalty = c->penalty_s;
done:
	db_rows_free(rows);
	return rc;
}

/* One allotment, one transaction (db_transaction runs it again on a
   deadlock: every output is reset here). */
static int
cutoff_tx(struct db *db, void *ctx)
{
	struct cutoff *c = ctx;
	struct db_rows *row = NULL;
	const char *status, *state, *per;
	char status_s[16];
	uint64_t moved = 0;
	int definite, rc;

	c->released = 0;
	c->contracted = c->picked = c->pickup_percent = c->penalty = NULL;
	c->room_nights_back = 0;
	c->why[0] = '\0';
	if ((rc = db_query(db, read_sql, (struct db_param[]){ DB_STR(c->id) },
	    1, &row)) != DB_OK)
		goto done;
	status = db_cell(row, 0, 0);
	state = db_cell(row, 0, 1);
	if (status == NULL || state == NULL || strcmp(state, "armed") != 0 ||
	    (strcmp(status, "tentative") != 0 &&
	    strcmp(status, "definite") != 0)) {
		cutoff_found(c, row);	/* done by another run, or cancelled */
		goto done;
	}
	snprintf(status_s, sizeof(status_s), "%s", status);
	definite = strcmp(status_s, "definite") == 0;
	if ((rc = db_exec(db, move_sql, (struct db_param[]){ DB_STR(c->id),
	    DB_STR(status_s) }, 2, &moved, NULL)) != DB_OK || moved == 0)
		goto done;
	c->released = 1;
	if (definite && (rc = allotment_close(db, c->id, c->business_date,
	    &c->room_nights_back)) != DB_OK)
		goto done;
	per = db_cell(row, 0, 3);	/* NULL: no penalty agreed */
	rc = cutoff_result(db, c, definite, atoi(db_cell(row, 0, 2)),
	    per != NULL ? strtoll(per, NULL, 10) : 0);
done:
	db_rows_free(row);
	return rc;
}

/* The key=value line of one allotment, flushed (progress, line by line). */
static void
cutoff_print(const struct cutoff *c, const char *establishment_id)
{
	int n = 0;

	kv_put(&n, "allotment", c->id);
	kv_put(&n, "establishment", establishment_id);
	kv_put(&n, "status", c->released ? "released" : "already");
	kv_put(&n, "contracted", c->contracted);
	kv_put(&n, "picked", c->picked);
	kv_put(&n, "pickup-percent", c->pickup_percent);
	kv_put(&n, "penalty-cents", c->penalty);
	kv_put_u64(&n, "released-room-nights", (uint64_t)c->room_nights_back);
	putchar('\n');
	fflush(stdout);
}

int
allotment_cutoff_due(struct admin *ad, const char *establishment_id,
    int32_t business_date, int print_lines, int *cut)
{
	struct db_rows *due = NULL;
	struct cutoff c;
	char date_s[DATE_STR_LEN + 1], about[64];
	int i, rc, one;

	*cut = 0;
	date_format(business_date, date_s);
	if ((rc = db_query(ad->db, due_sql, (struct db_param[]){
	    DB_STR(establishment_id), DB_STR(date_s) }, 2, &due)) != DB_OK) {
		snprintf(about, sizeof(about), "establishment %s",
		    establishment_id);
		(void)admin_exit_for(ad, about, rc, "");
		goto done;
	}
	for (i = 0; i < due->nrows; i++) {
		memset(&c, 0, sizeof(c));
		c.id = db_cell(due, i, 0);
		c.business_date = business_date;
		if ((one = db_transaction(ad->db, cutoff_tx, &c)) != DB_OK) {
			/* A refusal names the allotment itself. */
			snprintf(about, sizeof(about), "allotment %s", c.id);
			(void)admin_exit_for(ad, one == ADMIN_REFUSED ? NULL :
			    about, one, c.why);
			rc = one;
			continue;
		}
		*cut += c.released;
		if (print_lines)
			cutoff_print(&c, establishment_id);
	}
done:
	db_rows_free(due);
	return rc;
}

/* One establishment of allotment-cutoff: at its business date. */
static int
allotment_cutoff_one(struct admin *ad, const char *id, void *ctx)
{
	char why[ADMIN_WHY_MAX] = "", about[64];
	int32_t business_date;
	int cut, rc;

	(void)ctx;
	if ((rc = establishment_business_date(ad->db, id, &business_date, why,
	    sizeof(why))) != DB_OK) {
		snprintf(about, sizeof(about), "establishment %s", id);
		return admin_exit_for(ad, rc == ADMIN_REFUSED ? NULL : about,
		    rc, why);
	}
	rc = allotment_cutoff_due(ad, id, business_date, 1, &cut);
	return rc == DB_OK ? ADMIN_EXIT_OK : ADMIN_EXIT_FAIL;	/* reported */
}

int
allotment_cutoff(struct admin *ad)
{
	return establishment_each(ad, allotment_cutoff_one, NULL);
}
