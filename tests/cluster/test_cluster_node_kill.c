/*
 * test_cluster_node_kill (make test-cluster, scripts/test-cluster.sh): on
 * a 3-node Galera cluster, a node killed with SIGKILL under write load
 * loses no acknowledged write, and rejoins by IST.
 *
 *  - load_client's 9 clients write every family through the front and
 *    the nodes' own entries ($PMS_TEST_RACER_URLS), so each node takes
 *    writes, and their certification conflicts are retried;
 *  - after 3 s node 2's MariaDB is killed (scripts/cluster.sh node-kill
 *    2): the pools that used it go on with the next node of their list
 *    (PMS_DB_HOST); an attempt may fail only within FAILOVER_WITHIN of
 *    the kill, as a 503 in its envelope (the writes in flight on it);
 *  - 4 s later node 2 is started again (node-start 2): it rejoins from
 *    the position it recovered, by IST (no full state transfer), and the
 *    three are Synced;
 *  - after 3 s more the load stops.  Then, on each node, read as root
 *    over its own socket: every acknowledged write stored exactly once,
 *    the stored rows the acknowledged ones, inventory equal to the truth,
 *    nothing oversold; and the three nodes agree (CHECKSUM TABLE of every
 *    table the load wrote).
 * Environment (scripts/test-cluster.sh exports it): PMS_TEST_CLUSTER
 * (the cluster's var directory), CLUSTER_* (its ports) for cluster.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "harness.h"
#include "load_client.h"

#define NODES		3
#define KILLED		2
#define FAILOVER_WITHIN	3.0	/* s after the kill: failures allowed */

struct kill_timeline {
	double killed, restarted;
};

static const char *
cluster_dir(void)
{
	const char *d = getenv("PMS_TEST_CLUSTER");

	return d != NULL && d[0] != '\0' ? d : NULL;
}

/* scripts/cluster.sh verb [node]; its exit status, output kept. */
static int
cluster(const char *verb, const char *node, char **out)
{
	const char *argv[4];

	argv[0] = pool_printf("%s/scripts/cluster.sh", pms_root());
	argv[1] = verb;
	argv[2] = node;
	argv[3] = NULL;
	return run_command(argv, out);
}

/* A root connection to node i over its socket; cfg outlives it. */
static struct db *
node_db(struct config *cfg, int i)
{
	const char *run = pool_printf("%s/n%d/run", cluster_dir(), i);
	char *moved = read_file_tail(pool_printf("%s/socket-dir", run), 512);

	if (config_load(cfg) != 0)
		return NULL;
	if (moved != NULL && moved[0] != '\0') {
		moved[strcspn(moved, "\n")] = '\0';
		run = moved;
	}
	snprintf(cfg->db_socket, sizeof(cfg->db_socket), "%s/mysqld.sock",
	    run);
	snprintf(cfg->db_user, sizeof(cfg->db_user), "root");
	cfg->db_password[0] = '\0';
	return db_new(cfg);
}

/* A failed attempt: 1 in flight on the dying node or failing over. */
static int
explained(void *ctx, double t0, double t1)
{
	const struct kill_timeline *tl = ctx;

	return t1 >= tl->killed && t0 <= tl->killed + FAILOVER_WITHIN;
}

/* Every table the load writes, checksummed on one node: one string. */
static const char *
node_checksums(struct db *db)
{
	static const char sql[] = "CHECKSUM TABLE unit_blocks, "
	    "allotment_reservations, allotment_nights, inventory_nights, "
	    "long_stay_contracts, work_orders, idempotency_keys";
	struct db_rows *rows = NULL;
	const char *out = "";
	int r;

	if (db_query(db, sql, NULL, 0, &rows) != DB_OK)
		return NULL;
	for (r = 0; r < rows->nrows; r++)
		out = pool_printf("%s%s=%s ", out, db_cell(rows, r, 0),
		    db_cell(rows, r, 1) ? db_cell(rows, r, 1) : "NULL");
	db_rows_free(rows);
	return out;
}

/* The node's last committed seqno; -1 when unknown. */
static long
node_seqno(struct db *db)
{
	static const char sql[] = "SELECT VARIABLE_VALUE FROM "
	    "information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "
	    "'WSREP_LAST_COMMITTED'";

	return load_sql_number(db, sql, 0, NULL, NULL);
}

