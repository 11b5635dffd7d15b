/*
 * Unit tests of lib/db.c's transaction helper against the test database
 * (scripts/test.sh exports the test stack's pms.env; without it every
 * test fails).
 * Regression tests of the findings: a callback's own result is never taken
 * for a database error (retries follow what the server said); a callback
 * that swallows a deadlock cannot commit half a write; a connection lost
 * at COMMIT is not run again; the backoff jitter differs between worker
 * processes.  Failover over a PMS_DB_HOST list (TCP to the same database,
 * behind a dead entry): a dead first host is passed over, a list of dead
 * hosts fails at once, a silent one costs one 2 s connect timeout, a
 * connection whose node dies is reopened on the next node, and 1047 (a
 * Galera node outside the primary component) is left like a lost
 * connection.  Faults are injected with db_fault_arm (test builds).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"

#ifndef PMS_FAULT_INJECTION
#error "test_db needs the test build (-DPMS_FAULT_INJECTION)"
#endif

struct fixture {
	struct config cfg;
	struct db *db;
};

/* A table of this test's own, emptied before each test. */
static const char scratch_create_sql[] =
    "CREATE TABLE IF NOT EXISTS test_db_scratch (id INT NOT NULL "
    "AUTO_INCREMENT PRIMARY KEY, tag VARCHAR(32) NOT NULL) ENGINE=InnoDB";
static const char scratch_clear_sql[] = "DELETE FROM test_db_scratch";
static const char scratch_insert_sql[] =
    "INSERT INTO test_db_scratch (tag) VALUES (?)";
static const char scratch_count_sql[] =
    "SELECT COUNT(*) FROM test_db_scratch";

/*
 * The table, made as root over the stack's socket: user pms may not
 * create tables (scripts/stack.sh grants it rows only).
 */
static void
scratch_table_create(const struct config *cfg)
{
	struct config root = *cfg;
	struct db *db;

	assert_true(root.db_socket[0] != '\0');
	snprintf(root.db_user, sizeof(root.db_user), "root");
	root.db_password[0] = '\0';
	assert_non_null(db = db_new(&root));
	assert_int_equal(db_exec(db, scratch_create_sql, NULL, 0, NULL, NULL),
	    DB_OK);
	db_free(db);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	*state = fx;
	if (getenv("PMS_DB_SOCKET") == NULL && getenv("PMS_DB_NAME") == NULL)
		fail_msg("no PMS_DB_SOCKET / PMS_DB_NAME: run through make test "
		    "(scripts/test.sh exports the test stack's pms.env)");
	assert_int_equal(config_load(&fx->cfg), 0);
	scratch_table_create(&fx->cfg);
	assert_non_null(fx->db = db_new(&fx->cfg));
	assert_int_equal(db_exec(fx->db, scratch_clear_sql, NULL, 0, NULL,
	    NULL), DB_OK);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->db != NULL) {
		(void)db_fault_disarm(fx->db);
		(void)db_exec(fx->db, scratch_clear_sql, NULL, 0, NULL, NULL);
		db_free(fx->db);
	}
	free(fx);
	return 0;
}

static long
scratch_count(struct db *db)
{
	struct db_rows *rows = NULL;
	long n;

	assert_int_equal(db_query(db, scratch_count_sql, NULL, 0, &rows), DB_OK);
	n = atol(db_cell(rows, 0, 0));
	db_rows_free(rows);
	return n;
}

/* What a transaction body did, and what it returns. */
struct body {
	int calls;
	int insert_rc[8];	/* per call: the first insert's status */
	int swallow;		/* return 0 whatever the inserts said */
	int result;		/* returned when not swallowing and all went well */
};

/* Two inserts; the fault plan decides which one fails. */
static int
body_two_inserts(struct db *db, void *arg)
{
	struct body *b = arg;
	int rc;

	rc = db_exec(db, scratch_insert_sql, (struct db_param[]){
	    DB_STR("first") }, 1, NULL, NULL);
	if (b->calls < 8)
		b->insert_rc[b->calls] = rc;
	b->calls++;
	/* A swallowing body goes on as if nothing happened. */
	if (rc == DB_OK || b->swallow)
		rc = db_exec(db, scratch_insert_sql, (struct db_param[]){
		    DB_STR("second") }, 1, NULL, NULL);
	if (b->swallow)
		return 0;
	return rc != DB_OK ? rc : b->result;
}

