/*
 * pms-admin unit types and units: "unit-type add" (a coded row of an
 * establishment) and "unit add", whose unit type must belong to the same
 * establishment as the unit -- checked in the transaction that inserts.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"

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

static const struct coded_row unit_type_row = {
	.what = "unit type",
	.insert_sql = "INSERT INTO unit_types (id, establishment_id, code, name) "
	    "VALUES (?, ?, ?, ?)",
	.nparams = 4,
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
	rc = db_exec(db, unit_insert_sql, p, 5, NULL, NULL);
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
