/*
 * db: one MariaDB connection per worker, opened on first use and kept for
 * the life of the process.  Statements are prepared once per connection
 * and cached by the address of their SQL text (callers keep SQL in static
 * const strings), so a request costs one execute round trip per statement.
 * Results are copied out as strings (NULL for SQL NULL) so callers never
 * juggle MYSQL_BIND buffers.  A lost connection is dropped with its cache
 * and reopened on the next call, to the next node of the host list if the
 * last one is gone (a Galera node refusing statements with 1047 counts as
 * gone); the transaction helper retries the whole transaction on deadlock
 * and lock wait timeout (and Galera certification failures, reported as
 * 1213).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "config.h"
#include "db.h"
#include "db_hosts.h"
#include "log.h"

#define DB_STMT_CACHE 96
#define DB_MAX_PARAMS 160	/* a batch of 8 pickups: 136 */

#ifdef PMS_FAULT_INJECTION
/* Test builds: the database calls to fail on purpose (db_fault_arm). */
#define DB_FAULTS_MAX 8
struct db_fault_plan {
	int armed;
	int calls;			/* database calls since db_fault_arm */
	int fired;
	int n;
	struct { int at; unsigned err; } at[DB_FAULTS_MAX];
};
#endif

struct db_stmt {
	const char *sql;		/* identity: the caller's static string */
	MYSQL_STMT *stmt;
};

struct db {
	const struct config *cfg;
	MYSQL *conn;			/* NULL when not connected */
	int in_tx;			/* inside START TRANSACTION ... */
	int tx_active;			/* inside a db_transaction attempt: a
					   lost connection stays lost until
					   it ends (no autocommit behind it) */
	/* Set when the server aborted (1213, 1205) or lost the current
	   transaction: db_transaction retries from this, never from the
	   number its callback returns. */
	int tx_retryable;
	/* Inside db_autocommit: a statement whose connection was lost is
	   never sent again (it may have committed). */
	int autocommit_write;
	unsigned jitter_seed;		/* per process: see db_backoff */
#ifdef PMS_FAULT_INJECTION
	struct db_fault_plan faults;
#endif
	time_t last_connect_log;
	/* Inside one db_ensure pass that logs: every node's failure is
	   logged, not only the first one's. */
	int connect_logging;
	int host_cur;			/* index in cfg->db_hosts to try first:
					   the one that worked last */
	int galera;			/* the connection's node has wsrep on */
	uint64_t tx_changed;		/* rows the transaction attempt changed */
	/* The last db_ensure reached no host: asking them all again at once
	   would only double a request's wait for its 503. */
	int connect_failed;
	unsigned last_errno;
	char last_error[256];
	int nstmts;
	struct db_stmt stmts[DB_STMT_CACHE];
};

static const char db_session_sql[] =
    "SET time_zone = '+00:00', "
    "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";
/* Locks taken by SELECT ... FOR UPDATE are what we rely on, not gap locks. */
static const char db_isolation_sql[] =
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";

struct db *
db_new(const struct config *cfg)
{
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	db->cfg = cfg;
	return db;
}

