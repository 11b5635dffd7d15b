/*
 * load_client: the write load of the tests that hurt a stack while it
 * works (test_chaos; tests/cluster/), and what is checked afterwards.
 *
 *  - a target: a scratch establishment of the test's own (3 unit types of
 *    20 units) with one definite allotment (12 rooms of T1 on 30 nights).
 *  - client processes that write, as fast as answers come, blocks on T3
 *    (units), pickups on the allotment (allotments), contract drafts on
 *    T2 and their activation (long-stay contracts) and work orders
 *    (AMAGE).  Every write carries an Idempotency-Key and is sent again
 *    with the same key after a 503 or a transport error, until the
 *    application answers it: 2xx acknowledged, 409 refused, anything
 *    else unexpected.  Each client records its attempts in a file.
 *  - the records read back: attempts, acknowledged ids, failures, each
 *    failure put down to a cause by the test (explain).
 *  - the database's state against them: each acknowledged write stored
 *    exactly once; stored totals; per night, the inventory rows equal to
 *    what blocks, allotments and contracts hold; no allotment night
 *    oversold.
 * Everything lives in the harness pool.
 */
#ifndef PMS_TEST_LOAD_CLIENT_H
#define PMS_TEST_LOAD_CLIENT_H

#include "scratch.h"

#define LOAD_MAX_CLIENTS	32
#define LOAD_MAX_CAUSES		4
#define LOAD_GIVE_UP_AFTER	30.0	/* s after the stop: the write is in doubt */

enum load_kind { LOAD_BLOCK, LOAD_PICKUP, LOAD_DRAFT, LOAD_ACTIVATE,
    LOAD_WORK_ORDER, LOAD_KINDS };
extern const char *const load_kind_name[LOAD_KINDS];

struct load_target {
	struct scratch s;
	const char *allotment;		/* on s.types[0] */
	char tag[40];			/* in every work order's name */
};

/* A new target.  1, or 0 after a recorded failure. */
int load_target_new_at(struct load_target *t, const char *file, int line);
#define LOAD_TARGET_NEW(t)	load_target_new_at((t), __FILE__, __LINE__)

struct load_run;

/*
 * Starts nclients client processes writing to t (a forked client takes
 * its base URL from $PMS_TEST_RACER_URLS when set); their records go to a
 * directory under the stack's var directory.  NULL after a recorded
 * failure (the clients started are stopped then).
 */
struct load_run *load_start(const struct load_target *t, int nclients);
/* Tells the clients to stop and waits for them (a write still failing
   gives up LOAD_GIVE_UP_AFTER s later).  1 when all exited cleanly. */
int load_stop(struct load_run *run);

/* The cause of a failed attempt sent at t0 and answered at t1, as the
   test knows what it did: 1 .. LOAD_MAX_CAUSES - 1, or 0 (unexplained). */
typedef int (*load_explain_fn)(void *ctx, double t0, double t1);

struct load_ack {
	int kind;
	double t0, t1;
	char id[40];
};

struct load_tally {
	long sent, acked[LOAD_KINDS], refused[LOAD_KINDS];
	long failed, by_cause[LOAD_MAX_CAUSES];	/* [0]: unexplained */
	long bad_envelope, unexpected, in_doubt;
	int clients_done;
	struct load_ack *acks;			/* pool */
	long nacks, acks_cap;
};

/*
 * Reads every client's record into ty.  Records a failure (at most 5
 * printed of each) for an unexplained failed attempt, one that was not a
 * 503 in its family's envelope, an answer no valid write may get, and a
 * write still in doubt.
 */
void load_tally_read(const struct load_run *run, load_explain_fn explain,
    void *ctx, struct load_tally *ty);
/* The first acknowledgement sent at or after t, in s after t; -1: none. */
double load_first_ack_after(const struct load_tally *ty, double t);

struct db;

/* The first cell of sql (n <= 2 string parameters a, b) on db as a
   number; -1 when the query failed or gave nothing. */
long load_sql_number(struct db *db, const char *sql, int n, const char *a,
    const char *b);

struct load_state {
	long lost;			/* acked, not stored exactly once */
	long stored[LOAD_KINDS];	/* the target's rows of each kind */
	long nights, wrong, oversold;
};

/*
 * The state of the database db holds for t against ty (db may be any
 * node of a cluster).  1, or 0 after a recorded failure (a query failed).
 * Each acknowledged write not stored exactly once is a failure of its
 * own (at most 5 printed), named after `where`.
 */
int load_state_read(struct db *db, const char *where,
    const struct load_target *t, const struct load_tally *ty,
    struct load_state *st);
/* The checks every such test makes of a state: every write answered, so
   the stored rows are the acknowledged ones; nothing lost; inventory
   equal to the truth; nothing oversold. */
void load_state_check_at(const struct load_state *st,
    const struct load_tally *ty, const char *where, const char *file,
    int line);
#define LOAD_STATE_CHECK(st, ty, where)					\
	load_state_check_at((st), (ty), (where), __FILE__, __LINE__)

#endif
