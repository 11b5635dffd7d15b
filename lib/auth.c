/*
 * auth: who is calling, checked before any handler runs.
 *  - PMS: the X-API-Key header is hashed (SHA-256) and looked up with its
 *    role and scope; the key itself is never stored nor logged.
 *  - AMAGE: the three signature headers of SPEC 3.1.  The client's secret
 *    and device restriction are looked up; the HMAC is verified in constant
 *    time (sign.c); POST and DELETE signatures are recorded so a replay is
 *    refused (the primary key makes the check atomic across workers).
 * Lookups that succeed are kept per worker for AUTH_CACHE_SECONDS, which
 * saves a database round trip on most requests; a revoked key or client
 * therefore stops working within that many seconds.  Unknown keys are not
 * cached (a client guessing keys cannot fill the cache).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "apikey.h"
#include "auth.h"
#include "db.h"
#include "request.h"
#include "sign.h"
#include "uuid.h"

#define AUTH_CACHE_SECONDS 2
#define AUTH_CACHE_SLOTS 16
#define AMAGE_MAX_DEVICES 32
#define REPLAY_PURGE_EVERY 256

/* One cached lookup: what the database said about a key, until expires. */
struct auth_cached_key {
	char sha[SIGN_HEX_LEN + 1];	/* empty: free slot */
	time_t expires;
	struct principal who;
};

struct auth_cached_client {
	char api_key[129];		/* empty: free slot */
	time_t expires;
	int64_t id;
	char secret[257];
	int ndevices;			/* 0: any device */
	char devices[AMAGE_MAX_DEVICES][UUID_STR_LEN + 1];
};

static struct auth_cached_key key_cache[AUTH_CACHE_SLOTS];
static struct auth_cached_client client_cache[AUTH_CACHE_SLOTS];

static time_t
auth_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The slot to fill: a free or expired one, else the one expiring first. */
#define AUTH_VICTIM(cache, field, now, out) do {			\
	size_t i_;							\
	(out) = &(cache)[0];						\
	for (i_ = 0; i_ < AUTH_CACHE_SLOTS; i_++) {			\
		if ((cache)[i_].field[0] == '\0' ||			\
		    (cache)[i_].expires <= (now)) {			\
			(out) = &(cache)[i_];				\
			break;						\
		}							\
		if ((cache)[i_].expires < (out)->expires)		\
			(out) = &(cache)[i_];				\
	}								\
} while (0)

static const char *
auth_db_failure(int rc)
{
	return rc == DB_ERR_UNAVAILABLE || rc == DB_ERR_RETRY ?
	    "SERVICE_UNAVAILABLE" : "INTERNAL_ERROR";
}

static const char auth_key_sql[] =
    "SELECT k.id, k.role, k.all_establishments, s.establishment_id "
    "FROM api_keys k LEFT JOIN api_key_scopes s ON s.api_key_id = k.id "
    "WHERE k.key_sha256 = ? AND k.revoked_at IS NULL";

