/*
 * GET /v1/long-stay-contracts?establishmentId=&guestProfileId=&status=
 * &page=&size=: the contracts of an establishment, each as GET answers it
 * without its installments and renewal chain (contract_json), in the list
 * shape of SPEC 2.7.  Filters optional: a guest, a status (draft active
 * cancelled).  Ordered by periodStart then id.  400 naming every bad
 * parameter, then 403 OUT_OF_SCOPE, then 404 ESTABLISHMENT_NOT_FOUND.
 * One query: the establishment, the count, the page (LEFT JOINed, so an
 * empty page is one row of NULLs and no row no establishment).
 */
#include "contracts.h"
#include "db.h"
#include "envelope.h"
#include "list.h"
#include "query.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"

#define STATUSES "draft active cancelled"

/* Parameters: guest, guest, status, status (NULL: no filter). */
#define LIST_FILTER							\
	" AND (? IS NULL OR guest_profile_id = ?) "			\
	" AND (? IS NULL OR status = ?) "

#define LIST_COL_TOTAL 1
#define LIST_COL_CONTRACT 2
static const char contract_list_sql[] =
    "SELECT e.id, (SELECT COUNT(*) FROM long_stay_contracts "
    "  WHERE establishment_id = e.id" LIST_FILTER "), "
    CONTRACT_COLUMNS " FROM establishments e "
    "LEFT JOIN (SELECT * FROM long_stay_contracts WHERE establishment_id = ?"
    LIST_FILTER "ORDER BY period_start, id LIMIT ? OFFSET ?) c "
    "  ON c.establishment_id = e.id "
    "WHERE e.id = ? ORDER BY c.period_start, c.id";

struct list_query {
	char establishment[UUID_STR_LEN + 1];
	char guest[UUID_STR_LEN + 1];	/* "" when not filtered on */
	char status[16];		/* "" when not filtered on */
	int64_t page, size;
};

/* The parameters, checked: 0, or -1 after answering 400 or 403. */
static int
contract_list_params(struct request *rq, struct list_query *q)
{
	struct validation v = { 0 };
	int status;

	query_uuid(rq, "establishmentId", 1, q->establishment, &v);
	query_uuid(rq, "guestProfileId", 0, q->guest, &v);
	query_enum(rq, "status", STATUSES, &status, &v);
	query_page(rq, &q->page, &q->size, &v);
	if (status >= 0)
		enum_word(STATUSES, status, q->status, sizeof(q->status));
	return query_refused(rq, &v, q->establishment) ? -1 : 0;
}

int
contract_list(struct request *rq)
{
	struct list_query q = { .page = 1 };
	struct db_rows *rows = NULL;
	const char *guest, *status;
	int rc = 0;

	if (contract_list_params(rq, &q) != 0)
		goto done;
	guest = q.guest[0] != '\0' ? q.guest : NULL;
	status = q.status[0] != '\0' ? q.status : NULL;
	rc = db_query(rq->db, contract_list_sql, (struct db_param[]){
	    DB_STR(guest), DB_STR(guest), DB_STR(status), DB_STR(status),
	    DB_STR(q.establishment),
	    DB_STR(guest), DB_STR(guest), DB_STR(status), DB_STR(status),
	    DB_I64(q.size), DB_I64((q.page - 1) * q.size),
	    DB_STR(q.establishment) }, 12, &rows);
	if (rc != DB_OK) {
		rc = respond_db_failure(rq, rc);
		goto done;
	}
	if (rows->nrows == 0) {
		rc = respond_error(rq, "ESTABLISHMENT_NOT_FOUND");
		goto done;
	}
	rc = list_respond(rq, rows, LIST_COL_CONTRACT, LIST_COL_TOTAL,
	    contract_json, q.page, q.size);
done:
	db_rows_free(rows);
	return rc;
}
