/*
 * test_resilience (run last: it disturbs the stack and puts it back):
 *  - a work-orders worker killed with SIGKILL is replaced by its pool
 *    master within 3 s, and requests keep succeeding;
 *  - with the database stopped (scripts/stack.sh db-stop) both envelopes
 *    answer 503 quickly (not a crash, not nginx's 502), and once it is
 *    started again (db-start, always run) every worker answers 200 within
 *    10 s, writes included: the lost connections are reopened;
 *  - SIGTERM to a pool master lets the request in flight finish: the test
 *    holds a work order's row lock on a connection of its own, an edit of
 *    that row is seen waiting for it, the pool is told to stop, and only
 *    once the lock is released does the edit answer 200; then the pool is
 *    started again.
 * Every path is the test stack's ($PMS_TEST_VAR, exported by
 * scripts/test.sh with the stack's ports): the test refuses to run
 * without it, so it never stops or restarts make run's stack.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "harness.h"
#include "stack_procs.h"

#define UNIT_PATH	"/v1/units/" UNIT_PARIS_01
#define COUNT_PATH	WO_BASE "/count"

TEST(killed_work_orders_worker_is_replaced_within_3s_and_requests_succeed)
{
	pid_t before[MAX_CHILDREN], after[MAX_CHILDREN], master, victim;
	int nbefore, nafter = 0, i;
	double deadline;

	REQUIRE(own_stack());
	master = pool_master("work-orders");
	REQUIRE(CHECKF(master > 0 && kill(master, 0) == 0,
	    "no live pool master in %s/run/work-orders.pid", pms_var_dir()));
	nbefore = children_of(master, before, MAX_CHILDREN);
	REQUIRE(CHECKF(nbefore >= 1, "pool master %ld has no workers",
	    (long)master));
	CHECK(AMAGE_COUNT() >= 0);

	victim = before[0];
	REQUIRE(CHECKF(kill(victim, SIGKILL) == 0, "kill %ld: %s",
	    (long)victim, strerror(errno)));

	deadline = now_seconds() + 3.0;
	for (;;) {
		nafter = children_of(master, after, MAX_CHILDREN);
		if ((nafter == nbefore && !pid_in(victim, after, nafter)) ||
		    now_seconds() > deadline)
			break;
		sleep_ms(50);
	}
	CHECKF(!pid_in(victim, after, nafter),
	    "worker %ld is still there after SIGKILL", (long)victim);
	CHECKF(nafter == nbefore, "pool master %ld has %d workers 3 s after "
	    "one was killed, expected %d", (long)master, nafter, nbefore);
	CHECKF(kill(master, 0) == 0, "the pool master %ld died", (long)master);
	CHECKF(pool_master("work-orders") == master,
	    "the pid file changed: the pool was restarted, not repaired");

	/* Enough requests to meet every worker, the new one included. */
	for (i = 0; i < 2 * nbefore + 2; i++)
		CHECK(AMAGE_COUNT() >= 0);
}

TEST(database_outage_gives_503_in_both_envelopes_and_recovers_within_10s)
{
	static const char add_body[] = "{\"name\":\"itest after outage\"}";
	struct http_response *pms, *amage, *add;
	int stop_rc, start_rc, both_ok = 0, i;
	long pms_status, amage_status;
	char *out = NULL;
	double t0, deadline;

	REQUIRE(own_stack());
	/* Healthy first, else the 503s below would prove nothing. */
	REQUIRE(CHECK_STATUS(pms_get(UNIT_PATH, KEY_PARIS_MANAGER), 200));
	REQUIRE(CHECK_STATUS(amage_get(COUNT_PATH), 200));

	stop_rc = stack("db-stop", &out);
	if (CHECKF(stop_rc == 0, "stack.sh db-stop: exit %d: %.500s",
	    stop_rc, out ? out : "")) {
		t0 = now_seconds();
		pms = pms_get(UNIT_PATH, KEY_PARIS_MANAGER);
		CHECKF(now_seconds() - t0 < 10.0, "the PMS answer took %.1f s "
		    "with the database down", now_seconds() - t0);
		CHECK_PMS_ERROR(pms, 503, "SERVICE_UNAVAILABLE");

		t0 = now_seconds();
		amage = amage_get(COUNT_PATH);
		CHECKF(now_seconds() - t0 < 10.0, "the AMAGE answer took "
		    "%.1f s with the database down", now_seconds() - t0);
		CHECK_AMAGE_ERROR(amage, 503, 503);

		add = amage_post(WO_BASE "/add", add_body);
		CHECK_AMAGE_ERROR(add, 503, 503);
	}

	/* Always put the database back, whatever happened above. */
	start_rc = stack("db-start", &out);
	CHECKF(start_rc == 0, "stack.sh db-start: exit %d: %.500s", start_rc,
	    out ? out : "");

	deadline = now_seconds() + 10.0;
	do {
		pms = pms_get(UNIT_PATH, KEY_PARIS_MANAGER);
		amage = amage_get(COUNT_PATH);
		pms_status = pms->status;
		amage_status = amage->status;
		http_response_free(pms);
		http_response_free(amage);
		both_ok = pms_status == 200 && amage_status == 200;
		if (!both_ok)
			sleep_ms(200);
	} while (!both_ok && now_seconds() <= deadline);
	REQUIRE(CHECKF(both_ok, "10 s after db-start the PMS answers %ld and "
	    "AMAGE /count %ld", pms_status, amage_status));

	/* Every worker of both pools must have reopened its connection. */
	for (i = 0; i < 10; i++) {
		CHECK_STATUS(pms_get(UNIT_PATH, KEY_PARIS_MANAGER), 200);
		CHECK_STATUS(amage_get(COUNT_PATH), 200);
	}
	CHECK_AMAGE_OK(amage_post(WO_BASE "/add", add_body));
}

