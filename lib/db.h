/*
 * db: the worker's one MariaDB connection, opened on first use and kept;
 * prepared statements only (cached per connection, keyed by the SQL text's
 * address, so SQL lives as static const strings next to its caller);
 * reconnect after a lost connection (2006/2013, or 1047 from a Galera
 * node outside the primary component) with re-prepare, to the next node of
 * PMS_DB_HOST's list when the last one fails; a
 * transaction helper that retries the whole transaction on deadlock (1213)
 * and lock wait timeout (1205).
 */
#ifndef PMS_DB_H
#define PMS_DB_H

#include <stddef.h>
#include <stdint.h>

struct config;

enum db_status {
	DB_OK = 0,
	DB_ERR_UNAVAILABLE = -1,	/* cannot connect / connection lost: 503 */
	DB_ERR_RETRY = -2,		/* 1213 / 1205: transaction must be retried */
	DB_ERR_DUPLICATE = -3,		/* 1062 duplicate key */
	DB_ERR_FAILED = -4,		/* anything else: 500, logged */
	DB_ERR_NOMEM = -5,
	DB_ERR_CONSTRAINT = -6,		/* a CHECK (4025) or a foreign key
					   without its parent (1452) refused
					   the statement: the caller judges
					   (not logged); else a 500 */
};

enum db_param_type { DBP_NULL = 0, DBP_STR, DBP_I64, DBP_DOUBLE };

struct db_param {
	enum db_param_type type;
	const char *s;		/* DBP_STR: borrowed */
	size_t len;		/* DBP_STR: length; 0 with s != NULL means strlen(s) */
	int64_t i;
	double d;
};

/* A string parameter; NULL binds SQL NULL. */
static inline struct db_param
db_param_str(const char *s)
{
	struct db_param p = { .type = s != NULL ? DBP_STR : DBP_NULL, .s = s };
	return p;
}

/* Parameter constructors, for compound literals in call sites. */
#define DB_STR(x)	db_param_str(x)
#define DB_STRN(x, n)	((struct db_param){ .type = DBP_STR, .s = (x), .len = (n) })
#define DB_I64(x)	((struct db_param){ .type = DBP_I64, .i = (x) })
#define DB_DOUBLE(x)	((struct db_param){ .type = DBP_DOUBLE, .d = (x) })
#define DB_NULL		((struct db_param){ .type = DBP_NULL })

/* A result set, all values as NUL-terminated strings (NULL for SQL NULL). */
struct db_rows {
	int nrows, ncols;
	char **cell;		/* nrows * ncols, row-major; owned */
	unsigned long *len;	/* lengths, same layout */
};

struct db;

/* A handle for this process; connects lazily.  Owned: free with db_free.
   It keeps cfg (for reconnects): cfg must outlive it. */
struct db *db_new(const struct config *cfg);
void db_free(struct db *db);

/*
 * Connects if not connected: to PMS_DB_SOCKET when set, else to the hosts
 * of cfg in turn, from the one that worked last; a host counts when it
 * accepts the connection and the session statements (and, with several
 * hosts, is not a Galera node outside the primary component).  DB_OK, or
 * DB_ERR_UNAVAILABLE when every host failed (DB_ERR_NOMEM).
 */
int db_ensure(struct db *db);

/*
 * Executes a statement with params.  affected / insert_id may be NULL.
 * Outside a transaction a lost connection is reopened and the statement
 * retried once.
 */
int db_exec(struct db *db, const char *sql, const struct db_param *params,
    int nparams, uint64_t *affected, uint64_t *insert_id);

/* Runs a query; *out is owned by the caller (db_rows_free). */
int db_query(struct db *db, const char *sql, const struct db_param *params,
    int nparams, struct db_rows **out);

void db_rows_free(struct db_rows *rows);

/* Cell accessor: NULL for SQL NULL or out of range. */
static inline const char *
db_cell(const struct db_rows *r, int row, int col)
{
	if (r == NULL || row < 0 || row >= r->nrows || col < 0 || col >= r->ncols)
		return NULL;
	return r->cell[(size_t)row * r->ncols + col];
}

/*
 * Runs fn(db, ctx) inside START TRANSACTION ... COMMIT.  fn returns 0 to
 * commit; anything else rolls back and is returned as is (a DB status fn
 * got from db_*, or a result of its own, e.g. WRITE_REFUSED).
 * Whether an attempt is run again is decided by what the server said, not
 * by fn's number: a deadlock or lock wait timeout (1213, 1205, also at
 * COMMIT, where Galera reports certification conflicts) or a connection
 * lost before COMMIT rolls back and runs fn again, at most DB_TX_ATTEMPTS
 * (DB_TX_ATTEMPTS_GALERA on a Galera node)
 * times with a backoff jittered per process; then DB_ERR_RETRY.  A
 * connection lost during COMMIT is never retried (the outcome is unknown):
 * DB_ERR_UNAVAILABLE.  fn must only write through db and reset its
 * outputs on entry.
 */
#define DB_TX_ATTEMPTS 5
#define DB_TX_ATTEMPTS_GALERA 10	/* on a Galera node (db.c) */
typedef int (*db_tx_fn)(struct db *db, void *ctx);
int db_transaction(struct db *db, db_tx_fn fn, void *ctx);

/*
 * Runs fn(db, ctx) in autocommit, for a write that is one statement (then
 * only reads, e.g. of why it was refused): the statement is its own
 * transaction, without START TRANSACTION and COMMIT round trips.  Retried
 * as db_transaction on a deadlock or lock wait timeout (the statement was
 * rolled back whole), and when the connection was found closed before the
 * statement was sent; a connection lost while it ran is never retried
 * (the outcome is unknown): DB_ERR_UNAVAILABLE.  fn must reset its
 * outputs on entry.
 */
int db_autocommit(struct db *db, db_tx_fn fn, void *ctx);

/* From inside fn: this attempt must be rolled back and run again (e.g. a
   unique key raced by a concurrent first insert).  Returns DB_ERR_RETRY. */
int db_tx_retry(struct db *db);

/* The next backoff jitter (0-4 ms) of this process: seeded per process,
   so that workers retrying the same conflict drift apart. */
unsigned db_jitter_ms(struct db *db);

#ifdef PMS_FAULT_INJECTION
/*
 * Test builds only (make asan defines PMS_FAULT_INJECTION; server.c arms
 * it from the X-Pms-Fault request header around a handler).  spec is
 * "N:kind[,N:kind]...": the Nth database call from now (statements, START
 * TRANSACTION, COMMIT; never ROLLBACK) fails as kind `lost` (connection
 * lost), `deadlock` (1213), `timeout` (1205) or `wsrep` (1047, a Galera
 * node outside the primary component: handled as a lost connection).  -1 on a malformed spec.
 * db_fault_disarm returns how many faults fired.
 */
int db_fault_arm(struct db *db, const char *spec);
int db_fault_disarm(struct db *db);
#endif

/* The last MySQL error number and text (for logs). */
unsigned db_errno(const struct db *db);
const char *db_error(const struct db *db);

#endif
