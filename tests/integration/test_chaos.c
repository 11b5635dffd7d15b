/*
 * test_chaos (run last, after test_resilience): writes of every family
 * under load while the stack is hurt, and nothing lost or oversold.
 *
 *  - CHAOS_CLIENTS (8) client processes write, as fast as answers come,
 *    to a scratch establishment of the test's own: out-of-service blocks
 *    (units), pickups on one definite allotment (allotments), contract
 *    drafts and their activation (long-stay contracts), work orders
 *    (AMAGE).  Every write carries an Idempotency-Key and is sent again
 *    with the same key after a 503 or a transport error, until the
 *    application answers it: 2xx acknowledged, 409 refused.  Any other
 *    answer is a failure.
 *  - meanwhile the test, in phases a second apart: SIGKILL of a random
 *    worker of a random pool every CHAOS_KILL_EVERY_MS (300) for
 *    CHAOS_KILL_SECONDS (8), each to be replaced within 1 s; MariaDB
 *    stopped (scripts/stack.sh db-stop) for 2 s and started again, 2xx
 *    again within 5 s; nginx reloaded 3 times (stack.sh nginx-reload).
 *  - a failed attempt must be explained: in flight when a worker was
 *    killed, or sent while the database was down (up to 5 s after it was
 *    back); and it must be a 503 in the family's envelope.  Nothing may
 *    fail while nginx reloads.
 *  - afterwards, by SQL: every acknowledged write is stored exactly once
 *    and nothing else was stored (each write was answered in the end);
 *    each night's inventory row equals what the blocks, allotments and
 *    contracts hold; no allotment night is oversold.
 * The figures are printed as "# chaos:" lines (the note quotes
 * them).  CHAOS_CLIENTS, CHAOS_KILL_SECONDS and CHAOS_KILL_EVERY_MS make
 * a longer run by hand.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "load_client.h"
#include "stack_procs.h"

#define MAX_KILLS	1024
#define REPLACED_WITHIN	1.0	/* s: a killed worker's replacement */
#define DB_BACK_WITHIN	5.0	/* s: 2xx again after db-start */

static const char *const families[] = { "units", "allotments",
    "long-stay-contracts", "work-orders" };
#define NFAMILIES	((int)(sizeof(families) / sizeof(families[0])))

static int
env_int(const char *name, int def, int lo, int hi)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || v[0] == '\0')
		return def;
	n = strtol(v, &end, 10);
	return *end == '\0' && n >= lo && n <= hi ? (int)n : def;
}

/* ---- the disturbances ------------------------------------------------------ */

struct timeline {
	double started;			/* the load began */
	/* From kill() to the victim gone (its fds closed): a request handed
	   to it meanwhile, over a kept connection too, dies with it. */
	double kills[MAX_KILLS], gone[MAX_KILLS];
	int nkills;
	double slowest_replacement;	/* s */
	int not_replaced;		/* kills not repaired within 1 s */
	/* Two outages: db-stop (a clean shutdown), db-kill (a crash). */
	double db_down_from[2], db_up_at[2];
	int db_restarts;
	double reload_from, reload_to;
	int reloads;
	long failed_during_reload;
};

/* The workers of each pool now, to compare with after a kill. */
static int
pool_sizes(pid_t *masters, int *sizes)
{
	pid_t kids[MAX_CHILDREN];
	int f;

	for (f = 0; f < NFAMILIES; f++) {
		masters[f] = pool_master(families[f]);
		if (masters[f] <= 0)
			return CHECKF(0, "no pool master for %s", families[f]);
		sizes[f] = children_of(masters[f], kids, MAX_CHILDREN);
		if (sizes[f] < 1)
			return CHECKF(0, "pool %s has no worker", families[f]);
	}
	return 1;
}

/*
 * SIGKILL of a random worker of a random pool every `every` ms for
 * `seconds`; after each, the time until its pool is whole again.
 */
