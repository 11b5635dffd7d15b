/*
 * POST /add: a new work order from a WorkOrderDto.  `id` must not be sent;
 * `uuid` is kept when given (uniqueness is not checked, as the seed says)
 * and generated otherwise.  Every referenced uuid must exist with its kind
 * (else HTTP 400, errorCode 404, naming it).  Checks and insert are one
 * transaction.
 */
#include <stdio.h>
#include <string.h>

#include "body.h"
#include "envelope.h"
#include "json.h"
#include "request.h"
#include "uuid.h"
#include "work_order.h"

static const char work_order_insert_sql[] =
    "INSERT INTO work_orders (uuid, name, description, type_uuid, "
    "state_name, priority_name, archived, contract_uuid, contract_scope_uuid, "
    "account_uuid, created, begin_date, deadline_date, notes, start_date, "
    "finish_date, assigned_department_uuid, assigned_user_uuid, "
    "assigned_contractor_uuid, verify_user_uuid, protocol_number, "
    "parent_uuid, customer_uuid, location_uuid, place_of_work_uuid, budget, "
    "hours_estimated, work_amount, work_amount_unit, work_unit_minutes_total, "
    "work_unit_minutes, work_unit_price) VALUES (?, ?, ?, ?, "
    "COALESCE(?, 'NEW'), COALESCE(?, 'NORMAL'), COALESCE(?, 0), ?, ?, ?, "
    "UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?)";

/* Body members bound after uuid, in the insert's order (created excepted). */
static const char *const work_order_insert_fields[] = {
	"name", "description", "typeUuid", "stateName", "priorityName",
	"archived", "contractUuid", "contractScopeUuid", "accountUuid",
	"beginDate", "deadlineDate", "notes", "startDate", "finishDate",
	"assignedDepartmentUuid", "assignedUserUuid", "assignedContractorUuid",
	"verifyUserUuid", "protocolNumber", "parentUuid", "customerUuid",
	"locationUuid", "placeOfWorkUuid", "budget", "hoursEstimated",
	"workAmount", "workAmountUnit", "workUnitMinutesTotal",
	"workUnitMinutes", "workUnitPrice",
};
#define ADD_NFIELDS \
	(sizeof(work_order_insert_fields) / sizeof(work_order_insert_fields[0]))

struct work_order_add_ctx {
	const cJSON *body;
	char uuid[UUID_STR_LEN + 1];
	uint64_t id;
	char missing[160];	/* set when a reference does not exist */
};

static int
work_order_add_tx(struct db *db, void *arg)
{
	struct work_order_add_ctx *ctx = arg;
	struct db_param p[1 + ADD_NFIELDS];
	char bufs[ADD_NFIELDS][40];
	size_t i;
	int rc;

	ctx->missing[0] = '\0';
	rc = work_order_check_refs(db, ctx->body, ctx->missing,
	    sizeof(ctx->missing));
	if (rc != 0)
		return rc;
	p[0] = DB_STR(ctx->uuid);
	for (i = 0; i < ADD_NFIELDS; i++)
		p[1 + i] = work_order_param(ctx->body,
		    work_order_insert_fields[i], bufs[i], sizeof(bufs[i]));
	/* Long texts are bound from the body itself, not the short buffers. */
	for (i = 0; i < ADD_NFIELDS; i++)
		if (p[1 + i].type == DBP_STR &&
		    strlen(p[1 + i].s) >= sizeof(bufs[i]) - 1)
			p[1 + i] = work_order_param(ctx->body,
			    work_order_insert_fields[i], NULL, 0);
	return db_exec(db, work_order_insert_sql, p, 1 + (int)ADD_NFIELDS,
	    NULL, &ctx->id);
}

int
work_order_add(struct request *rq)
{
	struct work_order_add_ctx ctx;
	cJSON *body = NULL;
	const char *u;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	if (body_json(rq, work_order_fields, NULL, &body) != 0)
		return 0;
	ctx.body = body;
	if ((u = json_get_string(body, "uuid")) != NULL)
		uuid_parse(u, ctx.uuid);	/* format checked by the table */
	else if (uuid_generate(ctx.uuid) != 0) {
		rc = respond_error(rq, "INTERNAL_ERROR");
		goto done;
	}
	rc = db_transaction(rq->db, work_order_add_tx, &ctx);
	if (rc == 1)
		rc = respond_amage_result(rq, 400, -1, NULL, 0, 404, ctx.missing);
	else if (rc != DB_OK)
		rc = respond_db_failure(rq, rc);
	else
		rc = respond_amage_result(rq, 200, (int64_t)ctx.id, ctx.uuid, 1,
		    0, "");
done:
	cJSON_Delete(body);
	return rc;
}