/*
 * The test's own database connection, as root over the stack's socket
 * (root may read information_schema.INNODB_LOCK_WAITS); NULL when the
 * stack's settings are missing.  cfg must outlive the handle.
 */
static struct db *
lock_connection(struct config *cfg)
{
	if (config_load(cfg) != 0 || cfg->db_socket[0] == '\0')
		return NULL;
	snprintf(cfg->db_user, sizeof(cfg->db_user), "root");
	cfg->db_password[0] = '\0';
	return db_new(cfg);
}

/* How many transactions wait for a lock held by this connection's. */
static int
waiting_on_me(struct db *db)
{
	static const char sql[] =
	    "SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS w "
	    "JOIN information_schema.INNODB_TRX t "
	    "ON t.trx_id = w.blocking_trx_id "
	    "WHERE t.trx_mysql_thread_id = CONNECTION_ID()";
	struct db_rows *rows = NULL;
	int n = -1;

	if (db_query(db, sql, NULL, 0, &rows) == DB_OK &&
	    db_cell(rows, 0, 0) != NULL)
		n = atoi(db_cell(rows, 0, 0));
	db_rows_free(rows);
	return n;
}

/* The server's transactions, for a failure message (pool). */
static const char *
transactions(struct db *db)
{
	static const char sql[] =
	    "SELECT CONCAT('me=', CONNECTION_ID(), ' ', IFNULL(GROUP_CONCAT("
	    "CONCAT(trx_mysql_thread_id, ':', trx_state, ':', "
	    "IFNULL(trx_query, '-')) SEPARATOR ' | '), 'none')) "
	    "FROM information_schema.INNODB_TRX";
	struct db_rows *rows = NULL;
	const char *s = "(query failed)";

	if (db_query(db, sql, NULL, 0, &rows) == DB_OK &&
	    db_cell(rows, 0, 0) != NULL)
		s = pool_strdup(db_cell(rows, 0, 0));
	db_rows_free(rows);
	return s;
}

/*
 * A child process that sends one signed edit and writes "<status>\n<body>"
 * to the pipe; its exit status says whether it could (0) or not (1).
 */
static pid_t
edit_in_child(const char *uuid, const char *body, int *rfd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	if ((pid = fork()) != 0) {
		close(fds[1]);
		if (pid < 0)
			close(fds[0]);
		else
			*rfd = fds[0];
		return pid;
	}
	close(fds[0]);
	harness_forked_child();
	{
		struct http_response *r = amage_post(pool_printf(WO_BASE
		    "/edit/%s", uuid), body);
		FILE *f = fdopen(fds[1], "w");

		if (f == NULL || r->status == 0 ||
		    fprintf(f, "%ld\n%s", r->status, r->body) < 0 ||
		    fclose(f) != 0)
			_exit(1);
	}
	_exit(0);
}

/* 1 when fd has something to read (or EOF) within ms. */
static int
readable_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

/* All of fd until EOF (or 20 s), in the pool. */
static char *
read_all(int fd)
{
	char *s = pool_strdup(""), chunk[4096];
	double deadline = now_seconds() + 20.0;
	ssize_t n;

	/* Until EOF: the answer may take a while once the lock is gone. */
	while (now_seconds() < deadline) {
		if (!readable_within(fd, 200))
			continue;
		if ((n = read(fd, chunk, sizeof(chunk) - 1)) <= 0)
			break;
		chunk[n] = '\0';
		s = pool_printf("%s%s", s, chunk);
	}
	return s;
}