static void
kill_workers(struct timeline *tl, int seconds, int every, unsigned *seed)
{
	pid_t masters[NFAMILIES], kids[MAX_CHILDREN], victim;
	int sizes[NFAMILIES], f, n;
	double end, next, t, back;

	if (!pool_sizes(masters, sizes))
		return;
	end = now_seconds() + seconds;
	for (next = now_seconds(); next < end && tl->nkills < MAX_KILLS;
	    next += every / 1000.0) {
		while (now_seconds() < next)
			sleep_ms(5);
		f = (int)(rand_r(seed) % NFAMILIES);
		n = children_of(masters[f], kids, MAX_CHILDREN);
		if (n < 1)
			continue;
		victim = kids[rand_r(seed) % (unsigned)n];
		t = now_seconds();
		if (kill(victim, SIGKILL) != 0) {
			FAIL("kill %ld: %s", (long)victim, strerror(errno));
			continue;
		}
		tl->kills[tl->nkills] = t;
		tl->gone[tl->nkills] = 0;
		do {
			sleep_ms(1);
			n = children_of(masters[f], kids, MAX_CHILDREN);
			back = now_seconds() - t;
			if (tl->gone[tl->nkills] == 0 && !pid_in(victim, kids, n))
				tl->gone[tl->nkills] = now_seconds();
		} while ((n != sizes[f] || pid_in(victim, kids, n)) &&
		    back < 3.0);
		if (tl->gone[tl->nkills] == 0)
			tl->gone[tl->nkills] = now_seconds();
		tl->nkills++;
		if (back > tl->slowest_replacement)
			tl->slowest_replacement = back;
		if (back > REPLACED_WITHIN)
			tl->not_replaced++;
	}
	CHECKF(tl->not_replaced == 0, "%d of %d killed workers were not "
	    "replaced within %.0f s (slowest %.2f s)", tl->not_replaced,
	    tl->nkills, REPLACED_WITHIN, tl->slowest_replacement);
	for (f = 0; f < NFAMILIES; f++)
		CHECKF(pool_master(families[f]) == masters[f] &&
		    kill(masters[f], 0) == 0, "the %s pool master changed or "
		    "died", families[f]);
}

/* verb (db-stop, db-kill), 2 s down, db-start. */
static void
restart_database(struct timeline *tl, const char *verb)
{
	int i = tl->db_restarts;
	char *out = NULL;
	int rc;

	if (i >= 2)
		return;
	tl->db_down_from[i] = now_seconds();
	rc = stack(verb, &out);
	CHECKF(rc == 0, "stack.sh %s: exit %d: %.500s", verb, rc,
	    out ? out : "");
	sleep_ms(2000);
	/* Always started again, whatever happened above. */
	rc = stack("db-start", &out);
	tl->db_up_at[i] = now_seconds();
	tl->db_restarts++;
	CHECKF(rc == 0, "stack.sh db-start: exit %d: %.500s", rc,
	    out ? out : "");
}

static void
reload_nginx(struct timeline *tl, int times)
{
	char *out = NULL;
	int i, rc;

	tl->reload_from = now_seconds();
	for (i = 0; i < times; i++) {
		rc = stack("nginx-reload", &out);
		CHECKF(rc == 0, "stack.sh nginx-reload: exit %d: %.500s", rc,
		    out ? out : "");
		tl->reloads++;
		sleep_ms(1000);
	}
	tl->reload_to = now_seconds();
}

/* ---- what the clients recorded ----------------------------------------- */

/*
 * A failed attempt's cause: 1 a dying worker, 2 the database down, else
 * 0 (unexplained; during an nginx reload counted as such too).
 */
static int
explained(void *ctx, double t0, double t1)
{
	struct timeline *tl = ctx;
	int i;

	if (tl->reloads > 0 && t1 >= tl->reload_from && t0 <= tl->reload_to)
		tl->failed_during_reload++;
	for (i = 0; i < tl->nkills; i++)
		if (t0 <= tl->gone[i] && tl->kills[i] <= t1)
			return 1;
	for (i = 0; i < tl->db_restarts; i++)
		if (t1 >= tl->db_down_from[i] &&
		    t0 <= tl->db_up_at[i] + DB_BACK_WITHIN)
			return 2;
	return 0;
}

