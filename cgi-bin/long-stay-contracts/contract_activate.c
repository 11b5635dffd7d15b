/*
 * POST /v1/long-stay-contracts/{id}/activate (manager): a draft becomes
 * active and commits one room of its unit type (the unit's, or unitType's)
 * on every night of its period from the business date to the end of the
 * inventory horizon, through the inventory model, all or nothing: 409
 * CAPACITY_SATURATED when a night has no room left.  A contract naming a
 * unit also holds that unit on those nights (unit_holds, schema/017): 409
 * CONTRACT_UNIT_UNAVAILABLE when another contract holds it.  Nights past
 * the horizon (open-ended, or a period longer than the horizon) are
 * recorded as not yet held (committed_until).  Answers 200 as GET does.
 * 409 CONTRACT_STATE_CONFLICT unless draft; CONTRACT_UNIT_REQUIRED when
 * the contract names neither a unit nor a unit type.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "config.h"
#include "contract_hold.h"
#include "contracts.h"
#include "datetime.h"
#include "db.h"
#include "envelope.h"
#include "inventory.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"
#include "write.h"

static const char contract_head_sql[] =
    "SELECT establishment_id, status, unit_id, unit_type_id, "
    "DATE_FORMAT(period_start, '%Y-%m-%d'), "
    "DATE_FORMAT(period_end, '%Y-%m-%d') "
    "FROM long_stay_contracts WHERE id = ?";
enum { HEAD_EST, HEAD_STATUS, HEAD_UNIT, HEAD_TYPE, HEAD_START, HEAD_END };

/* Read once the establishment row is locked: the night audit cannot move
   it before the commit. */
static const char business_date_sql[] =
    "SELECT DATE_FORMAT(business_date, '%Y-%m-%d') FROM establishments "
    "WHERE id = ?";
static const char activate_sql[] =
    "UPDATE long_stay_contracts SET status = 'active', "
    "activated_at = UTC_TIMESTAMP(), committed_until = ? "
    "WHERE id = ? AND status = 'draft'";

struct activate_write {
	char id[UUID_STR_LEN + 1];
	char establishment[UUID_STR_LEN + 1];
	char unit[UUID_STR_LEN + 1];		/* "" when none */
	char unit_type[UUID_STR_LEN + 1];
	int32_t start, end;			/* end -1: open-ended */
	int horizon_days;
};

/* The nights [*from, *until) to hold now: from the business date (or the
   start) to the period's end or the horizon's, whichever is first. */
static void
activate_window(const struct activate_write *w, int32_t business_date,
    int32_t *from, int32_t *until)
{
	int32_t horizon_end = business_date + w->horizon_days;

	*from = w->start > business_date ? w->start : business_date;
	*until = w->end >= 0 && w->end < horizon_end ? w->end : horizon_end;
	if (*until < *from)
		*until = *from;		/* nothing inside the horizon yet */
}

static int
activate_business_date(struct db *db, const struct activate_write *w,
    int32_t *business_date)
{
	struct db_rows *rows = NULL;
	int rc;

	if ((rc = db_query(db, business_date_sql, (struct db_param[]){
	    DB_STR(w->establishment) }, 1, &rows)) != DB_OK)
		return rc;
	rc = rows->nrows == 1 && date_parse(db_cell(rows, 0, 0),
	    business_date) == 0 ? DB_OK : DB_ERR_FAILED;
	db_rows_free(rows);
	return rc;
}

/* The period's end is past the horizon's (or there is none). */
static int
activate_reaches_horizon(const struct activate_write *w,
    int32_t business_date)
{
	return w->end < 0 || w->end >= business_date + w->horizon_days;
}

