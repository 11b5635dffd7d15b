/*
 * pms-admin revocations: "api-key revoke" and "amage-client revoke" share
 * one shape -- set revoked_at once, then read it back -- so revoking twice
 * is not an error: the first revocation time is kept and reported as
 * status=already-revoked.  An unknown id is refused.  Each table brings
 * its two statements in struct revocation.
 */
#include <stdio.h>
#include <stdlib.h>

#include "admin.h"

const struct field revoke_fields[] = {
	{ .name = "id", .kind = FIELD_STRING, .flags = F_REQUIRED },
	{ .name = NULL }
};

const struct admin_rule revoke_rules[] = {
	{ "id", rule_id },
	{ NULL, NULL }
};

static int
revoke_tx(struct db *db, void *ctx)
{
	struct revocation *r = ctx;
	struct db_param p[] = { DB_I64(r->id) };
	struct db_rows *rows = NULL;
	uint64_t affected = 0;
	int rc;

	r->changed = 0;
	r->revoked_at[0] = '\0';
	if ((rc = db_exec(db, r->update_sql, p, 1, &affected, NULL)) != DB_OK)
		goto done;
	r->changed = affected > 0;
	if ((rc = db_query(db, r->select_sql, p, 1, &rows)) != DB_OK)
		goto done;
	if (rows->nrows == 0) {
		snprintf(r->why, sizeof(r->why), "%s %lld not found", r->what,
		    (long long)r->id);
		rc = ADMIN_REFUSED;
		goto done;
	}
	snprintf(r->revoked_at, sizeof(r->revoked_at), "%s",
	    db_cell(rows, 0, 0) != NULL ? db_cell(rows, 0, 0) : "");
done:
	db_rows_free(rows);
	return rc;
}

int
admin_revoke(struct admin *ad, struct revocation *r)
{
	int n = 0, rc;

	/* rule_id let only 1 to 18 digits through. */
	r->id = strtoll(args_str(ad, "id"), NULL, 10);
	rc = admin_exit(ad, db_transaction(ad->db, revoke_tx, r), r->why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", args_str(ad, "id"));
		kv_put(&n, "revoked-at", r->revoked_at);
		kv_put(&n, "status", r->changed ? "revoked" : "already-revoked");
		putchar('\n');
	}
	return rc;
}
