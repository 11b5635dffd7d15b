/*
 * pms-admin unit types and units: "unit-type add" (a coded row of an
 * establishment), "unit add", whose unit type must belong to the same
 * establishment as the unit -- checked in the transaction that inserts --
 * and "unit activate" / "unit deactivate".
 *
 * Each keeps the inventory true in its own transaction (docs/inventory.md):
 * a unit type added where a horizon exists gets its rows up to it; a unit
 * added active, activated or deactivated moves `total` by one on every
 * materialised night from the business date on.  The establishment row is
 * written before any inventory row (inventory_lock_horizon): the night
 * audit writes it to extend the horizon, so the two serialise on every
 * Galera node and neither's nights miss the other's change.  A deactivation that would
 * leave a night with available < 0 is refused by the CHECK, and one of a
 * unit blocked on a night from the business date on is refused before:
 * its block is counted in `blocked` whether the unit is active or not
 * (lib/inventory.c), so it would leave the sellable count twice.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "inventory.h"

const struct field unit_type_add_fields[] = {
	{ .name = "establishment", .kind = FIELD_UUID, .flags = F_REQUIRED },
	{ .name = "code", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = ADMIN_CODE_MAX },
	{ .name = "name", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = ADMIN_NAME_MAX },
	{ .name = "id", .kind = FIELD_UUID },
	{ .name = NULL }
};

const struct field unit_add_fields[] = {
	{ .name = "establishment", .kind = FIELD_UUID, .flags = F_REQUIRED },
	{ .name = "unit-type", .kind = FIELD_UUID, .flags = F_REQUIRED },
	{ .name = "number", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = ADMIN_CODE_MAX },
	{ .name = "id", .kind = FIELD_UUID },
	{ .name = "inactive", .kind = FIELD_BOOL },
	{ .name = NULL }
};

const struct field unit_state_fields[] = {
	{ .name = "id", .kind = FIELD_UUID, .flags = F_REQUIRED },
	{ .name = NULL }
};

static int unit_type_rows(struct db *db, const char *id,
    const char *establishment, char *why, size_t whylen);

static const struct coded_row unit_type_row = {
	.what = "unit type",
	.insert_sql = "INSERT INTO unit_types (id, establishment_id, code, name) "
	    "VALUES (?, ?, ?, ?)",
	.nparams = 4,
	.then = unit_type_rows,
};

/* A change of one unit's count in its type's inventory. */
struct unit_count {
	const char *establishment, *unit_type;
	const char *unit;		/* in messages; its blocks when delta < 0 */
	int delta;			/* +1 added or activated, -1 deactivated */
};

/* A unit activate / deactivate. */
struct unit_state {
	const char *id;
	int active;			/* what the command wants */
	int changed;			/* out: 0 when it already was */
	char why[ADMIN_WHY_MAX];
};

struct unit_add {
	char id[UUID_STR_LEN + 1];
	int id_given;
	const char *establishment, *unit_type, *number;
	int active;
	char why[ADMIN_WHY_MAX];
};

static const char unit_type_owner_sql[] =
    "SELECT establishment_id FROM unit_types WHERE id = ?";
static const char unit_insert_sql[] =
    "INSERT INTO units (id, establishment_id, unit_type_id, number, active) "
    "VALUES (?, ?, ?, ?, ?)";
static const char unit_set_active_sql[] =
    "UPDATE units SET active = ? WHERE id = ? AND active <> ?";
static const char unit_owner_sql[] =
    "SELECT establishment_id, unit_type_id FROM units WHERE id = ?";
/* A block still covering a night from the business date on. */
static const char unit_block_sql[] =
    "SELECT id, DATE_FORMAT(ooo_from, '%Y-%m-%d') FROM unit_blocks "
    "WHERE unit_id = ? AND (ooo_until IS NULL OR ooo_until > ?) "
    "ORDER BY ooo_from LIMIT 1";

/* The rows of a new unit type, for the horizon its establishment has. */
static int
unit_type_rows(struct db *db, const char *id, const char *establishment,
    char *why, size_t whylen)
{
	int32_t through, business;
	int rc;

	if ((rc = inventory_lock_horizon(db, establishment, &through)) != DB_OK)
		goto done;
	if (through < 0)		/* none yet: the first write makes it */
		goto done;
	if ((rc = establishment_business_date(db, establishment, &business, why,
	    whylen)) != DB_OK)
		goto done;
	rc = inventory_type_added(db, id, business, through);
done:
	return rc;
}

/* ADMIN_REFUSED (why set) when unit has a block from day on, else DB_OK. */
static int
unit_refuse_blocked(struct db *db, const char *unit, int32_t day, char *why,
    size_t whylen)
{
	char day_s[DATE_STR_LEN + 1];
	struct db_rows *rows = NULL;
	int rc;

	date_format(day, day_s);
	if ((rc = db_query(db, unit_block_sql, (struct db_param[]){
	    DB_STR(unit), DB_STR(day_s) }, 2, &rows)) != DB_OK)
		goto done;
	if (rows->nrows > 0) {
		snprintf(why, whylen, "unit %s is out of order from %s (block "
		    "%s): return it to service before deactivating it", unit,
		    db_cell(rows, 0, 1), db_cell(rows, 0, 0));
		rc = ADMIN_REFUSED;
	}
done:
	db_rows_free(rows);
	return rc;
}

/*
 * Moves the type's total by c->delta on its materialised nights from the
 * business date on.  0, ADMIN_REFUSED (why set) or a DB status.
 */
