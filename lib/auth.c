/*
 * auth: who is calling, checked before any handler runs.
 *  - PMS: the X-API-Key header is hashed (SHA-256) and looked up with its
 *    scope in one query; the key itself is never stored nor logged.  Every
 *    request reads the database, so a revoked key stops at once.
 *  - AMAGE: the three signature headers of SPEC 3.1.  The client row and
 *    its device restriction come in one query; the HMAC is verified in
 *    constant time (sign.c); POST and DELETE signatures are recorded so a
 *    replay is refused (the primary key does the check atomically).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "db.h"
#include "request.h"
#include "sign.h"
#include "uuid.h"

#define REPLAY_PURGE_EVERY 256

static const char auth_key_sql[] =
    "SELECT k.id, k.role, k.all_establishments, s.establishment_id "
    "FROM api_keys k LEFT JOIN api_key_scopes s ON s.api_key_id = k.id "
    "WHERE k.key_sha256 = ? AND k.revoked_at IS NULL";

static const char *
auth_db_failure(int rc)
{
	return rc == DB_ERR_UNAVAILABLE || rc == DB_ERR_RETRY ?
	    "SERVICE_UNAVAILABLE" : "INTERNAL_ERROR";
}

static const char *
auth_api_key(struct request *rq, enum route_auth kind)
{
	const char *key = request_header(rq, "X-API-Key"), *code = NULL, *est;
	char hash[SIGN_HEX_LEN + 1];
	struct db_rows *rows = NULL;
	struct principal *who = &rq->who;
	int rc, r;

	if (key == NULL || *key == '\0')
		return "UNAUTHENTICATED";
	if (strlen(key) > 256)
		return "UNAUTHENTICATED";
	sign_sha256_hex(key, strlen(key), hash);
	rc = db_query(rq->db, auth_key_sql, (struct db_param[]){ DB_STR(hash) },
	    1, &rows);
	if (rc != DB_OK) {
		code = auth_db_failure(rc);
		goto done;
	}
	if (rows->nrows == 0) {
		code = "UNAUTHENTICATED";
		goto done;
	}
	memset(who, 0, sizeof(*who));
	who->authenticated = 1;
	who->key_id = strtoll(db_cell(rows, 0, 0), NULL, 10);
	who->role = strcmp(db_cell(rows, 0, 1), "manager") == 0 ?
	    ROLE_MANAGER : ROLE_AGENT;
	who->all_establishments = strcmp(db_cell(rows, 0, 2), "1") == 0;
	for (r = 0; r < rows->nrows && who->nscope < SCOPE_MAX; r++)
		if ((est = db_cell(rows, r, 3)) != NULL)
			snprintf(who->scope[who->nscope++], sizeof(who->scope[0]),
			    "%s", est);
	if (kind == AUTH_MANAGER && who->role != ROLE_MANAGER)
		code = "FORBIDDEN";
done:
	db_rows_free(rows);
	return code;
}

int
auth_scope_allows(const struct request *rq, const char *establishment_id)
{
	int i;

	if (!rq->who.authenticated)
		return 0;
	if (rq->who.all_establishments)
		return 1;
	for (i = 0; i < rq->who.nscope; i++)
		if (strcasecmp(rq->who.scope[i], establishment_id) == 0)
			return 1;
	return 0;
}

static const char amage_client_sql[] =
    "SELECT c.id, c.secret, "
    "EXISTS (SELECT 1 FROM amage_client_devices d WHERE d.client_id = c.id), "
    "EXISTS (SELECT 1 FROM amage_client_devices d WHERE d.client_id = c.id "
    "AND d.device_uuid = ?) "
    "FROM amage_clients c WHERE c.api_key = ? AND c.revoked_at IS NULL";

static const char amage_replay_sql[] =
    "INSERT INTO amage_seen_signatures (signature, client_id, seen_at) "
    "VALUES (?, ?, UTC_TIMESTAMP())";

/* Signatures older than twice the skew can no longer verify: forget them. */
static const char amage_replay_purge_sql[] =
    "DELETE FROM amage_seen_signatures "
    "WHERE seen_at < UTC_TIMESTAMP() - INTERVAL 11 MINUTE LIMIT 1000";

static const char *
auth_amage(struct request *rq)
{
	static unsigned purge_counter;
	const char *device = request_header(rq, "device-uuid");
	const char *api_key = request_header(rq, "api-key");
	const char *api_sign = request_header(rq, "api-sign");
	const char *code = NULL;
	char dev[UUID_STR_LEN + 1], v1[SIGN_HEX_LEN + 1];
	struct db_rows *rows = NULL;
	int64_t t, client_id;
	int rc;

	if (device == NULL || api_key == NULL || api_sign == NULL ||
	    *device == '\0' || *api_key == '\0' || *api_sign == '\0')
		return "SIGNATURE_MISSING";
	if (uuid_parse(device, dev) != 0 ||
	    sign_parse_header(api_sign, &t, v1) != 0 || strlen(api_key) > 128)
		return "SIGNATURE_INVALID";
	rc = db_query(rq->db, amage_client_sql,
	    (struct db_param[]){ DB_STR(dev), DB_STR(api_key) }, 2, &rows);
	if (rc != DB_OK) {
		code = auth_db_failure(rc);
		goto done;
	}
	if (rows->nrows == 0) {
		code = "CLIENT_UNKNOWN";
		goto done;
	}
	client_id = strtoll(db_cell(rows, 0, 0), NULL, 10);
	if (strcmp(db_cell(rows, 0, 2), "1") == 0 &&
	    strcmp(db_cell(rows, 0, 3), "1") != 0) {
		code = "DEVICE_NOT_ALLOWED";
		goto done;
	}
	/* Signed over the device header as sent, not its canonical form. */
	switch (sign_verify(api_sign, db_cell(rows, 0, 1), (int64_t)time(NULL),
	    rq->method, rq->request_uri, device, rq->body ? rq->body : "",
	    rq->body_len, v1)) {
	case SIGN_OK:
		break;
	case SIGN_EXPIRED:
		code = "SIGNATURE_EXPIRED";
		goto done;
	default:
		code = "SIGNATURE_INVALID";
		goto done;
	}
	if (strcmp(rq->method, "POST") == 0 || strcmp(rq->method, "DELETE") == 0) {
		rc = db_exec(rq->db, amage_replay_sql,
		    (struct db_param[]){ DB_STR(v1), DB_I64(client_id) }, 2,
		    NULL, NULL);
		if (rc == DB_ERR_DUPLICATE) {
			code = "SIGNATURE_REPLAYED";
			goto done;
		}
		if (rc != DB_OK) {
			code = auth_db_failure(rc);
			goto done;
		}
		if (++purge_counter % REPLAY_PURGE_EVERY == 0)
			(void)db_exec(rq->db, amage_replay_purge_sql, NULL, 0,
			    NULL, NULL);
	}
	memset(&rq->who, 0, sizeof(rq->who));
	rq->who.authenticated = 1;
	rq->who.key_id = client_id;
done:
	db_rows_free(rows);
	return code;
}

const char *
auth_check(struct request *rq, enum route_auth kind)
{
	switch (kind) {
	case AUTH_NONE:
		return NULL;
	case AUTH_AGENT:
	case AUTH_MANAGER:
		return auth_api_key(rq, kind);
	case AUTH_AMAGE:
		return auth_amage(rq);
	}
	return "INTERNAL_ERROR";
}
