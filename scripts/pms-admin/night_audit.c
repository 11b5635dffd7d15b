/*
 * pms-admin night-audit: closes the day of one establishment (or of each
 * given, or of every one): its business date moves forward by one day, or
 * to --to, never backwards; its inventory horizon is extended so rows
 * exist through the new business date + PMS_HORIZON_DAYS - 1 (the new
 * nights are computed from the truth, so an open-ended block takes each
 * new night); then the jobs due that day run: the allotment cutoff
 * (allotment_cutoff.c), for every cutoff date up to the new business
 * date, each allotment in a transaction of its own; and the long-stay
 * contracts that go on past their held nights take the new ones
 * (contract_extend.c), each in a transaction of its own.
 *
 * Safe twice at once and after a crash halfway.  The date to leave is read
 * once, before the transaction, and the move is conditional on it
 * (`WHERE id = ? AND business_date = ?`): of two runs that read the same
 * date, the second finds the row moved (it waited on the first's lock, or
 * certification sent it round again on Galera) and moves nothing -- a
 * retried attempt never reads a new date to move from.  Each establishment
 * is one transaction (date and horizon together), so a crash leaves each
 * one either done or untouched; run again with the same --to, the done
 * ones only get their horizon checked and their jobs run again.  One
 * key=value line per establishment as it finishes (cutoffs=N: allotments
 * this run released; contracts=N: long-stay contracts it extended); a failure of one is reported and the others go on;
 * exit 1 when any failed (a cutoff that failed too).
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "inventory.h"

/* The transaction's answer when another run moved the date first;
   positive, so db_transaction hands it back as is (see ADMIN_REFUSED). */
#define AUDIT_MOVED_BY_ANOTHER_RUN 2

/* The repeated option last: see args.c. */
const struct field night_audit_fields[] = {
	{ .name = "to", .kind = FIELD_DATE },
	{ .name = "establishment", .kind = FIELD_ARRAY,
	  .item_kind = FIELD_UUID },
	{ .name = NULL }
};

struct night_audit {
	const char *id;
	int32_t from, to;	/* the move, fixed before the transaction */
	int horizon_days;
	int moved;		/* out: this run moved the date */
	int32_t nights_added;	/* out: nights the horizon gained */
	char why[ADMIN_WHY_MAX];
};

static const char audit_move_sql[] =
    "UPDATE establishments SET business_date = ? "
    "WHERE id = ? AND business_date = ?";

/*
 * The jobs due once the establishment's business date is business_date.
 * Called after the date is committed, by every run that leaves it there
 * (so a run again after a crash calls them again).  The first job is the
 * allotment cutoff of SPEC 2.4 (allotment_cutoff.c): it releases every
 * armed allotment of the establishment whose cutoffDate <= business_date
 * (<=, so a --to that skips days misses none), in transactions of its
 * own, idempotent and safe twice at once.  *cutoffs: the allotments this
 * run released.  0 or the status of a job that failed (each failure is
 * reported where it happened; the other allotments still ran).  Then
 * the long-stay contracts' nights (contract_extend.c); *contracts: those
 * extended.
 */
static int
night_audit_run_due_jobs(struct admin *ad, const char *establishment_id,
    int32_t business_date, int *cutoffs, int *contracts)
{
	int cut = allotment_cutoff_due(ad, establishment_id, business_date, 0,
	    cutoffs);
	int held = contract_extend_due(ad, establishment_id, business_date,
	    contracts);

	return cut != DB_OK ? cut : held;
}