static int
activate_apply(struct db *db, void *arg, struct write_refusal *why)
{
	const struct activate_write *w = arg;
	char until_s[DATE_STR_LEN + 1];
	int32_t through, business_date, from, until;
	uint64_t moved = 0;
	int rc;

	if ((rc = activate_business_date(db, w, &business_date)) != DB_OK)
		return rc;
	/*
	 * Only a window that reaches the horizon must serialise with the
	 * night audit (which extends the horizon, committing the new night
	 * for the contracts active by then), by writing the establishment
	 * row first; the business date is read again under that lock.  A
	 * window inside the horizon leaves the row alone: written by every
	 * activation, it made them all one queue, and on Galera a conflict
	 * of each with the others and with the contracts being created
	 * (whose foreign key reads it).
	 */
	if (activate_reaches_horizon(w, business_date)) {
		if ((rc = inventory_lock_horizon(db, w->establishment,
		    &through)) != DB_OK)
			return rc;
		if ((rc = activate_business_date(db, w, &business_date)) !=
		    DB_OK)
			return rc;
	}
	activate_window(w, business_date, &from, &until);
	date_format(until, until_s);
	if ((rc = db_exec(db, activate_sql, (struct db_param[]){
	    DB_STR(until_s), DB_STR(w->id) }, 2, &moved, NULL)) != DB_OK)
		return rc;
	if (moved != 1)
		return write_refuse(why, "CONTRACT_STATE_CONFLICT", NULL);
	if (until > from && (rc = inventory_ensure(db, w->establishment,
	    business_date, business_date + w->horizon_days - 1, until - 1)) !=
	    DB_OK)
		return rc;
	return contract_hold(db, w->id, w->unit_type, w->unit[0] != '\0' ?
	    w->unit : NULL, from, until, why);
}

static int
activate_answer(struct request *rq, void *arg)
{
	const struct activate_write *w = arg;

	return contract_answer(rq, w->id);
}

/* The contract's head into w: 0, or -1 after answering the refusal. */
static int
activate_head(struct request *rq, struct activate_write *w)
{
	struct validation v = { 0 };
	struct db_rows *rows = NULL;
	const char *cell;
	int rc = -1;

	if (uuid_parse(request_path_param(rq, "id"), w->id) != 0) {
		validation_add(&v, "id", REASON_BAD_UUID);
		respond_validation(rq, &v);
		return -1;
	}
	if ((rc = db_query(rq->db, contract_head_sql, (struct db_param[]){
	    DB_STR(w->id) }, 1, &rows)) != DB_OK) {
		respond_db_failure(rq, rc);
		return -1;
	}
	rc = -1;
	if (rows->nrows == 0)
		respond_error(rq, "CONTRACT_NOT_FOUND");
	else if (!auth_scope_allows(rq, db_cell(rows, 0, HEAD_EST)))
		respond_error(rq, "OUT_OF_SCOPE");
	else if (strcmp(db_cell(rows, 0, HEAD_STATUS), "draft") != 0)
		respond_error(rq, "CONTRACT_STATE_CONFLICT");
	else if (db_cell(rows, 0, HEAD_TYPE) == NULL)
		respond_error(rq, "CONTRACT_UNIT_REQUIRED");
	else if (date_parse(db_cell(rows, 0, HEAD_START), &w->start) != 0)
		respond_error(rq, "INTERNAL_ERROR");
	else {
		memcpy(w->establishment, db_cell(rows, 0, HEAD_EST),
		    sizeof(w->establishment) - 1);
		memcpy(w->unit_type, db_cell(rows, 0, HEAD_TYPE),
		    sizeof(w->unit_type) - 1);
		if ((cell = db_cell(rows, 0, HEAD_UNIT)) != NULL)
			memcpy(w->unit, cell, sizeof(w->unit) - 1);
		cell = db_cell(rows, 0, HEAD_END);
		w->end = -1;
		rc = cell != NULL && date_parse(cell, &w->end) != 0 ? -1 : 0;
		if (rc != 0)
			respond_error(rq, "INTERNAL_ERROR");
	}
	db_rows_free(rows);
	return rc;
}

int
contract_activate(struct request *rq)
{
	struct activate_write w;

	memset(&w, 0, sizeof(w));
	w.horizon_days = rq->cfg->horizon_days;
	if (activate_head(rq, &w) != 0)
		return 0;	/* answered */
	return write_run(rq, activate_apply, activate_answer, &w);
}