static void
callback_result_equal_to_a_db_status_is_not_retried(void **state)
{
	struct fixture *fx = *state;
	struct body b = { .result = DB_ERR_RETRY };

	/* The body says "retry" for its own reason: the server said nothing. */
	assert_int_equal(db_transaction(fx->db, body_two_inserts, &b),
	    DB_ERR_RETRY);
	assert_int_equal(b.calls, 1);
	assert_int_equal(scratch_count(fx->db), 0);
}

static void
deadlock_reported_by_the_server_is_retried_and_commits_once(void **state)
{
	struct fixture *fx = *state;
	struct body b = { .result = DB_OK };

	/* call 1: START TRANSACTION, 2: first insert, 3: second insert */
	assert_int_equal(db_fault_arm(fx->db, "3:deadlock"), 0);
	assert_int_equal(db_transaction(fx->db, body_two_inserts, &b), DB_OK);
	assert_int_equal(db_fault_disarm(fx->db), 1);
	assert_int_equal(b.calls, 2);
	assert_int_equal(scratch_count(fx->db), 2);
}

static void
callback_that_swallows_a_deadlock_cannot_commit_half(void **state)
{
	struct fixture *fx = *state;
	struct body b = { .swallow = 1 };

	assert_int_equal(db_fault_arm(fx->db, "3:deadlock"), 0);
	assert_int_equal(db_transaction(fx->db, body_two_inserts, &b), DB_OK);
	assert_int_equal(db_fault_disarm(fx->db), 1);
	/* The first attempt returned 0 over a deadlock: run again, not
	   committed with one row of two. */
	assert_int_equal(b.calls, 2);
	assert_int_equal(scratch_count(fx->db), 2);
}

static void
connection_lost_inside_an_attempt_never_autocommits_the_rest(void **state)
{
	struct fixture *fx = *state;
	struct body b = { .swallow = 1 };

	/* The first insert loses the connection; the body goes on with its
	   second insert: that one must fail too, not reconnect. */
	assert_int_equal(db_fault_arm(fx->db, "2:lost"), 0);
	assert_int_equal(db_transaction(fx->db, body_two_inserts, &b), DB_OK);
	assert_int_equal(db_fault_disarm(fx->db), 1);
	assert_int_equal(b.insert_rc[0], DB_ERR_UNAVAILABLE);
	assert_int_equal(b.calls, 2);
	assert_int_equal(scratch_count(fx->db), 2);
}