static void
db_disconnect(struct db *db)
{
	int i;

	for (i = 0; i < db->nstmts; i++)
		mysql_stmt_close(db->stmts[i].stmt);
	db->nstmts = 0;
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = 0;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

unsigned
db_errno(const struct db *db)
{
	return db->last_errno;
}

const char *
db_error(const struct db *db)
{
	return db->last_error;
}

/* Maps a MySQL error number to our status; drops a dead connection. */
static int
db_classify(struct db *db, unsigned err, const char *msg)
{
	db->last_errno = err;
	snprintf(db->last_error, sizeof(db->last_error), "%s", msg ? msg : "");
	switch (err) {
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		if (db->in_tx || db->autocommit_write)
			db->tx_retryable = 1;
		return DB_ERR_RETRY;
	case ER_DUP_ENTRY:
		return DB_ERR_DUPLICATE;
	case 4025:	/* ER_CONSTRAINT_FAILED: a CHECK */
	case ER_NO_REFERENCED_ROW_2:
	case ER_SIGNAL_EXCEPTION:	/* a trigger's SIGNAL SQLSTATE '45000' */
		return DB_ERR_CONSTRAINT;
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_COMMANDS_OUT_OF_SYNC:
	case ER_SERVER_SHUTDOWN:
	case ER_CONNECTION_KILLED:
	case 4031:	/* ER_CLIENT_INTERACTION_TIMEOUT: idle session closed */
	/* A Galera node outside the primary component refuses statements
	   (1047, "WSREP has not yet prepared node for application use") or
	   fails a COMMIT (1180): as lost as a dead one, but rare enough to
	   say.  Dropping the connection makes the next db_ensure move to a
	   node that is ready (see db_node_usable). */
	case ER_UNKNOWN_COM_ERROR:
	case ER_ERROR_DURING_COMMIT:
		if (err == ER_UNKNOWN_COM_ERROR || err == ER_ERROR_DURING_COMMIT)
			log_error("db: %u %s: connection dropped", err,
			    db->last_error);
		if (db->in_tx)
			db->tx_retryable = 1;
		db_disconnect(db);
		return DB_ERR_UNAVAILABLE;
	default:
		log_error("db: %u %s", err, db->last_error);
		return DB_ERR_FAILED;
	}
}

/* Records the failure of a connection attempt; logs it unless a line
   was written in the last 10 s (while the database is down every
   request fails here). */
static void
db_connect_failed(struct db *db, const char *where, unsigned err,
    const char *msg)
{
	db->last_errno = err;
	snprintf(db->last_error, sizeof(db->last_error), "%s", msg);
	if (time(NULL) - db->last_connect_log >= 10 || db->connect_logging) {
		log_error("db: connect %s: %u %s", where, err, db->last_error);
		db->last_connect_log = time(NULL);
		db->connect_logging = 1;
	}
}

/*
 * Whether the node behind m may serve requests: a Galera node that is up
 * but outside the primary component (wsrep_ready OFF) refuses statements
 * with 1047, so it is skipped like a dead one.  A server without Galera
 * (wsrep_on OFF, or no such variable) is fine.  information_schema is
 * read because @@wsrep_on is unknown to a server built without wsrep, and
 * a detached node still answers it.  DB_OK or DB_ERR_UNAVAILABLE.
 */
static const char db_wsrep_sql[] =
    "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema."
    "GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'WSREP_ON' UNION ALL "
    "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema."
    "GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_READY'";

static int
db_node_usable(struct db *db, MYSQL *m, const char *where)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	const char *on = NULL, *ready = NULL;
	int usable;

	db->galera = 0;
	if (mysql_real_query(m, db_wsrep_sql, sizeof(db_wsrep_sql) - 1) != 0 ||
	    (res = mysql_store_result(m)) == NULL) {
		db_connect_failed(db, where, mysql_errno(m), mysql_error(m));
		return DB_ERR_UNAVAILABLE;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (row[0] == NULL)
			continue;
		if (strcasecmp(row[0], "WSREP_ON") == 0)
			on = row[1];
		else if (strcasecmp(row[0], "WSREP_READY") == 0)
			ready = row[1];
	}
	usable = db_node_ready(on, ready);
	db->galera = on != NULL && strcasecmp(on, "ON") == 0;
	mysql_free_result(res);
	if (!usable) {
		db_connect_failed(db, where, ER_UNKNOWN_COM_ERROR,
		    "Galera node not ready (wsrep_ready not ON): skipped");
		return DB_ERR_UNAVAILABLE;
	}
	return DB_OK;
}

/*
 * One connection attempt: to the socket when h is NULL, else to h over
 * TCP.  On success *out is the connection, its session set up.
 */
