/*
 * GET /v1/allotments?establishmentId=&from=&to=&status=&page=&size=: the
 * allotments of an establishment, each as GET /v1/allotments/{id} answers
 * it minus the allocations' "nights" (allotment_json), in the list shape
 * of SPEC 2.7: {"data":[...],"page":{"number","size","total"}}, total
 * counting the allotments that match.  Filters, all optional: from / to
 * keep the allotments whose period [periodFrom, periodTo) overlaps
 * [from, to) (either bound alone keeps what overlaps the half-line; from
 * < to when both are sent), status one of tentative definite cancelled
 * released.  Ordered by periodFrom then id; page from 1, size 1..200
 * (default 50, lib/query.h); a page past the end is an empty "data".
 * Any authenticated key: 400 VALIDATION_FAILED naming every bad
 * parameter, then 403 OUT_OF_SCOPE (before any lookup), then 404
 * ESTABLISHMENT_NOT_FOUND.
 *
 * One query whatever the page: the establishment row, the count of its
 * matching allotments, the page of them (a derived table with LIMIT) and
 * their allocations LEFT JOINed on; no row at all means no such
 * establishment, one row with NULL allotment columns an empty page.
 */
#include "allotments.h"
#include "datetime.h"
#include "db.h"
#include "envelope.h"
#include "list.h"
#include "query.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"

#define STATUSES "tentative definite cancelled released"

/* The filters, on an allotments row; parameters: from, from, to, to,
   status, status (NULL: no filter). */
#define LIST_FILTER							\
	" AND (? IS NULL OR period_to > ?) "				\
	" AND (? IS NULL OR period_from < ?) "				\
	" AND (? IS NULL OR status = ?) "

/* Columns 0-1, then the allotment's from LIST_COL_ALLOTMENT on. */
#define LIST_COL_TOTAL 1
#define LIST_COL_ALLOTMENT 2
static const char allotment_list_sql[] =
    "SELECT e.id, (SELECT COUNT(*) FROM allotments "
    "  WHERE establishment_id = e.id" LIST_FILTER "), "
    ALLOTMENT_COLUMNS " FROM establishments e "
    "LEFT JOIN (SELECT * FROM allotments WHERE establishment_id = ?"
    LIST_FILTER "ORDER BY period_from, id LIMIT ? OFFSET ?) a "
    "  ON a.establishment_id = e.id "
    "LEFT JOIN allotment_allocations al ON al.allotment_id = a.id "
    "WHERE e.id = ? ORDER BY a.period_from, a.id, al.position";

struct list_query {
	char establishment[UUID_STR_LEN + 1];
	/* "" when not filtered on */
	char from[DATE_STR_LEN + 1], to[DATE_STR_LEN + 1];
	const char *status;	/* NULL when not filtered on */
	int64_t page, size;
};

/* The status filter: NULL, or the word of STATUSES at index i. */
static const char *
status_word(int i)
{
	static const char *const words[] = { "tentative", "definite",
	    "cancelled", "released" };

	return i >= 0 ? words[i] : NULL;
}

/* The parameters, checked: 0, or -1 after answering 400 or 403. */
static int
allotment_list_params(struct request *rq, struct list_query *q)
{
	struct validation v = { 0 };
	int32_t from = 0, to = 0;
	int has_from = 0, has_to = 0, status;

	query_uuid(rq, "establishmentId", 1, q->establishment, &v);
	if (query_date_optional(rq, "from", &from, &has_from, &v) != 0)
		has_from = 0;
	if (query_date_optional(rq, "to", &to, &has_to, &v) != 0)
		has_to = 0;
	if (has_from && has_to && to <= from)
		validation_add(&v, "to", REASON_BEFORE_START);
	query_enum(rq, "status", STATUSES, &status, &v);
	query_page(rq, &q->page, &q->size, &v);
	if (has_from)
		date_format(from, q->from);
	if (has_to)
		date_format(to, q->to);
	q->status = status_word(status);
	return query_refused(rq, &v, q->establishment) ? -1 : 0;
}

int
allotment_list(struct request *rq)
{
	struct list_query q = { .page = 1 };
	struct db_rows *rows = NULL;
	const char *from, *to;
	int rc = 0;

	if (allotment_list_params(rq, &q) != 0)
		goto done;
	from = q.from[0] != '\0' ? q.from : NULL;
	to = q.to[0] != '\0' ? q.to : NULL;
	rc = db_query(rq->db, allotment_list_sql, (struct db_param[]){
	    DB_STR(from), DB_STR(from), DB_STR(to), DB_STR(to),
	    DB_STR(q.status), DB_STR(q.status),
	    DB_STR(q.establishment),
	    DB_STR(from), DB_STR(from), DB_STR(to), DB_STR(to),
	    DB_STR(q.status), DB_STR(q.status),
	    DB_I64(q.size), DB_I64((q.page - 1) * q.size),
	    DB_STR(q.establishment) }, 16, &rows);
	if (rc != DB_OK) {
		rc = respond_db_failure(rq, rc);
		goto done;
	}
	if (rows->nrows == 0) {
		rc = respond_error(rq, "ESTABLISHMENT_NOT_FOUND");
		goto done;
	}
	rc = list_respond(rq, rows, LIST_COL_ALLOTMENT, LIST_COL_TOTAL,
	    allotment_json, q.page, q.size);
done:
	db_rows_free(rows);
	return rc;
}