static void
print_figures(const struct timeline *tl, const struct load_tally *ty,
    const struct load_state *st, const double *db_back)
{
	long acked = 0, refused = 0;
	int k;

	for (k = 0; k < LOAD_KINDS; k++) {
		acked += ty->acked[k];
		refused += ty->refused[k];
	}
	printf("# chaos: %ld requests sent, %ld writes acknowledged, %ld "
	    "refused (409), %ld failed attempts retried (%ld with a worker "
	    "dying, %ld with the database down)\n", ty->sent, acked, refused,
	    ty->failed, ty->by_cause[1], ty->by_cause[2]);
	for (k = 0; k < LOAD_KINDS; k++)
		printf("# chaos:   %-10s %6ld acknowledged %6ld refused\n",
		    load_kind_name[k], ty->acked[k], ty->refused[k]);
	printf("# chaos: %d workers killed (slowest replacement %.0f ms), %d "
	    "database restarts (stopped, then killed; 2xx again %.2f s and "
	    "%.2f s after db-start), %d nginx reloads (%ld attempts failed "
	    "meanwhile)\n", tl->nkills, tl->slowest_replacement * 1000,
	    tl->db_restarts, db_back[0], db_back[1], tl->reloads,
	    tl->failed_during_reload);
	printf("# chaos: lost %ld, in doubt %ld, unexplained failures %ld, "
	    "inventory nights checked %ld, wrong %ld, oversold allotment "
	    "nights %ld\n", st->lost, ty->in_doubt, ty->by_cause[0],
	    st->nights, st->wrong, st->oversold);
}

TEST(writes_of_every_family_survive_killed_workers_a_database_stop_and_crash_and_nginx_reloads)
{
	static struct load_target t;
	static struct timeline tl;
	struct load_tally ty;
	struct load_state st;
	struct load_run *run;
	int nclients = env_int("CHAOS_CLIENTS", 8, 1, LOAD_MAX_CLIENTS);
	int seconds = env_int("CHAOS_KILL_SECONDS", 8, 1, 3600);
	int every = env_int("CHAOS_KILL_EVERY_MS", 300, 50, 60000);
	unsigned seed = (unsigned)getpid();
	double db_back[2] = { -1, -1 };
	int i;

	REQUIRE(own_stack());
	memset(&tl, 0, sizeof(tl));
	REQUIRE(LOAD_TARGET_NEW(&t));
	tl.started = now_seconds();
	REQUIRE((run = load_start(&t, nclients)) != NULL);
	sleep_ms(1000);
	kill_workers(&tl, seconds, every, &seed);
	sleep_ms(1000);
	restart_database(&tl, "db-stop");
	sleep_ms(1000 + (int)(DB_BACK_WITHIN * 1000));
	restart_database(&tl, "db-kill");
	sleep_ms(1000 + (int)(DB_BACK_WITHIN * 1000));
	reload_nginx(&tl, 3);
	sleep_ms(500);
	REQUIRE(load_stop(run));

	load_tally_read(run, explained, &tl, &ty);
	CHECK_INT(2, tl.db_restarts);
	for (i = 0; i < tl.db_restarts; i++) {
		db_back[i] = load_first_ack_after(&ty, tl.db_up_at[i]);
		CHECKF(db_back[i] >= 0 && db_back[i] <= DB_BACK_WITHIN,
		    "outage %d: no write acknowledged within %.0f s of "
		    "db-start (first after %.2f s)", i + 1, DB_BACK_WITHIN,
		    db_back[i]);
	}
	CHECKF(tl.failed_during_reload == 0, "%ld attempts failed while "
	    "nginx reloaded", tl.failed_during_reload);
	if (load_state_read(HARNESS_DB(), "the database", &t, &ty, &st))
		LOAD_STATE_CHECK(&st, &ty, "the database");
	print_figures(&tl, &ty, &st, db_back);
}

static const struct test_case tests[] = {
	TEST_ENTRY(writes_of_every_family_survive_killed_workers_a_database_stop_and_crash_and_nginx_reloads),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
