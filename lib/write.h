/*
 * write: the one path of every write request.  A handler checks its input,
 * then hands write_run() two functions: `apply` does the work inside one
 * transaction, `answer` builds the success response.  write_run() owns the
 * rest, the same for every family:
 *  - the transaction, retried on deadlock, lock wait timeout and a
 *    connection lost before COMMIT (db_transaction);
 *  - the Idempotency-Key header of SPEC 2.1: the same key with the same
 *    request (method, path and query, body) by the same API key within
 *    24 h answers the first response again and changes nothing; with
 *    another request, 409 IDEMPOTENCY_KEY_REUSED.  The key row is written
 *    in the write's own transaction, so they commit together;
 *  - the answer of a refusal or a database failure in the family's
 *    envelope.
 *
 * Result convention (lib/ and handlers alike): lib functions return 0 or a
 * negative status of their module (DB_ERR_*, JSON_ERR_*, ...); a handler
 * returns 0 once it has answered; `apply` returns 0 to commit,
 * WRITE_REFUSED after write_refuse() named a catalogue code, or the
 * negative DB status it got from db_*.
 */
#ifndef PMS_WRITE_H
#define PMS_WRITE_H

struct db;
struct request;
struct validation;

#define WRITE_REFUSED 1		/* apply: roll back, answer the refusal */

/* Why a write was refused: a catalogue code and, optionally, a message
   replacing the catalogue's text (AMAGE names the missing record). */
struct write_refusal {
	const char *code;
	char message[200];
	/* Set by write_refuse_invalid: answered as the 400 of these issues
	   (a rule only the write itself could judge); owned by the caller. */
	const struct validation *invalid;
};

/*
 * A refusal found inside the write that is a bad request: answered as
 * 400 VALIDATION_FAILED listing v's issues (v must outlive write_run).
 * Returns WRITE_REFUSED.
 */
int write_refuse_invalid(struct write_refusal *why,
    const struct validation *v);

/* Sets why and returns WRITE_REFUSED; fmt NULL keeps the catalogue text. */
int write_refuse(struct write_refusal *why, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * apply runs in the transaction, possibly several times: it must reset its
 * outputs on entry.  answer runs after apply succeeded, still inside the
 * transaction (so the answer can be stored with an Idempotency-Key); it
 * must build the response with request_respond_* and return 0.
 */
typedef int (*write_apply_fn)(struct db *db, void *ctx,
    struct write_refusal *why);
typedef int (*write_answer_fn)(struct request *rq, void *ctx);

/* Runs the write and answers it, whatever happens.  Returns 0. */
int write_run(struct request *rq, write_apply_fn apply,
    write_answer_fn answer, void *ctx);

/*
 * write_run for a write that is one statement: apply sends exactly one
 * write (then only reads, e.g. of why it was refused).  Without an
 * Idempotency-Key the statement runs in autocommit (db_autocommit), as
 * its own transaction: one round trip instead of three.  So answer runs
 * first, before apply, and must not depend on what apply finds; a refusal
 * or failure replaces it.  With a key, exactly write_run.  Returns 0.
 */
int write_run_statement(struct request *rq, write_apply_fn apply,
    write_answer_fn answer, void *ctx);
/* Answers a refusal in the family's envelope (also before any write). */
int respond_refusal(struct request *rq, const struct write_refusal *why);

/* 1 when s is a well-formed Idempotency-Key (1 to 255 visible ASCII). */
int write_idempotency_key_valid(const char *s);

#endif