static int
db_connect_one(struct db *db, const struct db_host *h, MYSQL **out)
{
	const struct config *c = db->cfg;
	/*
	 * 2 s: a refused port fails at once, so this only bounds a silent
	 * node (powered off, packets dropped) or one that accepts but never
	 * greets (measured: 2 s, then 2013).  Tried in turn, three such
	 * nodes cost a request 6 s before its 503, well inside nginx's 60 s
	 * fastcgi_read_timeout, where 3 s each over a list of 8 would not be;
	 * a connect on a LAN takes milliseconds, so 2 s is still ample.
	 */
	/*
	 * 10 s to read an answer: our statements take milliseconds, a
	 * Galera view change (a node lost) holds commits for about 6 s, and
	 * a connection brute-force aborted on Galera is sometimes never
	 * answered at all (MariaDB 10.11.19, seen with gdb: the worker in
	 * recv, the server thread "Killed" and idle): after 10 s it counts
	 * as lost and the transaction runs again on a new connection, well
	 * inside nginx's 60 s, where 30 s made the client give up first.
	 */
	unsigned timeout = 2, rw_timeout = 10;
	my_bool off = 0;
	char where[DB_HOST_NAME_MAX + 16];
	MYSQL *m;

	*out = NULL;
	if (h != NULL)
		db_host_format(h, where, sizeof(where));
	else
		snprintf(where, sizeof(where), "%s", c->db_socket);
	if ((m = mysql_init(NULL)) == NULL)
		return DB_ERR_NOMEM;
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/*
	 * With any timeout Connector/C leaves the socket non-blocking: a recv
	 * that fails with EAGAIN, a poll, a second recv, on every result.
	 * Over a local socket the kernel reports a dead server at once, so no
	 * timeout is needed there and each result costs one blocking recv.
	 * Over TCP a silent network must not hang a worker: keep them.
	 */
	if (h != NULL) {
		mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
		mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
		mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	}
	/* Automatic reconnect would invalidate our prepared statements. */
	mysql_options(m, MYSQL_OPT_RECONNECT, &off);
	if (mysql_real_connect(m, h != NULL ? h->name : NULL, c->db_user,
	    c->db_password, c->db_name, h != NULL ? h->port : 0,
	    h != NULL ? NULL : c->db_socket, 0) == NULL ||
	    mysql_real_query(m, db_session_sql, sizeof(db_session_sql) - 1) ||
	    mysql_real_query(m, db_isolation_sql, sizeof(db_isolation_sql) - 1)) {
		db_connect_failed(db, where, mysql_errno(m), mysql_error(m));
		mysql_close(m);
		return DB_ERR_UNAVAILABLE;
	}
	/* Every connection: whether its node is Galera decides how a
	   COMMIT is checked (db_commit_landed); one that is not ready is
	   skipped (with one node there is nothing else to try: 503). */
	if (db_node_usable(db, m, where) != DB_OK) {
		mysql_close(m);
		return DB_ERR_UNAVAILABLE;
	}
	*out = m;
	return DB_OK;
}

int
db_ensure(struct db *db)
{
	const struct config *c = db->cfg;
	char now[DB_HOST_NAME_MAX + 16], was[DB_HOST_NAME_MAX + 16];
	MYSQL *m = NULL;
	int k, i = 0, rc = DB_ERR_UNAVAILABLE;

	if (db->conn != NULL)
		return DB_OK;
	db->connect_logging = 0;
	if (c->db_socket[0] != '\0')
		rc = db_connect_one(db, NULL, &m);
	else
		/* From the node that worked last: the others are only asked
		   when it fails, so a pool sticks to one node. */
		for (k = 0; k < c->db_nhosts && rc == DB_ERR_UNAVAILABLE; k++) {
			i = (db->host_cur + k) % c->db_nhosts;
			rc = db_connect_one(db, &c->db_hosts[i], &m);
		}
	db->connect_logging = 0;
	db->connect_failed = rc != DB_OK;
	if (rc != DB_OK)
		return rc;
	/* "was": the host that worked last (before any, the first). */
	if (c->db_socket[0] == '\0' && i != db->host_cur) {
		db_host_format(&c->db_hosts[i], now, sizeof(now));
		db_host_format(&c->db_hosts[db->host_cur], was, sizeof(was));
		log_info("db: connected to %s (was %s)", now, was);
	} else if (db->last_connect_log != 0)
		log_info("db: connected again");
	db->last_connect_log = 0;
	db->host_cur = i;
	db->conn = m;
	return DB_OK;
}

