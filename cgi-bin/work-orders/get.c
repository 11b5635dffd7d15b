/*
 * GET /get/by-uuid/{uuid}: one WorkOrderDto.  Malformed uuid: 400/400;
 * none: a real 404; two records with that uuid (the seed allows duplicate
 * uuids): 400 "duplicated entry".  The JSON comes stored with the row.
 */
#include <stdlib.h>

#include "envelope.h"
#include "request.h"
#include "uuid.h"
#include "work_order.h"

/* Through the unique uuid_key (schema/006): the server reads the row as a
   constant, with no index range estimate; the first work order of a uuid
   says whether others share it (schema/007). */
static const char work_order_get_sql[] =
    "SELECT id, dto, uuid_shared FROM work_orders WHERE uuid_key = ?";

int
work_order_get(struct request *rq)
{
	char id[UUID_STR_LEN + 1];
	struct work_order_buf out = { 0 };
	struct db_rows *rows = NULL;
	int rc;

	if (uuid_parse(request_path_param(rq, "uuid"), id) != 0)
		return respond_error(rq, "WORK_ORDER_UUID_INVALID");
	rc = db_query(rq->db, work_order_get_sql,
	    (struct db_param[]){ DB_STR(id) }, 1, &rows);
	if (rc != DB_OK)
		rc = respond_db_failure(rq, rc);
	else if (rows->nrows == 0)
		rc = respond_error(rq, "WORK_ORDER_NOT_FOUND");
	else if (db_cell(rows, 0, 2)[0] != '0')	/* NOT NULL */
		rc = respond_error(rq, "DUPLICATED_ENTRY");
	else if (work_order_dto_append(&out, db_cell(rows, 0, 0),
	    db_cell(rows, 0, 1), rows->len[1]) != 0)
		rc = respond_error(rq, "INTERNAL_ERROR");
	else {
		request_respond_owned(rq, 200, out.data, out.len);
		out.data = NULL;
		rc = 0;
	}
	free(out.data);
	db_rows_free(rows);
	return rc;
}