static void
connection_lost_at_commit_is_not_run_again(void **state)
{
	struct fixture *fx = *state;
	struct body b = { .result = DB_OK };

	/* 1 START, 2 and 3 the inserts, 4 COMMIT */
	assert_int_equal(db_fault_arm(fx->db, "4:lost"), 0);
	assert_int_equal(db_transaction(fx->db, body_two_inserts, &b),
	    DB_ERR_UNAVAILABLE);
	assert_int_equal(db_fault_disarm(fx->db), 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(scratch_count(fx->db), 0);
}

static void
deadlock_at_commit_is_retried(void **state)
{
	struct fixture *fx = *state;
	struct body b = { .result = DB_OK };

	assert_int_equal(db_fault_arm(fx->db, "4:deadlock"), 0);
	assert_int_equal(db_transaction(fx->db, body_two_inserts, &b), DB_OK);
	assert_int_equal(db_fault_disarm(fx->db), 1);
	assert_int_equal(b.calls, 2);
	assert_int_equal(scratch_count(fx->db), 2);
}

static void
retries_stop_after_the_last_attempt_with_nothing_written(void **state)
{
	struct fixture *fx = *state;
	struct body b = { .result = DB_OK };

	/* Each attempt: START, then its first insert fails (call 2k). */
	assert_int_equal(db_fault_arm(fx->db,
	    "2:timeout,4:deadlock,6:timeout,8:deadlock"), 0);
	/* Four failed attempts: the fifth (DB_TX_ATTEMPTS) commits. */
	assert_int_equal(db_transaction(fx->db, body_two_inserts, &b), DB_OK);
	assert_int_equal(db_fault_disarm(fx->db), 4);
	assert_int_equal(b.calls, DB_TX_ATTEMPTS);
	assert_int_equal(scratch_count(fx->db), 2);
	assert_int_equal(db_exec(fx->db, scratch_clear_sql, NULL, 0, NULL,
	    NULL), DB_OK);
	/* Five: every attempt failed, DB_ERR_RETRY and nothing written. */
	memset(&b, 0, sizeof(b));
	assert_int_equal(db_fault_arm(fx->db,
	    "2:deadlock,4:deadlock,6:timeout,8:deadlock,10:deadlock"), 0);
	assert_int_equal(db_transaction(fx->db, body_two_inserts, &b),
	    DB_ERR_RETRY);
	assert_int_equal(db_fault_disarm(fx->db), 5);
	assert_int_equal(b.calls, DB_TX_ATTEMPTS);
	assert_int_equal(scratch_count(fx->db), 0);
}

static void
malformed_fault_plans_are_refused(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(db_fault_arm(fx->db, "0:lost"), -1);
	assert_int_equal(db_fault_arm(fx->db, "1:fire"), -1);
	assert_int_equal(db_fault_arm(fx->db, "1:lost;2:lost"), -1);
	assert_int_equal(db_fault_arm(fx->db, "1:lost,2:lost,3:lost,4:lost,"
	    "5:lost,6:lost,7:lost,8:lost,9:lost"), -1);
	assert_int_equal(db_fault_arm(fx->db, "x"), -1);
	assert_int_equal(db_fault_disarm(fx->db), 0);
}

/* The TCP port of the test database, asked over the fixture's
   connection (the stack's env names only its socket). */
static unsigned
live_port(struct db *db)
{
	struct db_rows *rows = NULL;
	unsigned port;

	assert_int_equal(db_query(db, "SELECT @@port", NULL, 0, &rows), DB_OK);
	port = (unsigned)atoi(db_cell(rows, 0, 0));
	db_rows_free(rows);
	assert_true(port > 0);
	return port;
}

/* cfg as fx's but over TCP to the hosts of list, without the socket. */
static void
tcp_config(const struct fixture *fx, const char *list, struct config *cfg)
{
	*cfg = fx->cfg;
	cfg->db_socket[0] = '\0';
	cfg->db_nhosts = db_hosts_parse(list, 3306, cfg->db_hosts);
	assert_true(cfg->db_nhosts > 0);
}

/* A handle to a dead node (port 1 refuses) then the live one. */
static struct db *
dead_then_live(struct fixture *fx, struct config *cfg)
{
	char list[64];
	struct db *db;

	snprintf(list, sizeof(list), "127.0.0.1:1,127.0.0.1:%u",
	    live_port(fx->db));
	tcp_config(fx, list, cfg);
	assert_non_null(db = db_new(cfg));
	return db;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
a_dead_first_host_is_passed_over_for_the_next(void **state)
{
	struct fixture *fx = *state;
	struct config cfg;
	struct body b = { .result = DB_OK };
	struct db *db = dead_then_live(fx, &cfg);

	assert_int_equal(db_ensure(db), DB_OK);
	/* The first was asked, and refused the connection (2002 or 2003,
	   by Connector/C's version). */
	assert_true(db_errno(db) == 2002 || db_errno(db) == 2003);
	/* Over TCP with two hosts: the node check passed (no Galera). */
	assert_int_equal(db_transaction(db, body_two_inserts, &b), DB_OK);
	assert_int_equal(scratch_count(fx->db), 2);
	db_free(db);
}

static void
with_every_host_dead_the_database_is_unavailable_at_once(void **state)
{
	struct fixture *fx = *state;
	struct config cfg;
	struct body b = { .result = DB_OK };
	struct timespec t0;
	struct db *db;

	tcp_config(fx, "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3", &cfg);
	assert_non_null(db = db_new(&cfg));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(db_ensure(db), DB_ERR_UNAVAILABLE);
	assert_int_equal(db_transaction(db, body_two_inserts, &b),
	    DB_ERR_UNAVAILABLE);
	/* Refused ports fail at once, not after the connect timeout. */
	assert_true(seconds_since(&t0) < 1.0);
	assert_int_equal(b.calls, 0);
	db_free(db);
}

/* A port on 127.0.0.1 that completes TCP connects (the kernel's
   backlog) but never speaks: a hung node.  Owned fd: close it. */
static int
silent_listener(unsigned *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void
a_silent_node_costs_one_connect_timeout_per_request(void **state)
{
	struct fixture *fx = *state;
	struct config cfg;
	struct db_rows *rows = NULL;
	struct timespec t0;
	struct db *db;
	char list[64];
	unsigned port;
	double s;
	int fd = silent_listener(&port);

	snprintf(list, sizeof(list), "127.0.0.1:%u", port);
	tcp_config(fx, list, &cfg);
	assert_non_null(db = db_new(&cfg));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(db_query(db, scratch_count_sql, NULL, 0, &rows),
	    DB_ERR_UNAVAILABLE);
	s = seconds_since(&t0);
	/* The 2 s connect timeout, once: a read that found no host is not
	   tried again at once (that would be 4 s). */
	assert_true(s > 1.5 && s < 3.5);
	db_free(db);

	/* Before a live node: passed over after the same 2 s. */
	snprintf(list, sizeof(list), "127.0.0.1:%u,127.0.0.1:%u", port,
	    live_port(fx->db));
	tcp_config(fx, list, &cfg);
	assert_non_null(db = db_new(&cfg));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(db_query(db, scratch_count_sql, NULL, 0, &rows),
	    DB_OK);
	s = seconds_since(&t0);
	assert_true(s > 1.5 && s < 3.5);
	db_rows_free(rows);
	db_free(db);
	close(fd);
}

/* Copies what fd `from` has to `to`; 0 at end of stream or on error. */
static int
relay_once(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf)), w, off = 0;

	if (n <= 0)
		return 0;
	while (off < n) {
		if ((w = write(to, buf + off, (size_t)(n - off))) <= 0)
			return 0;
		off += w;
	}
	return 1;
}

/*
 * A node that can die: a child process relaying each connection made to
 * *port to the live database.  SIGKILL it and its connections drop and
 * its port refuses, as when a node's server dies.
 */
static pid_t
node_proxy_start(unsigned to_port, unsigned *port)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct pollfd p[2];
	int lfd = silent_listener(port), c, s;
	pid_t pid;

	assert_true((pid = fork()) >= 0);
	if (pid > 0) {
		close(lfd);
		return pid;
	}
	/* Gone by itself if a failed test never kills it. */
	alarm(30);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons((uint16_t)to_port);
	for (;;) {
		if ((c = accept(lfd, NULL, NULL)) < 0 ||
		    (s = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
		    connect(s, (struct sockaddr *)&to, sizeof(to)) != 0)
			_exit(1);
		p[0] = (struct pollfd){ .fd = c, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = s, .events = POLLIN };
		while (poll(p, 2, -1) > 0 &&
		    (!(p[0].revents & (POLLIN | POLLHUP)) || relay_once(c, s)) &&
		    (!(p[1].revents & (POLLIN | POLLHUP)) || relay_once(s, c)))
			;
		close(c);
		close(s);
	}
}

static void
a_pool_whose_node_dies_reconnects_to_the_next(void **state)
{
	struct fixture *fx = *state;
	struct config cfg;
	struct body b = { .result = DB_OK };
	char list[64];
	unsigned live = live_port(fx->db), port;
	pid_t node = node_proxy_start(live, &port);
	struct db *db;

	snprintf(list, sizeof(list), "127.0.0.1:%u,127.0.0.1:%u", port, live);
	tcp_config(fx, list, &cfg);
	assert_non_null(db = db_new(&cfg));
	assert_int_equal(scratch_count(db), 0);		/* through the first */
	assert_int_equal(kill(node, SIGKILL), 0);
	assert_int_equal(waitpid(node, NULL, 0), node);
	/* The read loses its connection (2013), is retried once on a fresh
	   one: the first node refuses, the second answers. */
	assert_int_equal(scratch_count(db), 0);
	assert_int_equal(db_transaction(db, body_two_inserts, &b), DB_OK);
	assert_int_equal(scratch_count(fx->db), 2);
	db_free(db);
}

static void
a_node_refusing_statements_mid_transaction_is_left_and_the_rerun_commits(
    void **state)
{
	struct fixture *fx = *state;
	struct config cfg;
	struct body b = { .result = DB_OK };
	struct db *db = dead_then_live(fx, &cfg);

	/* 1 START, 2 the first insert: 1047, as from a Galera node outside
	   the primary component. */
	assert_int_equal(db_fault_arm(db, "2:wsrep"), 0);
	assert_int_equal(db_transaction(db, body_two_inserts, &b), DB_OK);
	assert_int_equal(db_fault_disarm(db), 1);
	assert_int_equal(b.insert_rc[0], DB_ERR_UNAVAILABLE);
	assert_int_equal(b.calls, 2);
	assert_int_equal(scratch_count(fx->db), 2);
	db_free(db);
}

static void
a_node_refusing_commit_is_not_run_again(void **state)
{
	struct fixture *fx = *state;
	struct body b = { .result = DB_OK };

	/* A COMMIT that failed is of unknown outcome: 503, never rerun. */
	assert_int_equal(db_fault_arm(fx->db, "4:wsrep"), 0);
	assert_int_equal(db_transaction(fx->db, body_two_inserts, &b),
	    DB_ERR_UNAVAILABLE);
	assert_int_equal(db_fault_disarm(fx->db), 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(scratch_count(fx->db), 0);
}

/* One insert, in autocommit. */
static int
body_one_insert(struct db *db, void *arg)
{
	struct body *b = arg;

	b->calls++;
	return db_exec(db, scratch_insert_sql, (struct db_param[]){
	    DB_STR("only") }, 1, NULL, NULL);
}

static void
a_node_refusing_an_autocommit_write_is_left_and_the_write_rerun(void **state)
{
	struct fixture *fx = *state;
	struct config cfg;
	struct body b = { 0 };
	struct db *db = dead_then_live(fx, &cfg);

	/* 1047 says the statement was refused unrun: safe to send again. */
	assert_int_equal(db_fault_arm(db, "1:wsrep"), 0);
	assert_int_equal(db_autocommit(db, body_one_insert, &b), DB_OK);
	assert_int_equal(db_fault_disarm(db), 1);
	assert_int_equal(b.calls, 2);
	assert_int_equal(scratch_count(fx->db), 1);
	db_free(db);
}

/* 16 jitter draws of a fresh handle in a child process, as a worker. */
static void
jitter_of_a_child(char out[17])
{
	int fd[2], i;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		struct db *db = db_new(NULL);
		char draws[16];

		for (i = 0; i < 16; i++)
			draws[i] = (char)('0' + db_jitter_ms(db));
		if (write(fd[1], draws, sizeof(draws)) != (ssize_t)sizeof(draws))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	assert_int_equal(read(fd[0], out, 16), 16);
	out[16] = '\0';
	close(fd[0]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
}

static void
backoff_jitter_differs_between_worker_processes(void **state)
{
	char a[17], b[17];
	int i;

	(void)state;
	jitter_of_a_child(a);
	jitter_of_a_child(b);
	for (i = 0; i < 16; i++)
		assert_true(a[i] >= '0' && a[i] <= '4');
	/* Same sequence in two workers: what an unseeded rand() gave
	   (a 1 in 5^16 chance otherwise). */
	assert_string_not_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(callback_result_equal_to_a_db_status_is_not_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(deadlock_reported_by_the_server_is_retried_and_commits_once, setup, teardown),
		cmocka_unit_test_setup_teardown(callback_that_swallows_a_deadlock_cannot_commit_half, setup, teardown),
		cmocka_unit_test_setup_teardown(connection_lost_inside_an_attempt_never_autocommits_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(connection_lost_at_commit_is_not_run_again, setup, teardown),
		cmocka_unit_test_setup_teardown(deadlock_at_commit_is_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(retries_stop_after_the_last_attempt_with_nothing_written, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_fault_plans_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_dead_first_host_is_passed_over_for_the_next, setup, teardown),
		cmocka_unit_test_setup_teardown(with_every_host_dead_the_database_is_unavailable_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_silent_node_costs_one_connect_timeout_per_request, setup, teardown),
		cmocka_unit_test_setup_teardown(a_pool_whose_node_dies_reconnects_to_the_next, setup, teardown),
		cmocka_unit_test_setup_teardown(a_node_refusing_statements_mid_transaction_is_left_and_the_rerun_commits, setup, teardown),
		cmocka_unit_test_setup_teardown(a_node_refusing_commit_is_not_run_again, setup, teardown),
		cmocka_unit_test_setup_teardown(a_node_refusing_an_autocommit_write_is_left_and_the_write_rerun, setup, teardown),
		cmocka_unit_test(backoff_jitter_differs_between_worker_processes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