#ifdef PMS_FAULT_INJECTION
/*
 * Fails this call as the armed plan says, the way the server would: a
 * lost connection is really dropped (the server rolls the transaction
 * back), a deadlock really rolls back, a lock wait timeout only fails the
 * statement.  Counts every call that would reach the server.
 */
static int
db_fault_hit(struct db *db)
{
	struct db_fault_plan *p = &db->faults;
	int i;

	if (!p->armed)
		return DB_OK;
	p->calls++;
	for (i = 0; i < p->n; i++) {
		if (p->at[i].at != p->calls)
			continue;
		p->fired++;
		if (p->at[i].err == ER_LOCK_DEADLOCK && db->conn != NULL &&
		    db->in_tx)
			(void)mysql_real_query(db->conn, "ROLLBACK", 8);
		if (p->at[i].err == CR_SERVER_LOST && db->conn == NULL)
			return DB_ERR_UNAVAILABLE;
		return db_classify(db, p->at[i].err, "injected fault");
	}
	return DB_OK;
}

int
db_fault_arm(struct db *db, const char *spec)
{
	struct db_fault_plan *p = &db->faults;
	const char *s = spec;
	char *end;
	long at;

	memset(p, 0, sizeof(*p));
	while (s != NULL && *s != '\0') {
		at = strtol(s, &end, 10);
		if (end == s || at < 1 || at > 1000 || *end != ':' ||
		    p->n == DB_FAULTS_MAX)
			goto bad;
		s = end + 1;
		if (strncmp(s, "lost", 4) == 0) {
			p->at[p->n].err = CR_SERVER_LOST;
			s += 4;
		} else if (strncmp(s, "deadlock", 8) == 0) {
			p->at[p->n].err = ER_LOCK_DEADLOCK;
			s += 8;
		} else if (strncmp(s, "timeout", 7) == 0) {
			p->at[p->n].err = ER_LOCK_WAIT_TIMEOUT;
			s += 7;
		} else if (strncmp(s, "wsrep", 5) == 0) {
			p->at[p->n].err = ER_UNKNOWN_COM_ERROR;
			s += 5;
		} else
			goto bad;
		p->at[p->n++].at = (int)at;
		if (*s == ',')
			s++;
		else if (*s != '\0')
			goto bad;
	}
	p->armed = p->n > 0;
	return 0;
bad:
	memset(p, 0, sizeof(*p));
	return -1;
}

int
db_fault_disarm(struct db *db)
{
	int fired = db->faults.fired;

	memset(&db->faults, 0, sizeof(db->faults));
	return fired;
}
#else
static int
db_fault_hit(struct db *db)
{
	(void)db;
	return DB_OK;
}
#endif

/* The cached prepared statement for sql, preparing it on first use. */
static int
db_prepare(struct db *db, const char *sql, MYSQL_STMT **out)
{
	MYSQL_STMT *st = NULL;
	int i, rc;

	for (i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql) {
			*out = db->stmts[i].stmt;
			return DB_OK;
		}
	if ((st = mysql_stmt_init(db->conn)) == NULL)
		return DB_ERR_NOMEM;
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		rc = db_classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		mysql_stmt_close(st);
		return rc;
	}
	if (db->nstmts == DB_STMT_CACHE) {
		/* Full: evict the oldest; caches rarely hold this many. */
		mysql_stmt_close(db->stmts[0].stmt);
		memmove(&db->stmts[0], &db->stmts[1],
		    sizeof(db->stmts[0]) * (DB_STMT_CACHE - 1));
		db->nstmts--;
	}
	db->stmts[db->nstmts].sql = sql;
	db->stmts[db->nstmts].stmt = st;
	db->nstmts++;
	*out = st;
	return DB_OK;
}

