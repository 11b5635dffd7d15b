/*
 * pms-admin AMAGE: "amage-client add" / "amage-client revoke" (the signing
 * clients of SPEC 3.1) and "amage-ref add" (the referenced objects work
 * orders name).  A client's api-key is "amg_" and 32 hex digits, its secret
 * 64 hex digits, both from lib's apikey_generate and printed once; the
 * secret is stored as is, since the server needs it for the HMAC.  With
 * --device the client may sign only from those uuids.  amage-ref add is
 * idempotent: created, exists, or renamed when --name differs.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "admin.h"
#include "apikey.h"

#define AMAGE_KEY_PREFIX	"amg_"
#define AMAGE_KEY_BYTES		16
#define AMAGE_SECRET_BYTES	32

/* The repeated option last: see args.c. */
const struct field amage_client_add_fields[] = {
	{ .name = "name", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = ADMIN_NAME_MAX },
	{ .name = "device", .kind = FIELD_ARRAY, .item_kind = FIELD_UUID },
	{ .name = NULL }
};

const struct field amage_ref_add_fields[] = {
	{ .name = "kind", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = ADMIN_REF_KINDS },
	{ .name = "uuid", .kind = FIELD_UUID, .flags = F_REQUIRED },
	{ .name = "name", .kind = FIELD_STRING,
	  .min = 1, .max = ADMIN_REF_NAME_MAX },
	{ .name = NULL }
};

struct amage_client_add {
	const struct admin *ad;
	const char *name, *api_key, *secret;
	uint64_t id;			/* out */
	char why[ADMIN_WHY_MAX];
};

struct amage_ref_add {
	const char *kind, *uuid, *name;	/* name NULL: keep, or '' when new */
	const char *status;		/* out: created, renamed, exists */
	char why[ADMIN_WHY_MAX];
};

static const char amage_client_insert_sql[] =
    "INSERT INTO amage_clients (api_key, secret, name) VALUES (?, ?, ?)";
static const char amage_client_device_sql[] =
    "INSERT INTO amage_client_devices (client_id, device_uuid) VALUES (?, ?)";
static const char amage_client_revoke_sql[] =
    "UPDATE amage_clients SET revoked_at = CURRENT_TIMESTAMP "
    "WHERE id = ? AND revoked_at IS NULL";
static const char amage_client_revoked_sql[] =
    "SELECT DATE_FORMAT(revoked_at, '%Y-%m-%dT%H:%i:%s') "
    "FROM amage_clients WHERE id = ?";
static const char amage_ref_find_sql[] =
    "SELECT name FROM amage_references WHERE kind = ? AND uuid = ? FOR UPDATE";
static const char amage_ref_insert_sql[] =
    "INSERT INTO amage_references (kind, uuid, name) VALUES (?, ?, ?)";
static const char amage_ref_rename_sql[] =
    "UPDATE amage_references SET name = ? WHERE kind = ? AND uuid = ?";

static int
amage_client_add_tx(struct db *db, void *ctx)
{
	struct amage_client_add *c = ctx;
	struct db_param p[] = {
		DB_STR(c->api_key), DB_STR(c->secret), DB_STR(c->name)
	};
	struct db_param dp[2];
	int i, n = args_count(c->ad, "device"), rc;

	c->id = 0;
	snprintf(c->why, sizeof(c->why), "the generated api-key already exists");
	if ((rc = db_exec(db, amage_client_insert_sql, p, 3, NULL, &c->id))
	    != DB_OK)
		goto done;
	for (i = 0; i < n && rc == DB_OK; i++) {
		if (args_seen_before(c->ad, "device", i))
			continue;
		dp[0] = DB_I64((int64_t)c->id);
		dp[1] = DB_STR(args_str_nth(c->ad, "device", i));
		rc = db_exec(db, amage_client_device_sql, dp, 2, NULL, NULL);
	}
done:
	return rc;
}

int
amage_client_add(struct admin *ad)
{
	struct amage_client_add c = { .why = "" };
	char key[APIKEY_STR_LEN(AMAGE_KEY_PREFIX, AMAGE_KEY_BYTES) + 1];
	char secret[APIKEY_STR_LEN("", AMAGE_SECRET_BYTES) + 1];
	int n = 0, rc = ADMIN_EXIT_FAIL;

	if (apikey_generate(AMAGE_KEY_PREFIX, AMAGE_KEY_BYTES, key,
	    sizeof(key)) != 0 || apikey_generate("", AMAGE_SECRET_BYTES,
	    secret, sizeof(secret)) != 0) {
		admin_warn(ad, "the random generator failed");
		goto done;
	}
	c.ad = ad;
	c.name = args_str(ad, "name");
	c.api_key = key;
	c.secret = secret;
	rc = admin_exit(ad, db_transaction(ad->db, amage_client_add_tx, &c),
	    c.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put_u64(&n, "id", c.id);
		kv_put(&n, "api-key", key);
		kv_put(&n, "secret", secret);
		putchar('\n');
	}
done:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(secret, sizeof(secret));
	return rc;
}

int
amage_client_revoke(struct admin *ad)
{
	struct revocation r = {
		.update_sql = amage_client_revoke_sql,
		.select_sql = amage_client_revoked_sql,
		.what = "AMAGE client",
	};

	return admin_revoke(ad, &r);
}

/* Idempotent: an existing kind+uuid is fine; a given --name is applied. */
static int
amage_ref_add_tx(struct db *db, void *ctx)
{
	struct amage_ref_add *r = ctx;
	struct db_param find_p[] = { DB_STR(r->kind), DB_STR(r->uuid) };
	struct db_param insert_p[] = {
		DB_STR(r->kind), DB_STR(r->uuid),
		DB_STR(r->name != NULL ? r->name : "")
	};
	struct db_param rename_p[] = {
		DB_STR(r->name), DB_STR(r->kind), DB_STR(r->uuid)
	};
	struct db_rows *rows = NULL;
	const char *old;
	int rc;

	r->status = "exists";
	if ((rc = db_query(db, amage_ref_find_sql, find_p, 2, &rows)) != DB_OK)
		goto done;
	if (rows->nrows == 0) {
		rc = db_exec(db, amage_ref_insert_sql, insert_p, 3, NULL, NULL);
		/* Inserted meanwhile by someone else: run again, it exists now. */
		if (rc == DB_ERR_DUPLICATE)
			rc = DB_ERR_RETRY;
		else if (rc == DB_OK)
			r->status = "created";
		goto done;
	}
	old = db_cell(rows, 0, 0);
	if (r->name != NULL && (old == NULL || strcmp(old, r->name) != 0)) {
		rc = db_exec(db, amage_ref_rename_sql, rename_p, 3, NULL, NULL);
		r->status = "renamed";
	}
done:
	db_rows_free(rows);
	return rc;
}

int
amage_ref_add(struct admin *ad)
{
	struct amage_ref_add r = { .why = "" };
	int n = 0, rc;

	r.kind = args_str(ad, "kind");
	r.uuid = args_str(ad, "uuid");
	r.name = args_str(ad, "name");
	rc = admin_exit(ad, db_transaction(ad->db, amage_ref_add_tx, &r), r.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "kind", r.kind);
		kv_put(&n, "uuid", r.uuid);
		kv_put(&n, "status", r.status);
		putchar('\n');
	}
	return rc;
}
