/*
 * inventory: owns the rows of inventory_nights (schema/010) and the only
 * statements that change their counters.  Taking is one UPDATE per unit
 * type whose WHERE holds the availability check, so the rows a write
 * checks are the rows it writes: on one node the row locks serialise two
 * writers of a night (the second re-reads the committed row), on Galera
 * certification of those written rows does (1213 at COMMIT, retried).
 * The statement changes rows in primary-key order (unit type, night), the
 * one order every writer uses.  The row count it reports is compared with
 * the nights of the window: fewer means a night had no room or no row.
 */
#include <stdlib.h>

#include "datetime.h"
#include "db.h"
#include "inventory.h"
#include "write.h"

/* The sequence engine's table bounds one materialisation (10 years). */
#define INVENTORY_MAX_NIGHTS 3660

/* A real change: a no-op update would lock the row on this node only
   (Galera certifies the rows a transaction changed). */
static const char horizon_lock_sql[] =
    "UPDATE establishments SET inventory_version = inventory_version + 1 "
    "WHERE id = ?";
static const char horizon_read_sql[] =
    "SELECT DATE_FORMAT(inventory_through, '%Y-%m-%d') FROM establishments "
    "WHERE id = ?";
/*
 * The missing nights of every unit type, from the truth: active units,
 * and the blocks of the type's active units covering the night (only an
 * active unit can be blocked, and it is in total; a returned block
 * has its ooo_until cut, so it no longer covers later nights).  Committed
 * counts come from the families that commit (none open-ended yet).
 */
static const char materialize_sql[] =
    "INSERT IGNORE INTO inventory_nights (unit_type_id, night, "
    "establishment_id, total, blocked, committed) "
    "SELECT t.id, d.night, t.establishment_id, "
    "(SELECT COUNT(*) FROM units u WHERE u.unit_type_id = t.id "
    "  AND u.active), "
    "(SELECT COUNT(*) FROM unit_blocks b JOIN units u ON u.id = b.unit_id "
    "  WHERE u.unit_type_id = t.id AND u.active AND b.ooo_from <= d.night "
    "  AND (b.ooo_until IS NULL OR b.ooo_until > d.night)), 0 "
    "FROM unit_types t JOIN (SELECT CAST(? AS DATE) + INTERVAL seq DAY "
    "  AS night FROM seq_0_to_3660 WHERE seq <= ?) d "
    "WHERE t.establishment_id = ? ORDER BY t.id, d.night";
static const char horizon_set_sql[] =
    "UPDATE establishments SET inventory_through = ? WHERE id = ?";

static const char take_blocked_sql[] =
    "UPDATE inventory_nights SET blocked = blocked + ? "
    "WHERE unit_type_id = ? AND night >= ? AND night < ? "
    "AND total - blocked - committed >= ? ORDER BY night";
static const char take_committed_sql[] =
    "UPDATE inventory_nights SET committed = committed + ? "
    "WHERE unit_type_id = ? AND night >= ? AND night < ? "
    "AND total - blocked - committed >= ? ORDER BY night";
static const char release_blocked_sql[] =
    "UPDATE inventory_nights SET blocked = blocked - ? "
    "WHERE unit_type_id = ? AND night >= ? AND night < ? ORDER BY night";
static const char release_committed_sql[] =
    "UPDATE inventory_nights SET committed = committed - ? "
    "WHERE unit_type_id = ? AND night >= ? AND night < ? ORDER BY night";
static const char nights_present_sql[] =
    "SELECT COUNT(*) FROM inventory_nights "
    "WHERE unit_type_id = ? AND night >= ? AND night < ?";

int
inventory_lock_horizon(struct db *db, const char *establishment_id,
    int32_t *through)
{
	int rc;

	*through = -1;
	if ((rc = db_exec(db, horizon_lock_sql, (struct db_param[]){
	    DB_STR(establishment_id) }, 1, NULL, NULL)) != DB_OK)
		return rc;
	return inventory_horizon(db, establishment_id, through);
}

