/*
 * The allotment's own actions (SPEC 2.4, 2.7, docs/allotments.md), both
 * manager only, both answering 200 with the allotment as GET returns it:
 *   POST /v1/allotments/{id}/confirm   tentative -> definite, taking its
 *                                      inventory (409 CAPACITY_SATURATED)
 *   POST /v1/allotments/{id}/cancel    tentative or definite -> cancelled,
 *                                      a definite one giving its unpicked
 *                                      room-nights back to inventory
 * Each moves the allotment row only from the status it read (`WHERE
 * status = ?`), so of two actions at once (or an action and the cutoff,
 * which does the same) one moves it and the other is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allotment_close.h"
#include "allotments.h"
#include "allotment_write.h"
#include "attrition.h"
#include "body.h"
#include "db.h"
#include "envelope.h"
#include "inventory.h"
#include "request.h"
#include "validate.h"
#include "write.h"


/* The optional body of confirm. */
struct confirm_body {
	int64_t penalty;
	enum field_state penalty_state;
};

static const struct field confirm_fields[] = {
	{ .name = "penaltyPerRoomNightCents", .kind = FIELD_CENTS,
	  .flags = F_NULLABLE,
	  FIELD_AT(struct confirm_body, penalty),
	  FIELD_STATE(struct confirm_body, penalty_state) },
	{ .name = NULL }
};

struct action_write {
	struct allotment_head head;
	struct confirm_body body;
	struct allotment_allocation allocations[ALLOTMENT_MAX_ALLOCATIONS];
	int n_allocations;
};

static const char allocations_sql[] =
    "SELECT unit_type_id, quantity FROM allotment_allocations "
    "WHERE allotment_id = ? ORDER BY unit_type_id";
static const char confirm_move_sql[] =
    "UPDATE allotments SET status = 'definite', allotment_type = 'allotment', "
    "penalty_per_room_night_cents = COALESCE(?, penalty_per_room_night_cents) "
    "WHERE id = ? AND status = 'tentative' AND cutoff_state = 'armed'";
static const char open_nights_sql[] =
    "UPDATE allotment_nights SET is_open = 1 WHERE allotment_id = ? "
    "ORDER BY unit_type_id, night";
/* A cancelled allotment has no cutoff left to run: done, no result. */
static const char cancel_move_sql[] =
    "UPDATE allotments SET status = 'cancelled', cutoff_state = 'done', "
    "cutoff_done_at = UTC_TIMESTAMP() "
    "WHERE id = ? AND status = ? AND cutoff_state = 'armed'";

/* The allotment's allocations, ascending unit type.  0 or a DB status. */
static int
allocations_load(struct db *db, struct action_write *w)
{
	struct db_rows *rows = NULL;
	int i, rc;

	w->n_allocations = 0;
	if ((rc = db_query(db, allocations_sql, (struct db_param[]){
	    DB_STR(w->head.id) }, 1, &rows)) != DB_OK)
		return rc;
	for (i = 0; i < rows->nrows && i < ALLOTMENT_MAX_ALLOCATIONS; i++) {
		snprintf(w->allocations[i].unit_type,
		    sizeof(w->allocations[i].unit_type), "%s",
		    db_cell(rows, i, 0));
		w->allocations[i].quantity = atoi(db_cell(rows, i, 1));
	}
	w->n_allocations = i;
	db_rows_free(rows);
	return DB_OK;
}

/* The allotment as GET returns it, with 200.  A failure to read it is
   returned, not answered: the action rolls back (write.h). */
static int
action_answer(struct request *rq, void *arg)
{
	const struct action_write *w = arg;
	cJSON *data = NULL;
	int rc = allotment_json_load(rq->db, w->head.id, &data);

	if (rc != 0)
		return rc == 1 ? DB_ERR_FAILED : rc;	/* 1: cannot be */
	return respond_data(rq, 200, data);
}

/* A tentative needs a penalty to become contractual; it must be money
   for every room-night of the contract. */
