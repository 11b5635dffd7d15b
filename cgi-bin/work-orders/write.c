/*
 * The shell of every work-order write: the path's uuids, the body, the
 * record's uuid, then lib's write path (one transaction, retries,
 * Idempotency-Key) with the seed's result object as the answer.  Handlers
 * only supply a work_order_write_def: field table and transaction body.
 */
#include <string.h>

#include "body.h"
#include "envelope.h"
#include "json.h"
#include "request.h"
#include "work_order.h"

/* The seed's success: {"id","uuid","success":true,"errorCode":0,...}. */
static int
work_order_answer(struct request *rq, void *ctx)
{
	const struct work_order_write *w = ctx;

	return respond_amage_result(rq, 200, (int64_t)w->id, w->uuid, 1, 0, "");
}

/* A canonical uuid from a path parameter, or the seed's 400 naming it. */
static int
work_order_path_uuid(struct request *rq, const char *param, const char *what,
    char out[UUID_STR_LEN + 1])
{
	struct write_refusal why = { 0 };

	if (uuid_parse(request_path_param(rq, param), out) == 0)
		return 0;
	write_refuse(&why, "WORK_ORDER_REFUSED",
	    "Wrong %s UUID format or non-existent", what);
	respond_refusal(rq, &why);
	return -1;
}

int
work_order_write_run(struct request *rq, const struct work_order_write_def *def)
{
	struct work_order_write w;
	cJSON *body = NULL;
	const char *u;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	if (def->path_param != NULL && work_order_path_uuid(rq,
	    def->path_param, def->path_what, w.path_uuid) != 0)
		return 0;	/* answered */
	if (def->target_param != NULL && work_order_path_uuid(rq,
	    def->target_param, def->target_what, w.target_uuid) != 0)
		return 0;
	if (def->fields != NULL && body_json(rq, def->fields, NULL, &body) != 0)
		return 0;
	w.body = body;
	if (def->kind == WRITE_CHANGE)
		memcpy(w.uuid, w.path_uuid, sizeof(w.uuid));
	else if (def->kind == WRITE_CREATE &&
	    (u = json_get_string(body, "uuid")) != NULL)
		uuid_parse(u, w.uuid);	/* format checked by the table */
	else if (def->kind == WRITE_CREATE && uuid_generate(w.uuid) != 0)
		rc = respond_error(rq, "INTERNAL_ERROR");
	if (rc == 0 && !rq->responded)
		rc = write_run(rq, def->apply, work_order_answer, &w);
	cJSON_Delete(body);
	return rc;
}