static int
unit_count_change(struct db *db, const struct unit_count *c, char *why,
    size_t whylen)
{
	char night_s[DATE_STR_LEN + 1];
	int32_t through, business, full;
	int rc;

	if ((rc = inventory_lock_horizon(db, c->establishment, &through)) !=
	    DB_OK)
		goto done;
	if ((rc = establishment_business_date(db, c->establishment, &business,
	    why, whylen)) != DB_OK)
		goto done;
	if (c->delta < 0 && (rc = unit_refuse_blocked(db, c->unit, business, why,
	    whylen)) != DB_OK)
		goto done;
	if (through < business)	/* no night from then on has a row */
		goto done;
	rc = inventory_units_changed(db, c->unit_type, business, c->delta,
	    &full);
	if (rc == INVENTORY_SATURATED) {
		date_format(full, night_s);
		snprintf(why, whylen, "unit %s cannot be deactivated: on %s "
		    "every unit of type %s is out of order or committed "
		    "(available would fall below 0)", c->unit,
		    full >= 0 ? night_s : "a night", c->unit_type);
		rc = ADMIN_REFUSED;
	}
done:
	return rc;
}

int
unit_type_add(struct admin *ad)
{
	return coded_add(ad, &unit_type_row);
}

static int
unit_add_tx(struct db *db, void *ctx)
{
	struct unit_add *u = ctx;
	struct db_param owner_p[] = { DB_STR(u->unit_type) };
	struct db_param p[] = {
		DB_STR(u->id), DB_STR(u->establishment), DB_STR(u->unit_type),
		DB_STR(u->number), DB_I64(u->active)
	};
	struct unit_count count = {
		.establishment = u->establishment, .unit_type = u->unit_type,
		.unit = u->id, .delta = 1
	};
	struct db_rows *rows = NULL;
	const char *owner;
	int rc;

	if ((rc = establishment_require(db, u->establishment, u->why,
	    sizeof(u->why))) != DB_OK)
		goto done;
	if ((rc = db_query(db, unit_type_owner_sql, owner_p, 1, &rows)) != DB_OK)
		goto done;
	owner = db_cell(rows, 0, 0);
	if (owner == NULL || strcmp(owner, u->establishment) != 0) {
		if (owner == NULL)
			snprintf(u->why, sizeof(u->why), "unit type %s not found",
			    u->unit_type);
		else
			snprintf(u->why, sizeof(u->why), "unit type %s belongs "
			    "to establishment %s, not %s", u->unit_type, owner,
			    u->establishment);
		rc = ADMIN_REFUSED;
		goto done;
	}
	admin_why_duplicate(u->why, sizeof(u->why), "unit", u->id_given ?
	    u->id : NULL, "number", u->number, u->establishment);
	if ((rc = db_exec(db, unit_insert_sql, p, 5, NULL, NULL)) != DB_OK ||
	    !u->active)
		goto done;
	rc = unit_count_change(db, &count, u->why, sizeof(u->why));
done:
	db_rows_free(rows);
	return rc;
}

int
unit_add(struct admin *ad)
{
	struct unit_add u = { .why = "" };
	int n = 0, rc = ADMIN_EXIT_FAIL;

	if (args_id_or_new(ad, u.id) != 0)
		goto done;
	u.id_given = args_count(ad, "id") > 0;
	u.establishment = args_str(ad, "establishment");
	u.unit_type = args_str(ad, "unit-type");
	u.number = args_str(ad, "number");
	u.active = args_count(ad, "inactive") == 0;
	rc = admin_exit(ad, db_transaction(ad->db, unit_add_tx, &u), u.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", u.id);
		kv_put(&n, "active", u.active ? "1" : "0");
		putchar('\n');
	}
done:
	return rc;
}

/*
 * The unit row first (the row a block write of the unit writes first,
 * schema/011), so a block cannot slip in between the check and the
 * change; then its type's count.
 */
static int
unit_state_tx(struct db *db, void *ctx)
{
	struct unit_state *s = ctx;
	struct unit_count count = { .unit = s->id, .delta = s->active ? 1 : -1 };
	struct db_rows *rows = NULL;
	uint64_t changed = 0;
	int rc;

	s->changed = 0;
	if ((rc = db_exec(db, unit_set_active_sql, (struct db_param[]){
	    DB_I64(s->active), DB_STR(s->id), DB_I64(s->active) }, 3, &changed,
	    NULL)) != DB_OK)
		goto done;
	if ((rc = db_query(db, unit_owner_sql, (struct db_param[]){
	    DB_STR(s->id) }, 1, &rows)) != DB_OK)
		goto done;
	if (rows->nrows == 0) {
		snprintf(s->why, sizeof(s->why), "unit %s not found", s->id);
		rc = ADMIN_REFUSED;
		goto done;
	}
	if ((s->changed = changed > 0) == 0)
		goto done;
	count.establishment = db_cell(rows, 0, 0);
	count.unit_type = db_cell(rows, 0, 1);
	rc = unit_count_change(db, &count, s->why, sizeof(s->why));
done:
	db_rows_free(rows);
	return rc;
}

/* unit activate and unit deactivate: active says which. */
static int
unit_set_active(struct admin *ad, int active)
{
	struct unit_state s = { .id = args_str(ad, "id"), .active = active,
	    .why = "" };
	int n = 0, rc;

	rc = admin_exit(ad, db_transaction(ad->db, unit_state_tx, &s), s.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", s.id);
		kv_put(&n, "active", active ? "1" : "0");
		kv_put(&n, "status", s.changed ? (active ? "activated" :
		    "deactivated") : (active ? "already-active" :
		    "already-inactive"));
		putchar('\n');
	}
	return rc;
}

int
unit_activate(struct admin *ad)
{
	return unit_set_active(ad, 1);
}

int
unit_deactivate(struct admin *ad)
{
	return unit_set_active(ad, 0);
}