static void
confirm_rules(const void *dest, void *ctx, struct validation *v)
{
	const struct confirm_body *b = dest;
	const struct action_write *w = ctx;
	int64_t room_nights = 0;
	int i;

	if (b->penalty_state == FIELD_INVALID)
		return;
	if (b->penalty_state != FIELD_SET) {
		if (!w->head.has_penalty)
			validation_add(v, "penaltyPerRoomNightCents",
			    REASON_REQUIRED);
		return;
	}
	for (i = 0; i < w->n_allocations; i++)
		room_nights += (int64_t)w->allocations[i].quantity *
		    (w->head.period_to - w->head.period_from);
	if (!attrition_penalty_fits(room_nights, b->penalty))
		validation_add(v, "penaltyPerRoomNightCents",
		    REASON_OUT_OF_RANGE);
}

static int
confirm_apply(struct db *db, void *arg, struct write_refusal *why)
{
	struct action_write *w = arg;
	const struct allotment_head *h = &w->head;
	uint64_t moved = 0;
	int i, rc;

	/* The cutoff date reached: the job is due, too late to confirm. */
	if (h->business_date >= h->cutoff)
		return write_refuse(why, "ALLOTMENT_STATE_CONFLICT", NULL);
	if ((rc = db_exec(db, confirm_move_sql, (struct db_param[]){
	    w->body.penalty_state == FIELD_SET ? DB_I64(w->body.penalty) :
	    DB_NULL, DB_STR(h->id) }, 2, &moved, NULL)) != DB_OK)
		return rc;
	if (moved == 0)
		return write_refuse(why, "ALLOTMENT_STATE_CONFLICT", NULL);
	if ((rc = inventory_ensure(db, h->establishment, h->business_date,
	    h->horizon_end - 1, h->period_to - 1)) != DB_OK)
		return rc;
	if ((rc = db_exec(db, open_nights_sql, (struct db_param[]){
	    DB_STR(h->id) }, 1, NULL, NULL)) != DB_OK)
		return rc;
	for (i = 0; i < w->n_allocations; i++)
		if ((rc = inventory_commit(db,
		    w->allocations[i].unit_type, h->period_from, h->period_to,
		    w->allocations[i].quantity, why)) != DB_OK)
			return rc;
	return DB_OK;
}

int
allotment_confirm(struct request *rq)
{
	struct action_write w;
	struct body body = { 0 };
	int rc;

	memset(&w, 0, sizeof(w));
	if (allotment_head_load(rq, &w.head) != 0)
		return 0;	/* answered */
	if ((rc = allocations_load(rq->db, &w)) != DB_OK)
		return respond_db_failure(rq, rc);
	/* The body is optional: none is "no penalty given". */
	if (rq->body_len > 0) {
		if (body_decode(rq, confirm_fields, &w.body, confirm_rules, &w,
		    &body) != 0)
			return 0;
	} else {
		struct validation v = { 0 };

		confirm_rules(&w.body, &w, &v);
		if (v.count > 0)
			return respond_validation(rq, &v);
	}
	rc = write_run(rq, confirm_apply, action_answer, &w);
	body_free(&body);
	return rc;
}

static int
cancel_apply(struct db *db, void *arg, struct write_refusal *why)
{
	struct action_write *w = arg;
	const struct allotment_head *h = &w->head;
	uint64_t moved = 0;
	int rc;

	if (strcmp(h->status, "tentative") != 0 &&
	    strcmp(h->status, "definite") != 0)
		return write_refuse(why, "ALLOTMENT_STATE_CONFLICT", NULL);
	if ((rc = db_exec(db, cancel_move_sql, (struct db_param[]){
	    DB_STR(h->id), DB_STR(h->status) }, 2, &moved, NULL)) != DB_OK)
		return rc;
	if (moved == 0)
		return write_refuse(why, "ALLOTMENT_STATE_CONFLICT", NULL);
	/* A tentative's nights are closed and hold nothing: a no-op. */
	return allotment_close(db, h->id, h->business_date, NULL);
}

int
allotment_cancel(struct request *rq)
{
	struct action_write w;

	memset(&w, 0, sizeof(w));
	if (allotment_head_load(rq, &w.head) != 0)
		return 0;	/* answered */
	return write_run(rq, cancel_apply, action_answer, &w);
}