static int
db_bind_params(struct db *db, MYSQL_STMT *st, const struct db_param *p,
    int n, MYSQL_BIND *b, unsigned long *lens)
{
	int i;

	if (n > DB_MAX_PARAMS || (unsigned long)n != mysql_stmt_param_count(st)) {
		log_error("db: statement wants %lu params, got %d",
		    mysql_stmt_param_count(st), n);
		return DB_ERR_FAILED;
	}
	memset(b, 0, sizeof(*b) * (size_t)n);
	for (i = 0; i < n; i++) {
		switch (p[i].type) {
		case DBP_STR:
			lens[i] = p[i].len ? p[i].len : strlen(p[i].s);
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)p[i].s;
			b[i].buffer_length = lens[i];
			b[i].length = &lens[i];
			break;
		case DBP_I64:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&p[i].i;
			break;
		case DBP_DOUBLE:
			b[i].buffer_type = MYSQL_TYPE_DOUBLE;
			b[i].buffer = (void *)&p[i].d;
			break;
		case DBP_NULL:
		default:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		}
	}
	if (n > 0 && mysql_stmt_bind_param(st, b) != 0)
		return db_classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	return DB_OK;
}

/* Prepares (cached), binds and executes once. */
static int
db_run(struct db *db, const char *sql, const struct db_param *p, int n,
    MYSQL_STMT **out)
{
	MYSQL_BIND b[DB_MAX_PARAMS];
	unsigned long lens[DB_MAX_PARAMS];
	MYSQL_STMT *st = NULL;
	int rc;

	/* A transaction whose connection went is over: reconnecting here
	   would run the rest of it in autocommit mode. */
	if (db->tx_active && db->conn == NULL)
		return DB_ERR_UNAVAILABLE;
	if ((rc = db_fault_hit(db)) != DB_OK)
		return rc;
	if ((rc = db_ensure(db)) != DB_OK)
		return rc;
	if ((rc = db_prepare(db, sql, &st)) != DB_OK)
		return rc;
	if ((rc = db_bind_params(db, st, p, n, b, lens)) != DB_OK)
		return rc;
	if (mysql_stmt_execute(st) != 0)
		return db_classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	*out = st;
	return DB_OK;
}

/* db_run, retried once on a fresh connection when not in a transaction
   and the connection was lost (not when no host could be reached). */
static int
db_run_retry(struct db *db, const char *sql, const struct db_param *p, int n,
    MYSQL_STMT **out)
{
	int rc, in_tx = db->in_tx;

	rc = db_run(db, sql, p, n, out);
	if (rc == DB_ERR_UNAVAILABLE && !in_tx && !db->autocommit_write &&
	    !db->connect_failed)
		rc = db_run(db, sql, p, n, out);
	return rc;
}

int
db_exec(struct db *db, const char *sql, const struct db_param *params,
    int nparams, uint64_t *affected, uint64_t *insert_id)
{
	MYSQL_STMT *st = NULL;
	int rc;

	if ((rc = db_run_retry(db, sql, params, nparams, &st)) != DB_OK)
		return rc;
	if (db->tx_active)
		db->tx_changed += mysql_stmt_affected_rows(st);
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	if (insert_id != NULL)
		*insert_id = mysql_stmt_insert_id(st);
	mysql_stmt_free_result(st);
	return DB_OK;
}

void
db_rows_free(struct db_rows *rows)
{
	size_t i, n;

	if (rows == NULL)
		return;
	n = (size_t)rows->nrows * (size_t)rows->ncols;
	for (i = 0; i < n; i++)
		free(rows->cell[i]);
	free(rows->cell);
	free(rows->len);
	free(rows);
}

