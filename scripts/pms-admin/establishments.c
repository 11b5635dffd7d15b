/*
 * pms-admin establishments: "establishment add" and "establishment list",
 * the check every other command makes that its establishment exists, and
 * the one transaction of the coded rows of an establishment (unit types
 * and rate plans: an id, a code unique in the establishment, a name,
 * and whatever else the row's kind does in that transaction), the
 * business date as committed, and the walk over the establishments of a
 * command that works on each (establishment_each).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"

const struct field establishment_add_fields[] = {
	{ .name = "name", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = ADMIN_NAME_MAX },
	{ .name = "time-zone", .kind = FIELD_STRING, .flags = F_REQUIRED },
	{ .name = "id", .kind = FIELD_UUID },
	{ .name = "business-date", .kind = FIELD_DATE },
	{ .name = NULL }
};

const struct admin_rule establishment_add_rules[] = {
	{ "time-zone", rule_zone },
	{ NULL, NULL }
};

struct coded_add {
	const struct coded_row *row;
	char id[UUID_STR_LEN + 1];
	int id_given;			/* --id: name it when refused */
	const char *establishment, *code, *name, *currency;
	char why[ADMIN_WHY_MAX];
};

struct establishment_add {
	char id[UUID_STR_LEN + 1];
	const char *name, *zone;
	char date[DATE_STR_LEN + 1];
	char why[ADMIN_WHY_MAX];
};

static const char establishment_sql[] =
    "SELECT id FROM establishments WHERE id = ?";
static const char establishment_date_sql[] =
    "SELECT DATE_FORMAT(business_date, '%Y-%m-%d') FROM establishments "
    "WHERE id = ?";
static const char establishment_insert_sql[] =
    "INSERT INTO establishments (id, name, time_zone, business_date) "
    "VALUES (?, ?, ?, ?)";
static const char establishment_list_sql[] =
    "SELECT id, name, time_zone, DATE_FORMAT(business_date, '%Y-%m-%d'), "
    "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s') "
    "FROM establishments ORDER BY name, id";
static const char establishment_ids_sql[] =
    "SELECT id FROM establishments ORDER BY id";

/* DB_OK when establishment id exists, ADMIN_REFUSED (why set) when not. */
int
establishment_require(struct db *db, const char *id, char *why, size_t whylen)
{
	struct db_param p[] = { DB_STR(id) };
	struct db_rows *rows = NULL;
	int rc;

	if ((rc = db_query(db, establishment_sql, p, 1, &rows)) != DB_OK)
		goto done;
	if (rows->nrows == 0) {
		snprintf(why, whylen, "establishment %s not found", id);
		rc = ADMIN_REFUSED;
	}
done:
	db_rows_free(rows);
	return rc;
}

/*
 * The business date of establishment id, as committed when the query runs
 * (READ COMMITTED): DB_OK and *days, or ADMIN_REFUSED (why set) when there
 * is no such establishment.
 */
int
establishment_business_date(struct db *db, const char *id, int32_t *days,
    char *why, size_t whylen)
{
	struct db_rows *rows = NULL;
	const char *s;
	int rc;

	if ((rc = db_query(db, establishment_date_sql, (struct db_param[]){
	    DB_STR(id) }, 1, &rows)) != DB_OK)
		goto done;
	if ((s = db_cell(rows, 0, 0)) == NULL) {
		snprintf(why, whylen, "establishment %s not found", id);
		rc = ADMIN_REFUSED;
	} else if (date_parse(s, days) != 0)
		rc = DB_ERR_FAILED;
done:
	db_rows_free(rows);
	return rc;
}

static int
establishment_add_tx(struct db *db, void *ctx)
{
	struct establishment_add *e = ctx;
	struct db_param p[] = {
		DB_STR(e->id), DB_STR(e->name), DB_STR(e->zone), DB_STR(e->date)
	};

	snprintf(e->why, sizeof(e->why),
	    "an establishment with id %s already exists", e->id);
	return db_exec(db, establishment_insert_sql, p, 4, NULL, NULL);
}

