/*
 * write: owns the shape every write request shares (see write.h): the
 * Idempotency-Key claim, the family's work, its answer and the key's
 * stored answer in one transaction, and the answer of every way it can
 * fail.  The key is claimed by inserting its row first: a concurrent
 * request with the same key waits on that row, and once the first commits
 * it gets a duplicate key, reads the stored answer and replays it; if the
 * first rolls back, the second claims the key and does the work itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "envelope.h"
#include "request.h"
#include "router.h"
#include "sign.h"
#include "write.h"

#define WRITE_REPLAYED 2	/* internal: the key's first answer was replayed */
#define IDEMPOTENCY_KEY_MAX 255

enum { IDEM_KIND_PMS = 1, IDEM_KIND_AMAGE = 2 };

struct write_state {
	struct request *rq;
	write_apply_fn apply;
	write_answer_fn answer;
	void *ctx;
	struct write_refusal why;
	const char *key;		/* Idempotency-Key, NULL when none */
	int kind;
	char fingerprint[SIGN_HEX_LEN + 1];
};

static const char idem_claim_sql[] =
    "INSERT INTO idempotency_keys (auth_kind, key_id, idem_key, fingerprint, "
    "created_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP())";
/* A row older than a day no longer holds its key (column 3 says so). */
static const char idem_read_sql[] =
    "SELECT fingerprint, status, response, "
    "created_at < UTC_TIMESTAMP() - INTERVAL 1 DAY FROM idempotency_keys "
    "WHERE auth_kind = ? AND key_id = ? AND idem_key = ?";
/* By the primary key alone: with a created_at condition the optimizer
   took ix_idempotency_created and range-scanned it, locking rows of other
   requests' keys (on Galera, stalls of up to 30 s behind them). */
static const char idem_free_sql[] =
    "DELETE FROM idempotency_keys "
    "WHERE auth_kind = ? AND key_id = ? AND idem_key = ?";
static const char idem_store_sql[] =
    "UPDATE idempotency_keys SET status = ?, response = ? "
    "WHERE auth_kind = ? AND key_id = ? AND idem_key = ?";

int
write_refuse(struct write_refusal *why, const char *code, const char *fmt, ...)
{
	va_list ap;

	why->code = code;
	why->message[0] = '\0';
	why->invalid = NULL;	/* the refusal is the code's, not a 400 */
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(why->message, sizeof(why->message), fmt, ap);
		va_end(ap);
	}
	return WRITE_REFUSED;
}

int
write_idempotency_key_valid(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > IDEMPOTENCY_KEY_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (*s < 0x21 || *s > 0x7e)
			return 0;
	return 1;
}

/* What "the same request" means: method, path with query, body.
   0, or -1 when memory ran out. */
static int
write_fingerprint(const struct request *rq, char out[SIGN_HEX_LEN + 1])
{
	char body_hash[SIGN_HEX_LEN + 1], *text;
	size_t len;

	sign_sha256_hex(rq->body != NULL ? rq->body : "", rq->body_len,
	    body_hash);
	len = strlen(rq->method) + strlen(rq->request_uri) + SIGN_HEX_LEN + 3;
	if ((text = malloc(len)) == NULL)
		return -1;
	snprintf(text, len, "%s\n%s\n%s", rq->method, rq->request_uri,
	    body_hash);
	sign_sha256_hex(text, strlen(text), out);
	free(text);
	return 0;
}

/*
 * Claims the key for this transaction, or finds it taken: the same
 * request replays its stored answer (WRITE_REPLAYED), another is refused.
 * The claim comes first: a new key (nearly always) costs one statement
 * and locks its own row only.  A key found taken for over a day is freed
 * and claimed again.
 */
static int
write_idem_claim(struct db *db, struct write_state *w)
{
	struct db_param key[3] = { DB_I64(w->kind),
	    DB_I64(w->rq->who.key_id), DB_STR(w->key) };
	struct db_param claim[4] = { key[0], key[1], key[2],
	    DB_STR(w->fingerprint) };
	struct db_rows *rows = NULL;
	const char *status, *expired;
	int rc;

	rc = db_exec(db, idem_claim_sql, claim, 4, NULL, NULL);
	if (rc != DB_ERR_DUPLICATE)
		return rc;
	if ((rc = db_query(db, idem_read_sql, key, 3, &rows)) != DB_OK)
		return rc;
	if (rows->nrows == 0)
		rc = db_tx_retry(db);	/* expired in between: claim again */
	else if ((expired = db_cell(rows, 0, 3)) != NULL &&
	    strcmp(expired, "1") == 0) {
		if ((rc = db_exec(db, idem_free_sql, key, 3, NULL, NULL)) ==
		    DB_OK)
			rc = db_exec(db, idem_claim_sql, claim, 4, NULL, NULL);
	} else if (strcmp(db_cell(rows, 0, 0), w->fingerprint) != 0)
		rc = write_refuse(&w->why, "IDEMPOTENCY_KEY_REUSED", NULL);
	else if ((status = db_cell(rows, 0, 1)) == NULL ||
	    db_cell(rows, 0, 2) == NULL || atoi(status) < 200)
		rc = db_tx_retry(db);	/* cannot be: committed with its answer */
	else {
		request_respond_raw(w->rq, atoi(status), db_cell(rows, 0, 2),
		    rows->len[2]);
		request_add_header(w->rq, "Idempotent-Replayed", "true");
		rc = WRITE_REPLAYED;
	}
	db_rows_free(rows);
	return rc;
}