/* The principal of the key whose SHA-256 is sha: cached or read. */
static const char *
auth_key_lookup(struct request *rq, const char *sha, struct principal *who)
{
	struct auth_cached_key *slot;
	struct db_rows *rows = NULL;
	const char *code = NULL, *est;
	time_t now = auth_now();
	size_t i;
	int rc, r;

	for (i = 0; i < AUTH_CACHE_SLOTS; i++)
		if (key_cache[i].expires > now &&
		    strcmp(key_cache[i].sha, sha) == 0) {
			*who = key_cache[i].who;
			return NULL;
		}
	rc = db_query(rq->db, auth_key_sql, (struct db_param[]){ DB_STR(sha) },
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
	who->role = auth_role_parse(db_cell(rows, 0, 1));
	who->all_establishments = strcmp(db_cell(rows, 0, 2), "1") == 0;
	for (r = 0; r < rows->nrows && who->nscope < SCOPE_MAX; r++)
		if ((est = db_cell(rows, r, 3)) != NULL)
			snprintf(who->scope[who->nscope++], sizeof(who->scope[0]),
			    "%s", est);
	AUTH_VICTIM(key_cache, sha, now, slot);
	memcpy(slot->sha, sha, sizeof(slot->sha));
	slot->expires = now + AUTH_CACHE_SECONDS;
	slot->who = *who;
done:
	db_rows_free(rows);
	return code;
}

static const char *
auth_api_key(struct request *rq, enum route_auth kind)
{
	const char *key = request_header(rq, "X-API-Key"), *code;
	char sha[SIGN_HEX_LEN + 1];

	if (!apikey_well_formed(key))
		return "UNAUTHENTICATED";
	apikey_sha256_hex(key, sha);
	if ((code = auth_key_lookup(rq, sha, &rq->who)) != NULL)
		return code;
	return auth_role_refusal(kind, rq->who.role);
}

enum role
auth_role_parse(const char *s)
{
	return s != NULL && strcmp(s, "manager") == 0 ? ROLE_MANAGER :
	    ROLE_AGENT;
}

const char *
auth_role_refusal(enum route_auth kind, enum role role)
{
	return kind == AUTH_MANAGER && role != ROLE_MANAGER ? "FORBIDDEN" :
	    NULL;
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
    "SELECT c.id, c.secret, d.device_uuid FROM amage_clients c "
    "LEFT JOIN amage_client_devices d ON d.client_id = c.id "
    "WHERE c.api_key = ? AND c.revoked_at IS NULL";

static const char amage_replay_sql[] =
    "INSERT INTO amage_seen_signatures (signature, client_id, seen_at) "
    "VALUES (?, ?, UTC_TIMESTAMP())";

/* Signatures older than twice the skew can no longer verify: forget them. */
static const char amage_replay_purge_sql[] =
    "DELETE FROM amage_seen_signatures "
    "WHERE seen_at < UTC_TIMESTAMP() - INTERVAL 11 MINUTE LIMIT 1000";

struct auth_replay {
	const char *signature;
	int64_t client_id;
};

/* One statement, for db_autocommit: the signature enters the store. */
static int
auth_replay_record(struct db *db, void *arg)
{
	const struct auth_replay *r = arg;

	return db_exec(db, amage_replay_sql, (struct db_param[]){
	    DB_STR(r->signature), DB_I64(r->client_id) }, 2, NULL, NULL);
}

/* The client of api_key: cached or read.  NULL and *out, or a code. */
static const char *
auth_client_lookup(struct request *rq, const char *api_key,
    const struct auth_cached_client **out)
{
	struct auth_cached_client *slot;
	struct db_rows *rows = NULL;
	const char *code = NULL, *dev;
	time_t now = auth_now();
	size_t i;
	int rc, r;

	for (i = 0; i < AUTH_CACHE_SLOTS; i++)
		if (client_cache[i].expires > now &&
		    strcmp(client_cache[i].api_key, api_key) == 0) {
			*out = &client_cache[i];
			return NULL;
		}
	rc = db_query(rq->db, amage_client_sql,
	    (struct db_param[]){ DB_STR(api_key) }, 1, &rows);
	if (rc != DB_OK) {
		code = auth_db_failure(rc);
		goto done;
	}
	if (rows->nrows == 0) {
		code = "CLIENT_UNKNOWN";
		goto done;
	}
	AUTH_VICTIM(client_cache, api_key, now, slot);
	memset(slot, 0, sizeof(*slot));
	snprintf(slot->api_key, sizeof(slot->api_key), "%s", api_key);
	slot->id = strtoll(db_cell(rows, 0, 0), NULL, 10);
	snprintf(slot->secret, sizeof(slot->secret), "%s", db_cell(rows, 0, 1));
	for (r = 0; r < rows->nrows; r++)
		if ((dev = db_cell(rows, r, 2)) != NULL &&
		    slot->ndevices < AMAGE_MAX_DEVICES)
			snprintf(slot->devices[slot->ndevices++],
			    sizeof(slot->devices[0]), "%s", dev);
	slot->expires = now + AUTH_CACHE_SECONDS;
	*out = slot;
done:
	db_rows_free(rows);
	return code;
}

static int
auth_device_allowed(const struct auth_cached_client *c, const char *dev)
{
	int i;

	if (c->ndevices == 0)
		return 1;
	for (i = 0; i < c->ndevices; i++)
		if (strcmp(c->devices[i], dev) == 0)
			return 1;
	return 0;
}

static const char *
auth_amage(struct request *rq)
{
	static unsigned purge_counter;
	const char *device = request_header(rq, "device-uuid");
	const char *api_key = request_header(rq, "api-key");
	const char *api_sign = request_header(rq, "api-sign");
	const struct auth_cached_client *client;
	char dev[UUID_STR_LEN + 1], v1[SIGN_HEX_LEN + 1];
	const char *code;
	int64_t t;
	int rc;

	if (device == NULL || api_key == NULL || api_sign == NULL ||
	    *device == '\0' || *api_key == '\0' || *api_sign == '\0')
		return "SIGNATURE_MISSING";
	if (uuid_parse(device, dev) != 0 ||
	    sign_parse_header(api_sign, &t, v1) != 0 || strlen(api_key) > 128)
		return "SIGNATURE_INVALID";
	if ((code = auth_client_lookup(rq, api_key, &client)) != NULL)
		return code;
	if (!auth_device_allowed(client, dev))
		return "DEVICE_NOT_ALLOWED";
	/* Signed over the device header as sent, not its canonical form. */
	switch (sign_verify(api_sign, client->secret, (int64_t)time(NULL),
	    rq->method, rq->request_uri, device, rq->body ? rq->body : "",
	    rq->body_len, v1)) {
	case SIGN_OK:
		break;
	case SIGN_EXPIRED:
		return "SIGNATURE_EXPIRED";
	default:
		return "SIGNATURE_INVALID";
	}
	if (strcmp(rq->method, "POST") == 0 || strcmp(rq->method, "DELETE") == 0) {
		struct auth_replay replay = { v1, client->id };

		/* Retried on a deadlock: on Galera a replicated purge may
		   brute-force abort it (make test-cluster saw 503s). */
		rc = db_autocommit(rq->db, auth_replay_record, &replay);
		if (rc == DB_ERR_DUPLICATE)
			return "SIGNATURE_REPLAYED";
		if (rc != DB_OK)
			return auth_db_failure(rc);
		if (++purge_counter % REPLAY_PURGE_EVERY == 0)
			(void)db_exec(rq->db, amage_replay_purge_sql, NULL, 0,
			    NULL, NULL);
	}
	memset(&rq->who, 0, sizeof(rq->who));
	rq->who.authenticated = 1;
	rq->who.key_id = client->id;
	return NULL;
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