int
inventory_horizon(struct db *db, const char *establishment_id,
    int32_t *through)
{
	struct db_rows *rows = NULL;
	const char *s;
	int rc;

	*through = -1;
	if ((rc = db_query(db, horizon_read_sql, (struct db_param[]){
	    DB_STR(establishment_id) }, 1, &rows)) != DB_OK)
		return rc;
	if ((s = db_cell(rows, 0, 0)) != NULL && date_parse(s, through) != 0)
		rc = DB_ERR_FAILED;
	db_rows_free(rows);
	return rc;
}

int
inventory_materialize(struct db *db, const char *establishment_id,
    int32_t from, int32_t through)
{
	char from_s[DATE_STR_LEN + 1], through_s[DATE_STR_LEN + 1];
	int32_t have;
	int rc;

	if ((rc = inventory_lock_horizon(db, establishment_id, &have)) != DB_OK)
		return rc;
	if (have >= through)
		return DB_OK;
	/* Nights before `have` exist already (INSERT IGNORE keeps them):
	   start after them, never before the business date. */
	if (have >= from)
		from = have + 1;
	if (through - from >= INVENTORY_MAX_NIGHTS)
		from = through - (INVENTORY_MAX_NIGHTS - 1);
	date_format(from, from_s);
	date_format(through, through_s);
	if ((rc = db_exec(db, materialize_sql, (struct db_param[]){
	    DB_STR(from_s), DB_I64(through - from), DB_STR(establishment_id) },
	    3, NULL, NULL)) != DB_OK)
		return rc;
	return db_exec(db, horizon_set_sql, (struct db_param[]){
	    DB_STR(through_s), DB_STR(establishment_id) }, 2, NULL, NULL);
}

int
inventory_ensure(struct db *db, const char *establishment_id,
    int32_t business_date, int32_t horizon_last, int32_t last)
{
	int32_t through;
	int rc;

	if ((rc = inventory_horizon(db, establishment_id, &through)) != DB_OK)
		return rc;
	if (through >= last)
		return DB_OK;
	return inventory_materialize(db, establishment_id, business_date,
	    horizon_last);
}

/* One counter statement over [from, until); *changed: rows it changed. */
static int
inventory_update(struct db *db, const char *sql, const char *unit_type_id,
    int32_t from, int32_t until, int qty, int guard, uint64_t *changed)
{
	char from_s[DATE_STR_LEN + 1], until_s[DATE_STR_LEN + 1];
	struct db_param p[5];

	date_format(from, from_s);
	date_format(until, until_s);
	p[0] = DB_I64(qty);
	p[1] = DB_STR(unit_type_id);
	p[2] = DB_STR(from_s);
	p[3] = DB_STR(until_s);
	p[4] = DB_I64(qty);
	return db_exec(db, sql, p, guard ? 5 : 4, changed, NULL);
}

/* How many rows the window has (to tell "no room" from "no row"). */
static int
inventory_rows_in(struct db *db, const char *unit_type_id, int32_t from,
    int32_t until, int64_t *n)
{
	char from_s[DATE_STR_LEN + 1], until_s[DATE_STR_LEN + 1];
	struct db_rows *rows = NULL;
	int rc;

	date_format(from, from_s);
	date_format(until, until_s);
	if ((rc = db_query(db, nights_present_sql, (struct db_param[]){
	    DB_STR(unit_type_id), DB_STR(from_s), DB_STR(until_s) }, 3,
	    &rows)) != DB_OK)
		return rc;
	*n = atoll(db_cell(rows, 0, 0) != NULL ? db_cell(rows, 0, 0) : "0");
	db_rows_free(rows);
	return DB_OK;
}

int
inventory_take(struct db *db, const char *unit_type_id,
    enum inventory_counter counter, int32_t from, int32_t until, int qty,
    int *nights)
{
	uint64_t changed = 0;
	int64_t present;
	int rc;

	if (nights != NULL)
		*nights = 0;
	if (until <= from || qty <= 0)
		return DB_OK;
	rc = inventory_update(db, counter == INVENTORY_BLOCKED ?
	    take_blocked_sql : take_committed_sql, unit_type_id, from, until,
	    qty, 1, &changed);
	if (rc != DB_OK)
		return rc;
	if (changed == (uint64_t)(until - from)) {
		if (nights != NULL)
			*nights = (int)changed;
		return DB_OK;
	}
	/* Short: no room on some night, or a night without its row. */
	if ((rc = inventory_rows_in(db, unit_type_id, from, until,
	    &present)) != DB_OK)
		return rc;
	return present < until - from ? INVENTORY_NOT_MATERIALISED :
	    INVENTORY_SATURATED;
}