/* Copies every row of an executed statement into a new db_rows. */
static int
db_fetch_all(struct db *db, MYSQL_STMT *st, struct db_rows **out)
{
	my_bool update_max = 1;
	MYSQL_RES *meta = NULL;
	MYSQL_FIELD *fields;
	MYSQL_BIND *b = NULL;
	unsigned long *lens = NULL;
	my_bool *nulls = NULL;
	char **bufs = NULL;
	struct db_rows *rows = NULL;
	unsigned ncols = 0, c;
	size_t r, cell;
	int rc = DB_ERR_NOMEM, f;

	*out = NULL;
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
	if (mysql_stmt_store_result(st) != 0) {
		rc = db_classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		goto done;
	}
	if ((meta = mysql_stmt_result_metadata(st)) == NULL) {
		rc = DB_ERR_FAILED;
		goto done;
	}
	ncols = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	if ((rows = calloc(1, sizeof(*rows))) == NULL ||
	    (b = calloc(ncols, sizeof(*b))) == NULL ||
	    (lens = calloc(ncols, sizeof(*lens))) == NULL ||
	    (nulls = calloc(ncols, sizeof(*nulls))) == NULL ||
	    (bufs = calloc(ncols, sizeof(*bufs))) == NULL)
		goto done;
	rows->ncols = (int)ncols;
	rows->nrows = (int)mysql_stmt_num_rows(st);
	cell = (size_t)rows->nrows * ncols;
	if ((rows->cell = calloc(cell ? cell : 1, sizeof(char *))) == NULL ||
	    (rows->len = calloc(cell ? cell : 1, sizeof(unsigned long))) == NULL)
		goto done;
	for (c = 0; c < ncols; c++) {
		/* max_length is of the text form; numbers need room too. */
		size_t sz = fields[c].max_length + 64;
		if ((bufs[c] = malloc(sz)) == NULL)
			goto done;
		b[c].buffer_type = MYSQL_TYPE_STRING;
		b[c].buffer = bufs[c];
		b[c].buffer_length = sz;
		b[c].length = &lens[c];
		b[c].is_null = &nulls[c];
	}
	if (mysql_stmt_bind_result(st, b) != 0) {
		rc = db_classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		goto done;
	}
	for (r = 0; r < (size_t)rows->nrows; r++) {
		f = mysql_stmt_fetch(st);
		if (f == 1 || f == MYSQL_NO_DATA) {
			rc = f == 1 ? db_classify(db, mysql_stmt_errno(st),
			    mysql_stmt_error(st)) : DB_ERR_FAILED;
			goto done;
		}
		for (c = 0; c < ncols; c++) {
			char *v;
			if (nulls[c])
				continue;
			if ((v = malloc(lens[c] + 1)) == NULL)
				goto done;
			if (lens[c] > b[c].buffer_length) {
				/* Longer than announced: fetch it whole. */
				MYSQL_BIND one = b[c];
				one.buffer = v;
				one.buffer_length = lens[c] + 1;
				if (mysql_stmt_fetch_column(st, &one, c, 0) != 0) {
					free(v);
					rc = DB_ERR_FAILED;
					goto done;
				}
			} else
				memcpy(v, bufs[c], lens[c]);
			v[lens[c]] = '\0';
			rows->cell[r * ncols + c] = v;
			rows->len[r * ncols + c] = lens[c];
		}
	}
	*out = rows;
	rows = NULL;
	rc = DB_OK;
done:
	if (bufs != NULL)
		for (c = 0; c < ncols; c++)
			free(bufs[c]);
	free(bufs);
	free(nulls);
	free(lens);
	free(b);
	if (meta != NULL)
		mysql_free_result(meta);
	if (db->conn != NULL)
		mysql_stmt_free_result(st);
	if (rows != NULL) {
		/* nrows may exceed what was filled: cells are NULL-initialised. */
		db_rows_free(rows);
	}
	return rc;
}

int
db_query(struct db *db, const char *sql, const struct db_param *params,
    int nparams, struct db_rows **out)
{
	MYSQL_STMT *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = db_run_retry(db, sql, params, nparams, &st)) != DB_OK)
		return rc;
	rc = db_fetch_all(db, st, out);
	if (rc == DB_ERR_UNAVAILABLE && !db->in_tx && !db->autocommit_write &&
	    (rc = db_run(db, sql, params, nparams, &st)) == DB_OK)
		rc = db_fetch_all(db, st, out);
	return rc;
}