static int
night_audit_tx(struct db *db, void *ctx)
{
	struct night_audit *a = ctx;
	char from_s[DATE_STR_LEN + 1], to_s[DATE_STR_LEN + 1];
	int32_t have, through = a->to + a->horizon_days - 1;
	uint64_t changed = 0;
	int rc;

	a->moved = 0;
	a->nights_added = 0;
	if (a->to != a->from) {
		date_format(a->from, from_s);
		date_format(a->to, to_s);
		if ((rc = db_exec(db, audit_move_sql, (struct db_param[]){
		    DB_STR(to_s), DB_STR(a->id), DB_STR(from_s) }, 3, &changed,
		    NULL)) != DB_OK)
			goto done;
		/* Moved since we read it: moving it on would move it twice. */
		if (changed == 0) {
			rc = AUDIT_MOVED_BY_ANOTHER_RUN;
			goto done;
		}
		a->moved = 1;
	}
	if ((rc = inventory_lock_horizon(db, a->id, &have)) != DB_OK)
		goto done;
	if ((rc = inventory_materialize(db, a->id, a->to, through)) != DB_OK)
		goto done;
	/* Nights before the business date do not count as added. */
	if (have < through)
		a->nights_added = through - (have > a->to - 1 ? have : a->to - 1);
done:
	return rc;
}

/* One establishment (establishment_each; ctx: --to or NULL): its move,
   its horizon, its jobs, its line. */
static int
night_audit_one(struct admin *ad, const char *id, void *ctx)
{
	const char *to = ctx;
	struct night_audit a = {
		.id = id, .horizon_days = ad->cfg.horizon_days, .why = ""
	};
	char from_s[DATE_STR_LEN + 1], now_s[DATE_STR_LEN + 1], about[64];
	const char *status;
	int32_t now;
	int n = 0, cutoffs = 0, contracts = 0, jobs = DB_OK, rc;

	if ((rc = establishment_business_date(ad->db, id, &a.from, a.why,
	    sizeof(a.why))) != DB_OK)
		goto done;
	a.to = a.from + 1;
	if (to != NULL)
		(void)date_parse(to, &a.to);	/* checked by args.c */
	if (a.to < a.from) {
		date_format(a.from, from_s);
		snprintf(a.why, sizeof(a.why), "establishment %s: the business "
		    "date is %s: --to %s would move it backwards (refused)", id,
		    from_s, to);
		rc = ADMIN_REFUSED;
		goto done;
	}
	rc = db_transaction(ad->db, night_audit_tx, &a);
	now = a.to;
	if (rc == AUDIT_MOVED_BY_ANOTHER_RUN) {
		if ((rc = establishment_business_date(ad->db, id, &now, a.why,
		    sizeof(a.why))) != DB_OK)
			goto done;
		if (now != a.to) {
			date_format(a.from, from_s);
			date_format(now, now_s);
			snprintf(a.why, sizeof(a.why), "establishment %s: "
			    "another run moved the business date from %s to %s "
			    "meanwhile, not to this run's date: nothing done",
			    id, from_s, now_s);
			rc = ADMIN_REFUSED;
			goto done;
		}
		status = "moved-by-another-run";
	} else if (rc != DB_OK)
		goto done;
	else
		status = a.moved ? "advanced" : "already";
	/* The date is committed: its line is printed whatever the jobs do;
	   a job that failed has said why, and makes the exit status 1. */
	jobs = night_audit_run_due_jobs(ad, id, now, &cutoffs, &contracts);
	date_format(now, now_s);
	kv_put(&n, "establishment", id);
	kv_put(&n, "business-date", now_s);
	kv_put_u64(&n, "nights-added", (uint64_t)a.nights_added);
	kv_put(&n, "status", status);
	kv_put_u64(&n, "cutoffs", (uint64_t)cutoffs);
	kv_put_u64(&n, "contracts", (uint64_t)contracts);
	putchar('\n');
	fflush(stdout);			/* progress, line by line */
done:
	/* A refusal names the establishment itself; a DB failure does not. */
	snprintf(about, sizeof(about), "establishment %s", id);
	rc = admin_exit_for(ad, rc == ADMIN_REFUSED ? NULL : about, rc, a.why);
	return jobs == DB_OK ? rc : ADMIN_EXIT_FAIL;
}

int
night_audit(struct admin *ad)
{
	return establishment_each(ad, night_audit_one,
	    (void *)args_str(ad, "to"));
}