int
establishment_add(struct admin *ad)
{
	struct establishment_add e = { .why = "" };
	const char *date = args_str(ad, "business-date");
	int n = 0, rc = ADMIN_EXIT_FAIL;

	if (args_id_or_new(ad, e.id) != 0)
		goto done;
	e.name = args_str(ad, "name");
	e.zone = args_str(ad, "time-zone");
	/* Default: today in UTC (SPEC 5: business dates start there). */
	if (date != NULL)
		snprintf(e.date, sizeof(e.date), "%s", date);
	else
		date_format((int32_t)(time(NULL) / 86400), e.date);
	rc = admin_exit(ad, db_transaction(ad->db, establishment_add_tx, &e),
	    e.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", e.id);
		kv_put(&n, "business-date", e.date);
		putchar('\n');
	}
done:
	return rc;
}

int
establishment_list(struct admin *ad)
{
	static const char *keys[] = {
		"id", "name", "time-zone", "business-date", "created"
	};
	struct db_rows *rows = NULL;
	int r, c, n, rc;

	rc = db_query(ad->db, establishment_list_sql, NULL, 0, &rows);
	for (r = 0; rc == DB_OK && r < rows->nrows; r++) {
		n = 0;
		for (c = 0; c < 5; c++)
			kv_put(&n, keys[c], db_cell(rows, r, c));
		putchar('\n');
	}
	db_rows_free(rows);
	return admin_exit(ad, rc, "");
}

/*
 * The commands that work establishment by establishment (night-audit,
 * allotment-cutoff): fn for each --establishment given (a repeated one
 * once), in command-line order, or for every establishment in id order.
 * fn reports its own failure and returns an exit status; the others go
 * on.  ADMIN_EXIT_FAIL when any failed.
 */
int
establishment_each(struct admin *ad, admin_establishment_fn fn, void *ctx)
{
	struct db_rows *rows = NULL;
	int i, n = args_count(ad, "establishment"), failed = 0, rc;

	for (i = 0; i < n; i++)
		if (!args_seen_before(ad, "establishment", i))
			failed |= fn(ad, args_str_nth(ad, "establishment", i),
			    ctx) != ADMIN_EXIT_OK;
	if (n == 0) {
		rc = db_query(ad->db, establishment_ids_sql, NULL, 0, &rows);
		failed = admin_exit(ad, rc, "") != ADMIN_EXIT_OK;
		for (i = 0; rc == DB_OK && i < rows->nrows; i++)
			failed |= fn(ad, db_cell(rows, i, 0), ctx) !=
			    ADMIN_EXIT_OK;
	}
	db_rows_free(rows);
	return failed ? ADMIN_EXIT_FAIL : ADMIN_EXIT_OK;
}

static int
coded_add_tx(struct db *db, void *ctx)
{
	struct coded_add *u = ctx;
	struct db_param p[] = {
		DB_STR(u->id), DB_STR(u->establishment), DB_STR(u->code),
		DB_STR(u->name), DB_STR(u->currency)
	};
	int rc;

	if ((rc = establishment_require(db, u->establishment, u->why,
	    sizeof(u->why))) != DB_OK)
		goto done;
	admin_why_duplicate(u->why, sizeof(u->why), u->row->what,
	    u->id_given ? u->id : NULL, "code", u->code, u->establishment);
	if ((rc = db_exec(db, u->row->insert_sql, p, u->row->nparams, NULL,
	    NULL)) != DB_OK || u->row->then == NULL)
		goto done;
	rc = u->row->then(db, u->id, u->establishment, u->why, sizeof(u->why));
done:
	return rc;
}

/* unit-type add and rate-plan add: row says which table. */
int
coded_add(struct admin *ad, const struct coded_row *row)
{
	struct coded_add u = { .row = row, .why = "" };
	int n = 0, rc = ADMIN_EXIT_FAIL;

	if (args_id_or_new(ad, u.id) != 0)
		goto done;
	u.id_given = args_count(ad, "id") > 0;
	u.establishment = args_str(ad, "establishment");
	u.code = args_str(ad, "code");
	u.name = args_str(ad, "name");
	u.currency = args_str(ad, "currency");
	if (u.currency == NULL)
		u.currency = "EUR";
	rc = admin_exit(ad, db_transaction(ad->db, coded_add_tx, &u), u.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", u.id);
		putchar('\n');
	}
done:
	return rc;
}