static int
write_idem_store(struct db *db, struct write_state *w)
{
	struct request *rq = w->rq;

	return db_exec(db, idem_store_sql, (struct db_param[]){
	    DB_I64(rq->status), DB_STRN(rq->resp_body != NULL ?
	    rq->resp_body : "", rq->resp_len), DB_I64(w->kind),
	    DB_I64(rq->who.key_id), DB_STR(w->key) }, 5, NULL, NULL);
}

static int
write_tx(struct db *db, void *arg)
{
	struct write_state *w = arg;
	int rc;

	memset(&w->why, 0, sizeof(w->why));
	if (w->key != NULL && (rc = write_idem_claim(db, w)) != DB_OK)
		return rc;
	if ((rc = w->apply(db, w->ctx, &w->why)) != 0)
		return rc;
	if ((rc = w->answer(w->rq, w->ctx)) != 0)
		return rc;
	if (w->key != NULL)
		return write_idem_store(db, w);
	return DB_OK;
}

int
write_refuse_invalid(struct write_refusal *why, const struct validation *v)
{
	why->code = "VALIDATION_FAILED";
	why->invalid = v;
	return WRITE_REFUSED;
}

/* The refusal in the family's envelope, with its own message if any. */
int
respond_refusal(struct request *rq, const struct write_refusal *why)
{
	if (why->invalid != NULL)
		return respond_validation(rq, why->invalid);
	const struct message *m = why->code != NULL ?
	    message_find_for(rq->family, why->code) : NULL;

	if (m != NULL && why->message[0] != '\0' && rq->family != NULL &&
	    rq->family->envelope == ENVELOPE_AMAGE)
		return respond_amage_result(rq, m->amage_status, -1, NULL, 0,
		    m->amage_error_code, why->message);
	return respond_error(rq, why->code != NULL ? why->code :
	    "INTERNAL_ERROR");
}

int
write_run(struct request *rq, write_apply_fn apply, write_answer_fn answer,
    void *ctx)
{
	struct write_state w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.rq = rq;
	w.apply = apply;
	w.answer = answer;
	w.ctx = ctx;
	w.key = request_header(rq, "Idempotency-Key");
	if (w.key != NULL) {
		if (!write_idempotency_key_valid(w.key))
			return respond_error(rq, "IDEMPOTENCY_KEY_INVALID");
		w.kind = rq->route != NULL && rq->route->auth == AUTH_AMAGE ?
		    IDEM_KIND_AMAGE : IDEM_KIND_PMS;
		if (write_fingerprint(rq, w.fingerprint) != 0)
			return respond_error(rq, "INTERNAL_ERROR");
	}
	rc = db_transaction(rq->db, write_tx, &w);
	if (rc == DB_OK || rc == WRITE_REPLAYED)
		return 0;	/* answered inside */
	if (rc == WRITE_REFUSED)
		return respond_refusal(rq, &w.why);
	return respond_db_failure(rq, rc);
}

static int
write_statement(struct db *db, void *arg)
{
	struct write_state *w = arg;

	memset(&w->why, 0, sizeof(w->why));
	return w->apply(db, w->ctx, &w->why);
}

int
write_run_statement(struct request *rq, write_apply_fn apply,
    write_answer_fn answer, void *ctx)
{
	struct write_state w;
	int rc;

	if (request_header(rq, "Idempotency-Key") != NULL)
		return write_run(rq, apply, answer, ctx);
	/* The answer first: one that cannot be built leaves nothing
	   written (after the statement, the write is committed). */
	if (answer(rq, ctx) != 0 || rq->status >= 500)
		return respond_error(rq, "INTERNAL_ERROR");
	memset(&w, 0, sizeof(w));
	w.rq = rq;
	w.apply = apply;
	w.ctx = ctx;
	rc = db_autocommit(rq->db, write_statement, &w);
	if (rc == DB_OK)
		return 0;	/* the answer made above */
	if (rc == WRITE_REFUSED)
		return respond_refusal(rq, &w.why);
	return respond_db_failure(rq, rc);
}
