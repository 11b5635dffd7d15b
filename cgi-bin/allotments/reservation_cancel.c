/*
 * POST /v1/allotments/{id}/reservations/{reservationId}/cancel: a pickup
 * is cancelled (SPEC 2.4, docs/allotments.md).  Its rooms go back to the
 * allotment (`picked` down on its nights); when those nights are closed
 * (after the cutoff, or the allotment was cancelled) they held the rooms
 * in inventory as picked, so `committed` goes down too: the rooms go back
 * to general inventory.  The nights' rows are written first, so the
 * cutoff (which closes them) and this cancel are serialised on them and
 * the room is given back exactly once, to the right place.  A stay that
 * has begun is not cancelled here.  200: the reservation as the rooming
 * list shows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allotments.h"
#include "allotment_write.h"
#include "datetime.h"
#include "db.h"
#include "envelope.h"
#include "inventory.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"
#include "write.h"

struct cancel_write {
	struct allotment_head head;
	char id[UUID_STR_LEN + 1];
};

static const char reservation_sql[] =
    "SELECT unit_type_id, DATE_FORMAT(check_in_date, '%Y-%m-%d'), "
    "DATE_FORMAT(check_out_date, '%Y-%m-%d'), quantity, status "
    "FROM allotment_reservations WHERE id = ? AND allotment_id = ?";
static const char cancel_sql[] =
    "UPDATE allotment_reservations SET status = 'cancelled', "
    "cancelled_at = UTC_TIMESTAMP() WHERE id = ? AND status = 'active'";
static const char give_back_sql[] =
    "UPDATE allotment_nights SET picked = picked - ? "
    "WHERE allotment_id = ? AND unit_type_id = ? AND night >= ? "
    "AND night < ? ORDER BY night";
/* Read after give_back_sql locked the rows: final. */
static const char closed_sql[] =
    "SELECT COUNT(*) FROM allotment_nights WHERE allotment_id = ? "
    "AND unit_type_id = ? AND night >= ? AND night < ? AND is_open = 0";

static int
reservation_cancel_apply(struct db *db, void *arg, struct write_refusal *why)
{
	struct cancel_write *w = arg;
	char type[UUID_STR_LEN + 1], in_s[DATE_STR_LEN + 1];
	char out_s[DATE_STR_LEN + 1];
	struct db_rows *rows = NULL;
	uint64_t cancelled = 0;
	int32_t check_in = 0, check_out = 0;
	int qty = 0, closed, active, rc;

	if ((rc = db_query(db, reservation_sql, (struct db_param[]){
	    DB_STR(w->id), DB_STR(w->head.id) }, 2, &rows)) != DB_OK)
		return rc;
	if (rows->nrows == 0) {
		db_rows_free(rows);
		return write_refuse(why, "RESERVATION_NOT_FOUND", NULL);
	}
	snprintf(type, sizeof(type), "%s", db_cell(rows, 0, 0));
	snprintf(in_s, sizeof(in_s), "%s", db_cell(rows, 0, 1));
	snprintf(out_s, sizeof(out_s), "%s", db_cell(rows, 0, 2));
	qty = atoi(db_cell(rows, 0, 3));
	active = strcmp(db_cell(rows, 0, 4), "active") == 0;
	db_rows_free(rows);
	if (date_parse(in_s, &check_in) != 0 ||
	    date_parse(out_s, &check_out) != 0)
		return DB_ERR_FAILED;
	if (!active)
		return write_refuse(why, "RESERVATION_ALREADY_CANCELLED", NULL);
	if (check_in < w->head.business_date)
		return write_refuse(why, "RESERVATION_NOT_CANCELLABLE", NULL);
	if ((rc = db_exec(db, cancel_sql, (struct db_param[]){ DB_STR(w->id) },
	    1, &cancelled, NULL)) != DB_OK)
		return rc;
	if (cancelled == 0)	/* another cancel came first */
		return write_refuse(why, "RESERVATION_ALREADY_CANCELLED", NULL);
	if ((rc = db_exec(db, give_back_sql, (struct db_param[]){ DB_I64(qty),
	    DB_STR(w->head.id), DB_STR(type), DB_STR(in_s), DB_STR(out_s) }, 5,
	    NULL, NULL)) != DB_OK)
		return rc;
	if ((rc = db_query(db, closed_sql, (struct db_param[]){
	    DB_STR(w->head.id), DB_STR(type), DB_STR(in_s), DB_STR(out_s) }, 4,
	    &rows)) != DB_OK)
		return rc;
	closed = strcmp(db_cell(rows, 0, 0), "0") != 0;
	db_rows_free(rows);
	if (!closed)
		return DB_OK;
	return inventory_release(db, type, INVENTORY_COMMITTED, check_in,
	    check_out, qty, NULL);
}

static int
reservation_cancel_answer(struct request *rq, void *arg)
{
	const struct cancel_write *w = arg;
	cJSON *data = NULL;
	int rc = reservation_json_load(rq->db, w->head.id, w->id, &data);

	if (rc == 1)
		return respond_error(rq, "RESERVATION_NOT_FOUND");
	if (rc != 0)
		return respond_db_failure(rq, rc);
	return respond_data(rq, 200, data);
}

int
reservation_cancel(struct request *rq)
{
	struct cancel_write w;
	struct validation v = { 0 };

	memset(&w, 0, sizeof(w));
	if (allotment_head_load(rq, &w.head) != 0)
		return 0;	/* answered */
	if (uuid_parse(request_path_param(rq, "reservationId"), w.id) != 0) {
		validation_add(&v, "reservationId", REASON_BAD_UUID);
		return respond_validation(rq, &v);
	}
	return write_run(rq, reservation_cancel_apply,
	    reservation_cancel_answer, &w);
}
