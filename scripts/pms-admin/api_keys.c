/*
 * pms-admin PMS API keys: "api-key add", "api-key revoke", "api-key list".
 * A key is "pms_" and 64 hex digits (32 bytes from lib's apikey_generate),
 * printed once and stored only as apikey_sha256_hex() of the whole string,
 * the hash auth.c computes from X-API-Key.  Its scope is every
 * establishment (--all) or the --establishment ones, each checked to exist
 * in the transaction that inserts the key; a repeated one counts once.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "admin.h"
#include "apikey.h"

#define API_KEY_PREFIX	"pms_"
#define API_KEY_BYTES	32

/* The repeated option last: see args.c. */
const struct field api_key_add_fields[] = {
	{ .name = "role", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = "agent manager" },
	{ .name = "all", .kind = FIELD_BOOL },
	{ .name = "label", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = ADMIN_NAME_MAX },
	{ .name = "establishment", .kind = FIELD_ARRAY,
	  .item_kind = FIELD_UUID },
	{ .name = NULL }
};

struct api_key_add {
	const struct admin *ad;
	const char *label, *role;
	int all;
	char sha256[SIGN_HEX_LEN + 1];
	uint64_t id;			/* out */
	char why[ADMIN_WHY_MAX];
};

static const char api_key_insert_sql[] =
    "INSERT INTO api_keys (key_sha256, label, role, all_establishments) "
    "VALUES (?, ?, ?, ?)";
static const char api_key_scope_sql[] =
    "INSERT INTO api_key_scopes (api_key_id, establishment_id) VALUES (?, ?)";
static const char api_key_revoke_sql[] =
    "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP "
    "WHERE id = ? AND revoked_at IS NULL";
static const char api_key_revoked_sql[] =
    "SELECT DATE_FORMAT(revoked_at, '%Y-%m-%dT%H:%i:%s') "
    "FROM api_keys WHERE id = ?";
static const char api_key_list_sql[] =
    "SELECT id, label, role, all_establishments, "
    "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s'), "
    "DATE_FORMAT(revoked_at, '%Y-%m-%dT%H:%i:%s') FROM api_keys ORDER BY id";
static const char api_key_scopes_sql[] =
    "SELECT api_key_id, establishment_id FROM api_key_scopes "
    "ORDER BY api_key_id, establishment_id";

static int
api_key_add_tx(struct db *db, void *ctx)
{
	struct api_key_add *k = ctx;
	struct db_param p[] = {
		DB_STR(k->sha256), DB_STR(k->label), DB_STR(k->role),
		DB_I64(k->all)
	};
	struct db_param sp[2];
	int i, n = args_count(k->ad, "establishment"), rc = DB_OK;

	k->id = 0;
	for (i = 0; i < n && rc == DB_OK; i++)
		rc = establishment_require(db,
		    args_str_nth(k->ad, "establishment", i), k->why,
		    sizeof(k->why));
	if (rc != DB_OK)
		goto done;
	/* 256 random bits: a duplicate hash means a broken generator. */
	snprintf(k->why, sizeof(k->why), "the generated key already exists");
	if ((rc = db_exec(db, api_key_insert_sql, p, 4, NULL, &k->id)) != DB_OK)
		goto done;
	for (i = 0; i < n && rc == DB_OK; i++) {
		if (args_seen_before(k->ad, "establishment", i))
			continue;
		sp[0] = DB_I64((int64_t)k->id);
		sp[1] = DB_STR(args_str_nth(k->ad, "establishment", i));
		rc = db_exec(db, api_key_scope_sql, sp, 2, NULL, NULL);
	}
done:
	return rc;
}

/* Either --all or some --establishment, never both, never neither. */
int
api_key_add_check(struct admin *ad)
{
	int rc = 0;

	if ((args_count(ad, "all") > 0) ==
	    (args_count(ad, "establishment") > 0)) {
		admin_warn(ad, "give either --all or at least one --establishment");
		rc = -1;
	}
	return rc;
}

int
api_key_add(struct admin *ad)
{
	struct api_key_add k = { .why = "" };
	char key[APIKEY_STR_LEN(API_KEY_PREFIX, API_KEY_BYTES) + 1];
	int n = 0, rc = ADMIN_EXIT_FAIL;

	k.ad = ad;
	k.label = args_str(ad, "label");
	k.role = args_str(ad, "role");
	k.all = args_count(ad, "all") > 0;
	if (apikey_generate(API_KEY_PREFIX, API_KEY_BYTES, key,
	    sizeof(key)) != 0) {
		admin_warn(ad, "the random generator failed");
		goto done;
	}
	apikey_sha256_hex(key, k.sha256);
	rc = admin_exit(ad, db_transaction(ad->db, api_key_add_tx, &k), k.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put_u64(&n, "id", k.id);
		kv_put(&n, "key", key);
		putchar('\n');
		if (isatty(STDOUT_FILENO))
			fprintf(stderr, "pms-admin: the key is shown only "
			    "once: store it now\n");
	}
done:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
api_key_revoke(struct admin *ad)
{
	struct revocation r = {
		.update_sql = api_key_revoke_sql,
		.select_sql = api_key_revoked_sql,
		.what = "API key",
	};

	return admin_revoke(ad, &r);
}

/* scope=all, scope=<id>,<id>... (uuids need no quoting), or scope=- for none. */
static void
api_key_put_scope(int *n, const struct db_rows *scopes, const char *key_id,
    int all)
{
	int r, m = 0;

	for (r = 0; r < scopes->nrows && !all; r++) {
		if (strcmp(db_cell(scopes, r, 0), key_id) != 0)
			continue;
		if (m++ == 0)
			kv_put(n, "scope", db_cell(scopes, r, 1));
		else
			printf(",%s", db_cell(scopes, r, 1));
	}
	if (all || m == 0)
		kv_put(n, "scope", all ? "all" : NULL);
}

/*
 * Keys first, scopes second: a key and its scopes are committed together
 * and scopes are never removed, so every key read has all its scopes.
 */
int
api_key_list(struct admin *ad)
{
	struct db_rows *keys = NULL, *scopes = NULL;
	int r, n, rc;

	if ((rc = db_query(ad->db, api_key_list_sql, NULL, 0, &keys)) == DB_OK)
		rc = db_query(ad->db, api_key_scopes_sql, NULL, 0, &scopes);
	for (r = 0; rc == DB_OK && r < keys->nrows; r++) {
		n = 0;
		kv_put(&n, "id", db_cell(keys, r, 0));
		kv_put(&n, "label", db_cell(keys, r, 1));
		kv_put(&n, "role", db_cell(keys, r, 2));
		api_key_put_scope(&n, scopes, db_cell(keys, r, 0),
		    strcmp(db_cell(keys, r, 3), "0") != 0);
		kv_put(&n, "created", db_cell(keys, r, 4));
		kv_put(&n, "revoked", db_cell(keys, r, 5));
		putchar('\n');
	}
	db_rows_free(keys);
	db_rows_free(scopes);
	return admin_exit(ad, rc, "");
}
