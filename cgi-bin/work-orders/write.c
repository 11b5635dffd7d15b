/*
 * The shell of every work-order write: path uuid, body, the record's
 * uuid, one transaction, one answer.  Handlers only supply the field
 * table and the transaction body.
 */
#include <string.h>

#include "body.h"
#include "json.h"
#include "request.h"
#include "work_order.h"

int
work_order_write_run(struct request *rq, const char *what,
    const struct field *fields, enum work_order_write_kind kind,
    db_tx_fn fn)
{
	struct work_order_write w;
	cJSON *body = NULL;
	const char *u;
	int rc = WO_OK;

	memset(&w, 0, sizeof(w));
	if (what != NULL && (rc = work_order_path_uuid(rq, "uuid", what,
	    w.path_uuid, &w.res)) != WO_OK)
		return work_order_answer(rq, rc, &w.res);
	if (fields != NULL && body_json(rq, fields, NULL, &body) != 0)
		return 0;	/* answered */
	w.body = body;
	if (kind == WRITE_CHANGE)
		memcpy(w.res.uuid, w.path_uuid, sizeof(w.res.uuid));
	else if ((u = json_get_string(body, "uuid")) != NULL)
		uuid_parse(u, w.res.uuid);	/* format checked by the table */
	else if (uuid_generate(w.res.uuid) != 0)
		rc = DB_ERR_FAILED;
	if (rc == WO_OK)
		rc = db_transaction(rq->db, fn, &w);
	rc = work_order_answer(rq, rc, &w.res);
	cJSON_Delete(body);
	return rc;
}
