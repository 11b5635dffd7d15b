/*
 * pms-admin rate plans and guest profiles: "rate-plan add" (a coded row of
 * an establishment with a currency, EUR unless told) and "guest add" (a
 * name and an optional email, checked by lib's valid_email through the
 * FIELD_EMAIL kind).
 */
#include <stdio.h>

#include "admin.h"

const struct field rate_plan_add_fields[] = {
	{ .name = "establishment", .kind = FIELD_UUID, .flags = F_REQUIRED },
	{ .name = "code", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = ADMIN_CODE_MAX },
	{ .name = "name", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = ADMIN_NAME_MAX },
	{ .name = "currency", .kind = FIELD_STRING },
	{ .name = "id", .kind = FIELD_UUID },
	{ .name = NULL }
};

const struct admin_rule rate_plan_add_rules[] = {
	{ "currency", rule_currency },
	{ NULL, NULL }
};

const struct field guest_add_fields[] = {
	{ .name = "establishment", .kind = FIELD_UUID, .flags = F_REQUIRED },
	{ .name = "name", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = ADMIN_NAME_MAX },
	{ .name = "email", .kind = FIELD_EMAIL },
	{ .name = "id", .kind = FIELD_UUID },
	{ .name = NULL }
};

static const struct coded_row rate_plan_row = {
	.what = "rate plan",
	.insert_sql = "INSERT INTO rate_plans "
	    "(id, establishment_id, code, name, currency) VALUES (?, ?, ?, ?, ?)",
	.nparams = 5,
};

struct guest_add {
	char id[UUID_STR_LEN + 1];
	const char *establishment, *name, *email;	/* email may be NULL */
	char why[ADMIN_WHY_MAX];
};

static const char guest_insert_sql[] =
    "INSERT INTO guest_profiles (id, establishment_id, full_name, email) "
    "VALUES (?, ?, ?, ?)";

int
rate_plan_add(struct admin *ad)
{
	return coded_add(ad, &rate_plan_row);
}

static int
guest_add_tx(struct db *db, void *ctx)
{
	struct guest_add *g = ctx;
	struct db_param p[] = {
		DB_STR(g->id), DB_STR(g->establishment), DB_STR(g->name),
		DB_STR(g->email)
	};
	int rc;

	if ((rc = establishment_require(db, g->establishment, g->why,
	    sizeof(g->why))) != DB_OK)
		goto done;
	snprintf(g->why, sizeof(g->why),
	    "a guest profile with id %s already exists", g->id);
	rc = db_exec(db, guest_insert_sql, p, 4, NULL, NULL);
done:
	return rc;
}

int
guest_add(struct admin *ad)
{
	struct guest_add g = { .why = "" };
	int n = 0, rc = ADMIN_EXIT_FAIL;

	if (args_id_or_new(ad, g.id) != 0)
		goto done;
	g.establishment = args_str(ad, "establishment");
	g.name = args_str(ad, "name");
	g.email = args_str(ad, "email");
	rc = admin_exit(ad, db_transaction(ad->db, guest_add_tx, &g), g.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", g.id);
		putchar('\n');
	}
done:
	return rc;
}
