/*
 * allotment_close: closes an allotment's nights, then releases what they
 * held unpicked.  The closing UPDATE comes first: it writes every row
 * (waiting for pickups and pickup cancels in flight on this node; on
 * Galera, conflicting in certification with those of other nodes), so the
 * counts read after it are final.
 */
#include <stdlib.h>
#include <string.h>

#include "allotment_close.h"
#include "datetime.h"
#include "db.h"
#include "inventory.h"

/*
 * Every night of an allotment is open or closed with the others: opened
 * together (a definite allotment created, a tentative confirmed), closed
 * together here.  Open nights of a definite allotment hold `allocated` in
 * inventory; closed ones hold `picked`; a tentative's hold nothing.
 * Written, not only locked: on Galera only written rows certify against a
 * pickup of the same night on another node.
 */
static const char close_sql[] =
    "UPDATE allotment_nights SET is_open = 0 "
    "WHERE allotment_id = ? AND is_open = 1 "
    "ORDER BY unit_type_id, night";
/* After close_sql, with every row locked by it: the final counts. */
static const char unpicked_sql[] =
    "SELECT unit_type_id, DATE_FORMAT(night, '%Y-%m-%d'), "
    "allocated - picked FROM allotment_nights "
    "WHERE allotment_id = ? AND night >= ? AND allocated > picked "
    "ORDER BY unit_type_id, night";

/* Gives back qty on [from, until) of type; adds to *released. */
static int
release_run(struct db *db, const char *type, int32_t from, int32_t until,
    int qty, int64_t *released)
{
	int nights = 0, rc;

	rc = inventory_release(db, type, INVENTORY_COMMITTED, from, until, qty,
	    &nights);
	*released += (int64_t)nights * qty;
	return rc;
}

int
allotment_close(struct db *db, const char *allotment_id, int32_t from,
    int64_t *released)
{
	char from_s[DATE_STR_LEN + 1];
	struct db_rows *rows = NULL;
	int64_t total = 0;
	int32_t night, run_from = 0, run_until = 0;
	const char *run_type = NULL;
	uint64_t closed = 0;
	int i, qty, run_qty = 0, rc;

	date_format(from, from_s);
	if ((rc = db_exec(db, close_sql, (struct db_param[]){
	    DB_STR(allotment_id) }, 1, &closed, NULL)) != DB_OK || closed == 0)
		goto done;
	if ((rc = db_query(db, unpicked_sql, (struct db_param[]){
	    DB_STR(allotment_id), DB_STR(from_s) }, 2, &rows)) != DB_OK)
		goto done;
	/* Runs of consecutive nights of one type with the same count: one
	   statement each (most contracts are one run per type). */
	for (i = 0; i < rows->nrows; i++) {
		if (date_parse(db_cell(rows, i, 1), &night) != 0) {
			rc = DB_ERR_FAILED;
			goto done;
		}
		qty = atoi(db_cell(rows, i, 2));
		if (run_type != NULL && strcmp(run_type, db_cell(rows, i, 0))
		    == 0 && night == run_until && qty == run_qty) {
			run_until++;
			continue;
		}
		if (run_type != NULL && (rc = release_run(db, run_type,
		    run_from, run_until, run_qty, &total)) != DB_OK)
			goto done;
		run_type = db_cell(rows, i, 0);
		run_from = night;
		run_until = night + 1;
		run_qty = qty;
	}
	if (run_type != NULL)
		rc = release_run(db, run_type, run_from, run_until, run_qty,
		    &total);
done:
	db_rows_free(rows);
	if (released != NULL)
		*released = rc == DB_OK ? total : 0;	/* also when none closed */
	return rc;
}
