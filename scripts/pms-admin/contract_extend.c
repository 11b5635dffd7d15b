/*
 * The night audit's job for long-stay contracts (docs/long-stay-contracts.md
 * "Activate"): an active contract holds its nights up to the inventory
 * horizon (committed_until, the first night it does not hold yet); as the
 * audit extends the horizon, each contract whose period goes on past its
 * committed_until takes the new nights, up to its periodEnd or the new
 * horizon, through lib/contract_hold.c (a committed room of its type, and
 * its unit when it names one).  One transaction per contract, which first
 * locks the establishment row (the horizon cannot move meanwhile) and
 * moves committed_until only from the value it read, so two runs at once
 * extend a contract once.  A contract that finds a night without room (or
 * its unit held) is left as it was, reported, and taken again by the next
 * audit; the others go on.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "contract_hold.h"
#include "inventory.h"
#include "write.h"

static const char due_sql[] =
    "SELECT id FROM long_stay_contracts WHERE establishment_id = ? "
    "AND status = 'active' AND committed_until IS NOT NULL "
    "AND (period_end IS NULL OR committed_until < period_end) ORDER BY id";
static const char read_sql[] =
    "SELECT unit_id, unit_type_id, DATE_FORMAT(committed_until, '%Y-%m-%d'), "
    "DATE_FORMAT(period_end, '%Y-%m-%d'), status "
    "FROM long_stay_contracts WHERE id = ? FOR UPDATE";
static const char move_sql[] =
    "UPDATE long_stay_contracts SET committed_until = ? "
    "WHERE id = ? AND committed_until = ?";

struct extend {
	const char *id, *establishment;
	int32_t business_date;
	int32_t nights;			/* out: nights this run took */
	char why[ADMIN_WHY_MAX];
};

static int
extend_tx(struct db *db, void *ctx)
{
	struct extend *e = ctx;
	struct write_refusal refusal = { 0 };
	struct db_rows *row = NULL;
	char until_s[DATE_STR_LEN + 1];
	const char *end_s;
	int32_t through, held, end, from, until;
	int rc;

	e->nights = 0;
	if ((rc = inventory_lock_horizon(db, e->establishment, &through)) !=
	    DB_OK)
		return rc;
	if ((rc = db_query(db, read_sql, (struct db_param[]){ DB_STR(e->id) },
	    1, &row)) != DB_OK)
		return rc;
	if (row->nrows == 0 || strcmp(db_cell(row, 0, 4), "active") != 0 ||
	    db_cell(row, 0, 2) == NULL ||
	    date_parse(db_cell(row, 0, 2), &held) != 0)
		goto done;		/* no longer active: nothing to hold */
	end_s = db_cell(row, 0, 3);
	if (end_s != NULL && date_parse(end_s, &end) != 0) {
		rc = DB_ERR_FAILED;
		goto done;
	}
	/* Past nights are not held; nights past the horizon not yet. */
	from = held > e->business_date ? held : e->business_date;
	until = through + 1;
	if (end_s != NULL && end < until)
		until = end;
	if (until <= from)
		goto done;
	rc = contract_hold(db, e->id, db_cell(row, 0, 1), db_cell(row, 0, 0),
	    from, until, &refusal);
	if (rc == WRITE_REFUSED) {
		snprintf(e->why, sizeof(e->why), "contract %s: %s on a night "
		    "from %d nights on: not extended, tried again at the next "
		    "audit", e->id, refusal.code, until - from);
		rc = ADMIN_REFUSED;
		goto done;
	}
	if (rc != DB_OK)
		goto done;
	date_format(until, until_s);
	if ((rc = db_exec(db, move_sql, (struct db_param[]){ DB_STR(until_s),
	    DB_STR(e->id), DB_STR(db_cell(row, 0, 2)) }, 3, NULL, NULL)) !=
	    DB_OK)
		goto done;
	e->nights = until - from;
done:
	db_rows_free(row);
	return rc;
}

int
contract_extend_due(struct admin *ad, const char *establishment_id,
    int32_t business_date, int *extended)
{
	struct db_rows *due = NULL;
	struct extend e;
	char about[64];
	int i, rc, one;

	*extended = 0;
	if ((rc = db_query(ad->db, due_sql, (struct db_param[]){
	    DB_STR(establishment_id) }, 1, &due)) != DB_OK) {
		snprintf(about, sizeof(about), "establishment %s",
		    establishment_id);
		(void)admin_exit_for(ad, about, rc, "");
		goto done;
	}
	for (i = 0; i < due->nrows; i++) {
		memset(&e, 0, sizeof(e));
		e.id = db_cell(due, i, 0);
		e.establishment = establishment_id;
		e.business_date = business_date;
		if ((one = db_transaction(ad->db, extend_tx, &e)) != DB_OK) {
			snprintf(about, sizeof(about), "contract %s", e.id);
			(void)admin_exit_for(ad, one == ADMIN_REFUSED ? NULL :
			    about, one, e.why);
			rc = one;
			continue;
		}
		*extended += e.nights > 0;
	}
done:
	db_rows_free(due);
	return rc;
}
