/* GET /count: the number of work orders, as a bare JSON number (seed). */
#include <stdio.h>
#include <string.h>

#include "envelope.h"
#include "request.h"
#include "work_order.h"

static const char work_order_count_sql[] = "SELECT COUNT(*) FROM work_orders";

int
work_order_count(struct request *rq)
{
	struct db_rows *rows = NULL;
	const char *n;
	int rc;

	rc = db_query(rq->db, work_order_count_sql, NULL, 0, &rows);
	if (rc != DB_OK)
		rc = respond_db_failure(rq, rc);
	else {
		n = db_cell(rows, 0, 0);
		request_respond_raw(rq, 200, n ? n : "0", n ? strlen(n) : 1);
		rc = 0;
	}
	db_rows_free(rows);
	return rc;
}