int
inventory_release(struct db *db, const char *unit_type_id,
    enum inventory_counter counter, int32_t from, int32_t until, int qty,
    int *nights)
{
	uint64_t changed = 0;
	int rc;

	if (nights != NULL)
		*nights = 0;
	if (until <= from || qty <= 0)
		return DB_OK;
	rc = inventory_update(db, counter == INVENTORY_BLOCKED ?
	    release_blocked_sql : release_committed_sql, unit_type_id, from,
	    until, qty, 0, &changed);
	if (rc == DB_OK && nights != NULL)
		*nights = (int)changed;
	return rc;
}

static const char units_changed_sql[] =
    "UPDATE inventory_nights SET total = total + ? "
    "WHERE unit_type_id = ? AND night >= ? ORDER BY night";
static const char first_full_sql[] =
    "SELECT DATE_FORMAT(MIN(night), '%Y-%m-%d') FROM inventory_nights "
    "WHERE unit_type_id = ? AND night >= ? "
    "AND total - blocked - committed + ? < 0";

int
inventory_units_changed(struct db *db, const char *unit_type_id,
    int32_t from, int delta, int32_t *full_night)
{
	char from_s[DATE_STR_LEN + 1];
	struct db_rows *rows = NULL;
	const char *s;
	int rc = DB_OK;

	if (full_night != NULL)
		*full_night = -1;
	if (delta == 0)
		goto done;
	date_format(from, from_s);
	rc = db_exec(db, units_changed_sql, (struct db_param[]){
	    DB_I64(delta), DB_STR(unit_type_id), DB_STR(from_s) }, 3, NULL,
	    NULL);
	/* The CHECK of schema/010 refused it. */
	if (rc != DB_ERR_CONSTRAINT)
		goto done;
	/* Only the statement was undone: the transaction can still ask. */
	rc = INVENTORY_SATURATED;
	if (full_night == NULL)
		goto done;
	if (db_query(db, first_full_sql, (struct db_param[]){
	    DB_STR(unit_type_id), DB_STR(from_s), DB_I64(delta) }, 3,
	    &rows) == DB_OK && (s = db_cell(rows, 0, 0)) != NULL)
		(void)date_parse(s, full_night);
done:
	db_rows_free(rows);
	return rc;
}

static const char type_added_sql[] =
    "INSERT IGNORE INTO inventory_nights (unit_type_id, night, "
    "establishment_id, total, blocked, committed) "
    "SELECT t.id, CAST(? AS DATE) + INTERVAL s.seq DAY, t.establishment_id, "
    "0, 0, 0 FROM unit_types t JOIN seq_0_to_3660 s "
    "WHERE t.id = ? AND s.seq <= ? ORDER BY s.seq";

int
inventory_type_added(struct db *db, const char *unit_type_id, int32_t from,
    int32_t through)
{
	char from_s[DATE_STR_LEN + 1];

	if (through < from)
		return DB_OK;
	if (through - from >= INVENTORY_MAX_NIGHTS)
		from = through - (INVENTORY_MAX_NIGHTS - 1);
	date_format(from, from_s);
	return db_exec(db, type_added_sql, (struct db_param[]){
	    DB_STR(from_s), DB_STR(unit_type_id), DB_I64(through - from) }, 3,
	    NULL, NULL);
}

int
inventory_commit(struct db *db, const char *unit_type_id, int32_t from,
    int32_t until, int qty, struct write_refusal *why)
{
	int rc = inventory_take(db, unit_type_id, INVENTORY_COMMITTED, from,
	    until, qty, NULL);

	if (rc == INVENTORY_SATURATED)
		return write_refuse(why, "CAPACITY_SATURATED", NULL);
	return rc == INVENTORY_NOT_MATERIALISED ? DB_ERR_FAILED : rc;
}
