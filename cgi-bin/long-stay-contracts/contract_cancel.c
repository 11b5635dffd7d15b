/*
 * POST /v1/long-stay-contracts/{id}/cancel (manager): a draft becomes
 * cancelled and answers 200 as GET does.  An active contract is 409
 * CONTRACT_STATE_CONFLICT (its termination under terminationPolicy is a
 * later step), as is one already cancelled.  The row moves only from
 * `draft` (`WHERE status = 'draft'`), so of two actions at once one moves
 * it and the other is refused.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "contracts.h"
#include "db.h"
#include "envelope.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"
#include "write.h"

static const char contract_head_sql[] =
    "SELECT establishment_id, status FROM long_stay_contracts WHERE id = ?";
static const char cancel_sql[] =
    "UPDATE long_stay_contracts SET status = 'cancelled', "
    "cancelled_at = UTC_TIMESTAMP() WHERE id = ? AND status = 'draft'";

static int
cancel_apply(struct db *db, void *arg, struct write_refusal *why)
{
	const char *id = arg;
	uint64_t moved = 0;
	int rc;

	if ((rc = db_exec(db, cancel_sql, (struct db_param[]){ DB_STR(id) }, 1,
	    &moved, NULL)) != DB_OK)
		return rc;
	return moved == 1 ? DB_OK : write_refuse(why,
	    "CONTRACT_STATE_CONFLICT", NULL);
}

static int
cancel_answer(struct request *rq, void *arg)
{
	return contract_answer(rq, arg);
}

int
contract_cancel(struct request *rq)
{
	char id[UUID_STR_LEN + 1];
	struct validation v = { 0 };
	struct db_rows *rows = NULL;
	int rc;

	if (uuid_parse(request_path_param(rq, "id"), id) != 0) {
		validation_add(&v, "id", REASON_BAD_UUID);
		return respond_validation(rq, &v);
	}
	if ((rc = db_query(rq->db, contract_head_sql, (struct db_param[]){
	    DB_STR(id) }, 1, &rows)) != DB_OK)
		rc = respond_db_failure(rq, rc);
	else if (rows->nrows == 0)
		rc = respond_error(rq, "CONTRACT_NOT_FOUND");
	else if (!auth_scope_allows(rq, db_cell(rows, 0, 0)))
		rc = respond_error(rq, "OUT_OF_SCOPE");
	else if (strcmp(db_cell(rows, 0, 1), "draft") != 0)
		rc = respond_error(rq, "CONTRACT_STATE_CONFLICT");
	else
		rc = write_run(rq, cancel_apply, cancel_answer, id);
	db_rows_free(rows);
	return rc;
}
