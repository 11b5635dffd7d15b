/*
 * GET /list?page=&size=: a page of WorkOrderDto in id order.  page counts
 * from 1 (default 1), size defaults to 50 and is capped at 1000.  A page
 * past the end is 404, however many digits it has; only a page or size
 * that is empty, not a number or < 1 is 400.  The page is found without
 * an OFFSET scan over all earlier rows: the per-1000-ids counts
 * (work_order_id_blocks, kept by a trigger) locate the block where the
 * page starts, and the page is read from there by primary key, so the
 * cost does not grow with the page number.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "request.h"
#include "work_order.h"

#define LIST_DEFAULT_SIZE 50
#define LIST_MAX_SIZE 1000
#define ID_BLOCK 1000

/* The first block whose running total passes the offset, and the rows
   before it (a block's count is the sum of its shards, schema/018). */
static const char list_block_sql[] =
    "SELECT block, total - n FROM (SELECT block, n, "
    "SUM(n) OVER (ORDER BY block) AS total FROM (SELECT block, SUM(n) AS n "
    "FROM work_order_id_blocks GROUP BY block) b) t "
    "WHERE total > ? ORDER BY block LIMIT 1";

static const char list_page_sql[] =
    "SELECT id, dto FROM work_orders WHERE id >= ? ORDER BY id LIMIT ?, ?";

/*
 * Past any real table: (page - 1) * size stays far below INT64_MAX, and a
 * page this high is past the end.
 */
#define LIST_NUMBER_MAX 1000000000000000LL	/* 10^15 */

/*
 * A positive decimal from the query, or def when absent; -1 when empty,
 * not only digits, or 0.  Any number of digits is a number: above
 * LIST_NUMBER_MAX it saturates there, so a huge page is past the end
 * (404) and a huge size is capped, as their true values would be.  The
 * buffer holds any value nginx passes (its request line is at most 8 KiB,
 * large_client_header_buffers; longer is 414 before we see it).
 */
static int64_t
list_param(struct request *rq, const char *name, int64_t def)
{
	char v[8192];
	int64_t n = 0;
	size_t i;

	switch (request_query_param(rq, name, v, sizeof(v))) {
	case 0:
		return def;
	case 1:
		break;
	default:
		return -1;
	}
	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (n < LIST_NUMBER_MAX)
			n = n * 10 + (v[i] - '0');
	}
	if (i == 0 || n < 1)
		return -1;
	return n < LIST_NUMBER_MAX ? n : LIST_NUMBER_MAX;
}

int
work_order_list(struct request *rq)
{
	struct db_rows *block = NULL, *rows = NULL;
	struct work_order_buf out = { 0 };
	int64_t page, size, offset, start, before;
	char msg[96];
	int rc, r;

	page = list_param(rq, "page", 1);
	size = list_param(rq, "size", LIST_DEFAULT_SIZE);
	if (page < 0 || size < 0)
		return respond_amage_result(rq, 400, -1, NULL, 0, 400,
		    "Wrong page or size: positive integers expected");
	if (size > LIST_MAX_SIZE)
		size = LIST_MAX_SIZE;
	offset = (page - 1) * size;
	rc = db_query(rq->db, list_block_sql, (struct db_param[]){
	    DB_I64(offset) }, 1, &block);
	if (rc != DB_OK) {
		rc = respond_db_failure(rq, rc);
		goto done;
	}
	if (block->nrows == 0) {
		snprintf(msg, sizeof(msg), "No work orders on page %" PRId64 "%s",
		    page, page == LIST_NUMBER_MAX ? " or later" : "");
		rc = respond_amage_result(rq, 404, -1, NULL, 0, 404, msg);
		goto done;
	}
	start = strtoll(db_cell(block, 0, 0), NULL, 10) * ID_BLOCK;
	before = strtoll(db_cell(block, 0, 1), NULL, 10);
	rc = db_query(rq->db, list_page_sql, (struct db_param[]){
	    DB_I64(start), DB_I64(offset - before), DB_I64(size) }, 3, &rows);
	if (rc != DB_OK) {
		rc = respond_db_failure(rq, rc);
		goto done;
	}
	for (r = 0; r < rows->nrows; r++)
		if (work_order_buf_add(&out, r ? "," : "[", 1) != 0 ||
		    work_order_dto_append(&out, db_cell(rows, r, 0),
		    db_cell(rows, r, 1), rows->len[(size_t)r * 2 + 1]) != 0) {
			rc = respond_error(rq, "INTERNAL_ERROR");
			goto done;
		}
	if (work_order_buf_add(&out, "]", 1) != 0) {
		rc = respond_error(rq, "INTERNAL_ERROR");
		goto done;
	}
	request_respond_owned(rq, 200, out.data, out.len);
	out.data = NULL;
	rc = 0;
done:
	free(out.data);
	db_rows_free(block);
	db_rows_free(rows);
	return rc;
}