TEST(sigterm_lets_the_request_in_flight_finish_then_the_pool_restarts)
{
	static const char edited[] = "itest edited during shutdown";
	struct http_response *a, *g;
	struct config cfg;
	struct db *db = NULL;
	const char *uuid, *id, *answer, *nl;
	pid_t master, editor = -1;
	int rfd = -1, locked = 0, waiting = -1, status;
	cJSON *json;
	char *out = NULL;
	long code;
	double deadline;

	REQUIRE(own_stack());
	master = pool_master("work-orders");
	REQUIRE(CHECKF(master > 0 && kill(master, 0) == 0,
	    "no live pool master in %s/run/work-orders.pid", pms_var_dir()));
	a = amage_post(WO_BASE "/add", pool_printf("{\"name\":\"itest sigterm "
	    "%s\"}", fresh_uuid()));
	REQUIRE(CHECK_AMAGE_OK(a));
	uuid = jstr(a->json, "uuid");
	id = pool_printf("%lld", (long long)jget(a->json, "id")->valuedouble);

	/* The row lock, on a connection that is not a worker's. */
	db = lock_connection(&cfg);
	if (!CHECKF(db != NULL, "no database settings (PMS_DB_SOCKET) for "
	    "the lock connection"))
		goto out;
	if (!CHECKF(db_exec(db, "START TRANSACTION", NULL, 0, NULL, NULL) ==
	    DB_OK, "START TRANSACTION: %s", db_error(db)))
		goto out;
	locked = 1;
	{
		struct db_rows *rows = NULL;
		int rc = db_query(db, "SELECT id FROM work_orders WHERE id = ? "
		    "FOR UPDATE", (struct db_param[]){ DB_STR(id) }, 1, &rows);
		int n = rows != NULL ? rows->nrows : 0;

		db_rows_free(rows);
		if (!CHECKF(rc == DB_OK && n == 1, "SELECT ... FOR UPDATE of "
		    "work order %s: rc %d, %d rows: %s", id, rc, n,
		    db_error(db)))
			goto out;
	}

	editor = edit_in_child(uuid, pool_printf("{\"name\":\"%s\"}", edited),
	    &rfd);
	if (!CHECKF(editor > 0, "fork: %s", strerror(errno)))
		goto out;
	/*
	 * In flight for real: the edit's transaction waits on our lock.
	 * InnoDB serves these tables from a cache it refreshes only when
	 * it was last read over 100 ms ago: polled faster, it never changes.
	 */
	deadline = now_seconds() + 10.0;
	while ((waiting = waiting_on_me(db)) == 0 && now_seconds() < deadline)
		sleep_ms(250);
	if (!CHECKF(waiting >= 1, "no transaction waits on the row lock 10 s "
	    "after the edit was sent (%d); transactions: %s", waiting,
	    transactions(db)))
		goto out;

	if (!CHECKF(kill(master, SIGTERM) == 0, "kill -TERM %ld: %s",
	    (long)master, strerror(errno)))
		goto out;
	/* The pool must wait for it, not drop it. */
	sleep_ms(1000);
	CHECKF(kill(master, 0) == 0, "the pool master %ld left 1 s after "
	    "SIGTERM with a request in flight", (long)master);
	CHECKF(!readable_within(rfd, 0), "the edit was answered while its "
	    "row was still locked");
	CHECKF(waiting_on_me(db) >= 1, "the edit stopped waiting for the "
	    "lock after SIGTERM");

	/* Release the lock: the edit completes, with its answer. */
	CHECKF(db_exec(db, "COMMIT", NULL, 0, NULL, NULL) == DB_OK,
	    "COMMIT: %s", db_error(db));
	locked = 0;
	answer = read_all(rfd);
	CHECKF(waitpid(editor, &status, 0) == editor && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "the editing client failed (status "
	    "0x%x): %s", status, answer);
	editor = -1;
	nl = strchr(answer, '\n');
	code = strtol(answer, NULL, 10);
	CHECKF(code == 200 && nl != NULL, "the edit in flight got %ld: %s",
	    code, answer);
	json = pool_json(cJSON_Parse(nl ? nl + 1 : ""));
	CHECKF(cJSON_IsTrue(jget(json, "success")) &&
	    jstr(json, "uuid") != NULL && strcmp(jstr(json, "uuid"), uuid) == 0,
	    "the edit in flight answered %s", answer);

	deadline = now_seconds() + 10.0;
	while (kill(master, 0) == 0 && now_seconds() < deadline)
		sleep_ms(50);
	CHECKF(kill(master, 0) != 0, "pool master %ld still runs 10 s after "
	    "SIGTERM", (long)master);
out:
	if (locked)
		(void)db_exec(db, "ROLLBACK", NULL, 0, NULL, NULL);
	if (editor > 0) {
		kill(editor, SIGKILL);
		waitpid(editor, &status, 0);
	}
	if (rfd >= 0)
		close(rfd);
	db_free(db);
	/* Put the pool back for whatever runs next, whatever happened. */
	CHECKF(stack("start", &out) == 0, "stack.sh start: %.500s",
	    out ? out : "");
	CHECK(AMAGE_COUNT() >= 0);
	g = amage_get(pool_printf(WO_BASE "/get/by-uuid/%s", uuid));
	CHECK_STATUS(g, 200);
	CHECK_JSON_STR(g->json, "name", edited);
}

static const struct test_case tests[] = {
	TEST_ENTRY(killed_work_orders_worker_is_replaced_within_3s_and_requests_succeed),
	TEST_ENTRY(database_outage_gives_503_in_both_envelopes_and_recovers_within_10s),
	TEST_ENTRY(sigterm_lets_the_request_in_flight_finish_then_the_pool_restarts),
	TEST_END
};


int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