/* A statement without parameters or results (transaction control);
   faultable: whether an armed fault may fail it (never ROLLBACK). */
static int
db_simple(struct db *db, const char *sql, int faultable)
{
	int rc;

	if (faultable && (rc = db_fault_hit(db)) != DB_OK)
		return rc;
	if (db->conn == NULL)
		return DB_ERR_UNAVAILABLE;
	if (mysql_real_query(db->conn, sql, strlen(sql)) != 0)
		return db_classify(db, mysql_errno(db->conn),
		    mysql_error(db->conn));
	return DB_OK;
}

unsigned
db_jitter_ms(struct db *db)
{
	struct timespec ts;

	/* Seeded per process: workers forked together must not sleep in
	   step, or two retrying writers collide again. */
	if (db->jitter_seed == 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		db->jitter_seed = (unsigned)getpid() * 2654435761u ^
		    (unsigned)ts.tv_nsec ^ (unsigned)(uintptr_t)db;
		if (db->jitter_seed == 0)
			db->jitter_seed = 1;
	}
	return (unsigned)rand_r(&db->jitter_seed) % 5;
}

static void
db_backoff(struct db *db, int attempt)
{
	struct timespec ts;

	/* 2, 4, 8... ms, at most 64, plus 0-4 ms of jitter. */
	ts.tv_sec = 0;
	ts.tv_nsec = (long)((2L << (attempt < 5 ? attempt : 5)) +
	    db_jitter_ms(db)) * 1000000L;
	nanosleep(&ts, NULL);
}

/*
 * Attempts of one write: DB_TX_ATTEMPTS, or DB_TX_ATTEMPTS_GALERA on a
 * Galera node, where writers of the same rows on other nodes meet only in
 * certification, all at once: a burst of such conflicts outlasted 5
 * attempts (30 ms) in make test-cluster, answering 503s.
 */
static int
db_tx_attempts(const struct db *db)
{
	return db->galera ? DB_TX_ATTEMPTS_GALERA : DB_TX_ATTEMPTS;
}

int
db_tx_retry(struct db *db)
{
	db->tx_retryable = 1;
	return DB_ERR_RETRY;
}

/* WSREP_LAST_WRITTEN_GTID() of the session into out ("" on failure). */
static int
db_written_gtid(struct db *db, char *out, size_t size)
{
	static const char sql[] = "SELECT WSREP_LAST_WRITTEN_GTID()";
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = DB_ERR_UNAVAILABLE;

	out[0] = '\0';
	if (mysql_real_query(db->conn, sql, sizeof(sql) - 1) != 0)
		return db_classify(db, mysql_errno(db->conn),
		    mysql_error(db->conn));
	if ((res = mysql_store_result(db->conn)) == NULL)
		return db_classify(db, mysql_errno(db->conn),
		    mysql_error(db->conn));
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL) {
		snprintf(out, size, "%s", row[0]);
		rc = DB_OK;
	}
	mysql_free_result(res);
	return rc;
}

/*
 * COMMIT, and on Galera the proof that it landed.  Measured on a 3-node
 * cluster (make test-cluster): a local transaction brute-force aborted by
 * a replicated one while its client was between statements is rolled
 * back, and the next statements run outside any transaction: COMMIT then
 * says OK with nothing committed, and the write was answered but lost.
 * A transaction that changed rows is given a GTID when it commits, so
 * the session's last written GTID must move across the COMMIT; when it
 * does not, the attempt was aborted: DB_ERR_RETRY (nothing committed,
 * run it again).  A check that cannot be read leaves the outcome
 * unknown: DB_ERR_UNAVAILABLE, never a rerun.
 */
