/*
 * test_resilience (run last: it disturbs the stack and puts it back):
 *  - a work-orders worker killed with SIGKILL is replaced by its pool
 *    master within 3 s, and requests keep succeeding;
 *  - with the database stopped (scripts/stack.sh db-stop) both envelopes
 *    answer 503 quickly (not a crash, not nginx's 502), and once it is
 *    started again (db-start, always run) every worker answers 200 within
 *    10 s, writes included: the lost connections are reopened;
 *  - SIGTERM to a pool master lets the request in flight finish (an edit
 *    held up by a row lock answers 200), then the pool is started again.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define MAX_CHILDREN	256
#define UNIT_PATH	"/v1/units/" UNIT_PARIS_01
#define COUNT_PATH	WO_BASE "/count"

/* The pid in $PMS_ROOT/var/run/<family>.pid, or -1. */
static pid_t
pool_master(const char *family)
{
	const char *path = pool_printf("%s/var/run/%s.pid", pms_root(),
	    family);
	long pid = -1;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return (pid_t)pid;
}

/*
 * The live (not zombie) children of ppid, found through /proc/<pid>/stat
 * ("pid (comm) state ppid ..."; comm may hold spaces and parentheses).
 */
static int
children_of(pid_t ppid, pid_t *out, int max)
{
	char path[300], buf[1024], state;
	struct dirent *de;
	long pp;
	DIR *d;
	FILE *f;
	char *p;
	int n = 0;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && n < max) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (p == NULL || (p = strrchr(buf, ')')) == NULL)
			continue;
		if (sscanf(p + 1, " %c %ld", &state, &pp) != 2)
			continue;
		if (pp == (long)ppid && state != 'Z' && state != 'X')
			out[n++] = (pid_t)atol(de->d_name);
	}
	closedir(d);
	return n;
}

static int
pid_in(pid_t pid, const pid_t *list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i] == pid)
			return 1;
	return 0;
}

TEST(killed_work_orders_worker_is_replaced_within_3s_and_requests_succeed)
{
	pid_t before[MAX_CHILDREN], after[MAX_CHILDREN], master, victim;
	int nbefore, nafter = 0, i;
	double deadline;

	master = pool_master("work-orders");
	REQUIRE(CHECKF(master > 0 && kill(master, 0) == 0,
	    "no live pool master in %s/var/run/work-orders.pid", pms_root()));
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

/* Runs scripts/stack.sh verb; its exit status (output kept for failures). */
static int
stack(const char *verb, char **out)
{
	const char *argv[3];

	argv[0] = pool_printf("%s/scripts/stack.sh", pms_root());
	argv[1] = verb;
	argv[2] = NULL;
	return run_command(argv, out);
}

TEST(database_outage_gives_503_in_both_envelopes_and_recovers_within_10s)
{
	static const char add_body[] = "{\"name\":\"itest after outage\"}";
	struct http_response *pms, *amage, *add;
	int stop_rc, start_rc, both_ok = 0, i;
	long pms_status, amage_status;
	char *out = NULL;
	double t0, deadline;

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
 * A mariadb client that holds the work order's row lock for 2 s, so an
 * edit of it is still in flight when the pool is told to stop.  The uuid
 * is one this test generated (hex and dashes only).
 */
static pid_t
hold_row_lock(const char *uuid)
{
	const char *sock = getenv("PMS_DB_SOCKET");
	char sql[256];
	pid_t pid;

	snprintf(sql, sizeof(sql), "BEGIN; SELECT id FROM work_orders WHERE "
	    "uuid = '%s' FOR UPDATE; SELECT SLEEP(2); COMMIT;", uuid);
	if ((pid = fork()) == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0) {
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		execlp("mariadb", "mariadb", pool_printf("--socket=%s",
		    sock ? sock : ""), "-uroot", "pms", "-e", sql, (char *)NULL);
		_exit(127);
	}
	return pid;
}

TEST(sigterm_lets_the_request_in_flight_finish_then_the_pool_restarts)
{
	struct http_response *a, *e;
	pid_t master, locker, killer;
	const char *uuid;
	double deadline;
	char *out = NULL;
	int status;

	master = pool_master("work-orders");
	REQUIRE(CHECKF(master > 0 && kill(master, 0) == 0,
	    "no live pool master in %s/var/run/work-orders.pid", pms_root()));
	a = amage_post(WO_BASE "/add", pool_printf("{\"name\":\"itest sigterm "
	    "%s\"}", fresh_uuid()));
	REQUIRE(CHECK_AMAGE_OK(a));
	uuid = jstr(a->json, "uuid");
	REQUIRE(CHECKF((locker = hold_row_lock(uuid)) > 0, "fork: %s",
	    strerror(errno)));
	sleep_ms(300);		/* the lock is taken */
	if ((killer = fork()) == 0) {
		usleep(500000);	/* the edit below is waiting for the lock */
		kill(master, SIGTERM);
		_exit(0);
	}
	e = amage_post(pool_printf(WO_BASE "/edit/%s", uuid),
	    "{\"name\":\"itest edited during shutdown\"}");
	CHECK_AMAGE_OK(e);
	waitpid(killer, &status, 0);
	waitpid(locker, &status, 0);
	deadline = now_seconds() + 10.0;
	while (kill(master, 0) == 0 && now_seconds() < deadline)
		sleep_ms(50);
	CHECKF(kill(master, 0) != 0, "pool master %ld still runs 10 s after "
	    "SIGTERM", (long)master);
	/* Put the pool back for whatever runs next. */
	CHECKF(stack("start", &out) == 0, "stack.sh start: %.500s",
	    out ? out : "");
	CHECK(AMAGE_COUNT() >= 0);
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
