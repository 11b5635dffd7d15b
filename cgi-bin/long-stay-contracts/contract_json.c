/*
 * long-stay-contracts: a contract as GET answers it (SPEC 2.7,
 * docs/long-stay-contracts.md "Read"): its fields as created, its status,
 * its installments by seqNo, the money view (amountDueCents, nextDueDate:
 * the installments falling due on or after the business date, summed in
 * SQL integers) and its renewal chain.
 */
#include <stddef.h>

#include <cjson/cJSON.h>

#include "contracts.h"
#include "db.h"
#include "envelope.h"
#include "request.h"
#include "row_json.h"

static const char contract_load_sql[] =
    "SELECT " CONTRACT_COLUMNS " FROM long_stay_contracts c "
    "JOIN establishments e ON e.id = c.establishment_id WHERE c.id = ?";
enum { COL_ID, COL_EST, COL_GUEST, COL_UNIT, COL_UNIT_TYPE, COL_START,
    COL_END, COL_TOTAL, COL_CURRENCY, COL_NOTICE, COL_DEPOSIT, COL_POLICY,
    COL_EXEMPT, COL_BASIS, COL_PREVIOUS, COL_STATUS, COL_DUE, COL_NEXT_DUE };

static const char installments_sql[] =
    "SELECT id, seq_no, DATE_FORMAT(due_date, '%Y-%m-%d'), amount_cents, "
    "currency FROM long_stay_installments WHERE contract_id = ? "
    "ORDER BY seq_no";

/* The chain through previous_contract_id, both ways, oldest first. */
static const char chain_sql[] =
    "WITH RECURSIVE back (id, previous, depth) AS ("
    "  SELECT id, previous_contract_id, 0 FROM long_stay_contracts "
    "  WHERE id = ? "
    "  UNION ALL SELECT c.id, c.previous_contract_id, b.depth - 1 "
    "  FROM long_stay_contracts c JOIN back b ON c.id = b.previous), "
    "ahead (id, depth) AS ("
    "  SELECT id, 0 FROM long_stay_contracts WHERE id = ? "
    "  UNION ALL SELECT c.id, a.depth + 1 FROM long_stay_contracts c "
    "  JOIN ahead a ON c.previous_contract_id = a.id) "
    "SELECT id FROM (SELECT id, depth FROM back "
    "  UNION SELECT id, depth FROM ahead) chain ORDER BY depth, id";

static const struct member contract_head[] = {
	{ "id", COL_ID, AS_STRING },
	{ "establishmentId", COL_EST, AS_STRING },
	{ "guestProfileId", COL_GUEST, AS_STRING },
	{ "unitId", COL_UNIT, AS_STRING },
	{ "unitType", COL_UNIT_TYPE, AS_STRING },
	{ "periodStart", COL_START, AS_STRING },
	{ "periodEnd", COL_END, AS_STRING },
	{ "totalAmountCents", COL_TOTAL, AS_STRING },
	{ "currency", COL_CURRENCY, AS_STRING },
};

/* After "installments". */
static const struct member contract_terms[] = {
	{ "noticePeriodDays", COL_NOTICE, AS_COUNT },
	{ "depositNature", COL_DEPOSIT, AS_STRING },
	{ "terminationPolicy", COL_POLICY, AS_STRING },
	{ "tourismTaxExempt", COL_EXEMPT, AS_BOOL },
	{ "tourismTaxExemptBasis", COL_BASIS, AS_STRING },
	{ "previousContractId", COL_PREVIOUS, AS_STRING },
	{ "status", COL_STATUS, AS_STRING },
	{ "amountDueCents", COL_DUE, AS_STRING },
	{ "nextDueDate", COL_NEXT_DUE, AS_STRING },
};

static const struct member installment_members[] = {
	{ "id", 0, AS_STRING },
	{ "seqNo", 1, AS_COUNT },
	{ "dueDate", 2, AS_STRING },
	{ "amountCents", 3, AS_STRING },
	{ "currency", 4, AS_STRING },
};

int
contract_json(const struct db_rows *rows, int first, int col, cJSON **out,
    int *next)
{
	cJSON *o;

	*out = NULL;
	if ((o = members_json(contract_head, NMEMBERS(contract_head), rows,
	    first, col)) == NULL || add_members(o, contract_terms,
	    NMEMBERS(contract_terms), rows, first, col) != 0) {
		cJSON_Delete(o);
		return -1;
	}
	*out = o;
	*next = first + 1;
	return 0;
}

/* Adds the array key of one object per row (members m), or of the first
   column's strings when m is NULL.  0, -1 when out of memory. */
static int
add_rows(cJSON *o, const char *key, const struct db_rows *rows,
    const struct member *m, size_t n)
{
	cJSON *array = cJSON_AddArrayToObject(o, key), *item;
	int r;

	if (array == NULL)
		return -1;
	for (r = 0; r < rows->nrows; r++) {
		item = m != NULL ? members_json(m, n, rows, r, 0) :
		    cJSON_CreateString(db_cell(rows, r, 0));
		if (item == NULL || !cJSON_AddItemToArray(array, item)) {
			cJSON_Delete(item);
			return -1;
		}
	}
	return 0;
}

int
contract_json_load(struct db *db, const char *id, cJSON **out)
{
	struct db_rows *head = NULL, *installments = NULL, *chain = NULL;
	cJSON *o = NULL;
	int rc;

	*out = NULL;
	if ((rc = db_query(db, contract_load_sql, (struct db_param[]){
	    DB_STR(id) }, 1, &head)) != DB_OK)
		goto done;
	if (head->nrows == 0) {
		rc = 1;
		goto done;
	}
	if ((rc = db_query(db, installments_sql, (struct db_param[]){
	    DB_STR(id) }, 1, &installments)) != DB_OK ||
	    (rc = db_query(db, chain_sql, (struct db_param[]){ DB_STR(id),
	    DB_STR(id) }, 2, &chain)) != DB_OK)
		goto done;
	rc = DB_ERR_NOMEM;
	if ((o = members_json(contract_head, NMEMBERS(contract_head), head, 0,
	    0)) == NULL ||
	    add_rows(o, "installments", installments, installment_members,
	    NMEMBERS(installment_members)) != 0 ||
	    add_members(o, contract_terms, NMEMBERS(contract_terms), head, 0,
	    0) != 0 ||
	    add_rows(o, "renewalChain", chain, NULL, 0) != 0)
		goto done;
	*out = o;
	o = NULL;
	rc = 0;
done:
	cJSON_Delete(o);
	db_rows_free(head);
	db_rows_free(installments);
	db_rows_free(chain);
	return rc;
}

int
contract_answer(struct request *rq, const char *id)
{
	cJSON *data = NULL;
	int rc;

	if ((rc = contract_json_load(rq->db, id, &data)) != 0)
		return rc == 1 ? DB_ERR_FAILED : rc;
	respond_data(rq, 200, data);
	/* Out of memory: the action rolls back with its 500 (write.h). */
	return rq->status == 200 ? 0 : DB_ERR_NOMEM;
}