static int
db_commit(struct db *db)
{
	char before[64], after[64];
	int rc, check = db->galera && db->tx_changed > 0;

	if (check && (rc = db_written_gtid(db, before, sizeof(before))) !=
	    DB_OK)
		return rc == DB_ERR_RETRY ? rc : DB_ERR_UNAVAILABLE;
	if ((rc = db_simple(db, "COMMIT", 1)) != DB_OK || !check)
		return rc;
	if (db_written_gtid(db, after, sizeof(after)) != DB_OK)
		return DB_ERR_UNAVAILABLE;
	if (strcmp(before, after) != 0)
		return DB_OK;
	log_error("db: a transaction was aborted before its COMMIT (Galera "
	    "brute-force abort, GTID still %s): running it again", after);
	db->tx_retryable = 1;
	return DB_ERR_RETRY;
}

/* Ends an attempt that will not commit; the connection may be gone. */
static void
db_tx_abandon(struct db *db)
{
	if (db->conn != NULL)
		(void)db_simple(db, "ROLLBACK", 0);
	db->in_tx = db->tx_active = 0;
}

int
db_transaction(struct db *db, db_tx_fn fn, void *ctx)
{
	int attempt, rc = DB_ERR_RETRY;

	for (attempt = 0; attempt < db_tx_attempts(db); attempt++) {
		if (attempt > 0)
			db_backoff(db, attempt - 1);
		db->tx_retryable = 0;
		if ((rc = db_ensure(db)) != DB_OK)
			return rc;
		db->tx_active = 1;
		db->tx_changed = 0;
		if ((rc = db_simple(db, "START TRANSACTION", 1)) != DB_OK) {
			db_tx_abandon(db);
			if (rc == DB_ERR_UNAVAILABLE || rc == DB_ERR_RETRY)
				continue;	/* nothing was sent yet */
			return rc;
		}
		db->in_tx = 1;
		rc = fn(db, ctx);
		/* Retried on what the server said, whatever fn returned: a
		   callback's own result can never be taken for a deadlock,
		   and one that swallowed a deadlock cannot commit half. */
		if (db->tx_retryable) {
			db_tx_abandon(db);
			rc = DB_ERR_RETRY;
			continue;
		}
		if (rc != DB_OK) {
			db_tx_abandon(db);
			return rc;
		}
		rc = db_commit(db);
		if (rc == DB_OK) {
			db->in_tx = db->tx_active = 0;
			return DB_OK;
		}
		/* 1213 at COMMIT (Galera certification): nothing committed.
		   A connection lost during COMMIT: the outcome is unknown,
		   so never run the write again. */
		db_tx_abandon(db);
		if (rc != DB_ERR_RETRY)
			return rc;
	}
	return rc;
}

/* Whether the statement that lost its connection was never run: the
   connection was found closed when the statement was sent. */
static int
db_lost_before_sending(const struct db *db)
{
	return db->last_errno == CR_SERVER_GONE_ERROR ||
	    db->last_errno == CR_CONNECTION_ERROR ||
	    db->last_errno == CR_CONN_HOST_ERROR ||
	    db->last_errno == ER_UNKNOWN_COM_ERROR ||	/* refused unrun */
	    db->last_errno == 4031;	/* idle session closed by the server */
}

int
db_autocommit(struct db *db, db_tx_fn fn, void *ctx)
{
	int attempt, rc = DB_ERR_RETRY;

	for (attempt = 0; attempt < db_tx_attempts(db); attempt++) {
		if (attempt > 0)
			db_backoff(db, attempt - 1);
		if ((rc = db_ensure(db)) != DB_OK)
			return rc;
		db->tx_retryable = 0;
		db->autocommit_write = 1;
		rc = fn(db, ctx);
		db->autocommit_write = 0;
		if (db->tx_retryable) {
			rc = DB_ERR_RETRY;
			continue;
		}
		if (rc == DB_ERR_UNAVAILABLE && db_lost_before_sending(db)) {
			rc = DB_ERR_RETRY;
			continue;
		}
		return rc;
	}
	return rc;
}