/* node 2's log since its last start says IST, and no full transfer. */
static int
rejoined_by_ist(void)
{
	char *log = read_file_tail(pool_printf("%s/n%d/log/mysqld.log",
	    cluster_dir(), KILLED), 1 << 20);
	const char *start, *p;

	if (!CHECKF(log != NULL, "node %d's log is unreadable", KILLED))
		return 0;
	for (start = log; (p = strstr(start, "Starting MariaDB")) != NULL;
	    start = p + 1)
		;
	CHECKF(strstr(start, "IST completed on joiner") != NULL, "node %d's "
	    "log since its restart has no \"IST completed on joiner\"",
	    KILLED);
	return CHECKF(strstr(start, "SST completed on joiner") == NULL,
	    "node %d rejoined by a full state transfer, not IST", KILLED);
}

TEST(a_node_killed_under_write_load_loses_no_acknowledged_write_and_rejoins_by_ist)
{
	static struct load_target t;
	static struct config cfg[NODES + 1];
	struct kill_timeline tl = { 0, 0 };
	struct db *db[NODES + 1] = { NULL };
	const char *sums[NODES + 1] = { NULL }, *where;
	struct load_tally ty;
	struct load_state st;
	struct load_run *run;
	char *out = NULL;
	long seq[NODES + 1], acked = 0, lost = 0, oversold = 0;
	double deadline;
	int i, k, rc, same;

	REQUIRE(CHECKF(cluster_dir() != NULL, "PMS_TEST_CLUSTER is not set: "
	    "run it through make test-cluster"));
	REQUIRE(LOAD_TARGET_NEW(&t));
	REQUIRE((run = load_start(&t, 9)) != NULL);
	sleep_ms(3000);
	tl.killed = now_seconds();
	rc = cluster("node-kill", "2", &out);
	CHECKF(rc == 0, "cluster.sh node-kill 2: exit %d: %.500s", rc,
	    out ? out : "");
	sleep_ms(4000);
	tl.restarted = now_seconds();
	rc = cluster("node-start", "2", &out);
	CHECKF(rc == 0, "cluster.sh node-start 2: exit %d: %.500s", rc,
	    out ? out : "");
	printf("# node 2 killed at t=%.3f, started at t=%.3f, Synced at "
	    "t=%.3f\n", tl.killed, tl.restarted, now_seconds());
	sleep_ms(3000);
	REQUIRE(load_stop(run));
	load_tally_read(run, explained, &tl, &ty);
	rejoined_by_ist();

	for (i = 1; i <= NODES; i++)
		REQUIRE(CHECKF((db[i] = node_db(&cfg[i], i)) != NULL,
		    "no connection to node %d", i));
	/* Applied everywhere before anything is compared. */
	deadline = now_seconds() + 30;
	do {
		for (i = 1; i <= NODES; i++)
			seq[i] = node_seqno(db[i]);
		same = seq[1] >= 0 && seq[1] == seq[2] && seq[2] == seq[3];
		if (!same)
			sleep_ms(200);
	} while (!same && now_seconds() < deadline);
	CHECKF(same, "the nodes' last committed differ: %ld %ld %ld", seq[1],
	    seq[2], seq[3]);
	for (i = 1; i <= NODES; i++) {
		where = pool_printf("node %d", i);
		if (load_state_read(db[i], where, &t, &ty, &st)) {
			LOAD_STATE_CHECK(&st, &ty, where);
			lost += st.lost;
			oversold += st.oversold;
		}
		sums[i] = node_checksums(db[i]);
		CHECKF(sums[i] != NULL, "CHECKSUM TABLE failed on node %d", i);
	}
	for (i = 2; i <= NODES; i++)
		CHECKF(sums[i] != NULL && sums[1] != NULL &&
		    strcmp(sums[i], sums[1]) == 0, "node %d differs from node "
		    "1: %s / %s", i, sums[i] ? sums[i] : "-",
		    sums[1] ? sums[1] : "-");
	for (k = 0; k < LOAD_KINDS; k++)
		acked += ty.acked[k];
	printf("# node kill: %ld requests sent, %ld writes acknowledged, %ld "
	    "failed attempts retried (%ld within %.0f s of the kill), lost "
	    "%ld and oversold nights %ld over the three nodes, inventory "
	    "nights checked %ld per node\n", ty.sent, acked, ty.failed,
	    ty.by_cause[1], FAILOVER_WITHIN, lost, oversold, st.nights);
	for (i = 1; i <= NODES; i++)
		db_free(db[i]);
}

static const struct test_case tests[] = {
	TEST_ENTRY(a_node_killed_under_write_load_loses_no_acknowledged_write_and_rejoins_by_ist),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
