/*
 * server: how a binary receives requests, and the life of one request.
 *
 * Modes (chosen in server_main):
 *  - --listen PATH|:PORT --workers N: this process opens the socket and is
 *    a small master that forks N workers and re-forks any that dies; on
 *    SIGTERM/SIGINT it passes the signal on, waits, removes the socket.
 *  - systemd socket activation (LISTEN_PID/LISTEN_FDS, the socket on
 *    fd 3, listen_fds.h): the same master and workers on the inherited
 *    socket, which stays systemd's (never unlinked nor chmod-ed here).
 *  - fd 0 is a socket: FastCGI worker as started by spawn-fcgi or systemd.
 *  - otherwise plain CGI: one request from the environment and stdin.
 * Workers are single-threaded and stateless; each keeps one database
 * connection and serves any number of web-server connections from a poll()
 * loop, so nginx may keep them alive.  SIGTERM in a worker: the request in
 * flight, if any, completes, then the worker exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "auth.h"
#include "batch.h"
#include "config.h"
#include "db.h"
#include "envelope.h"
#include "listen_fds.h"
#include "log.h"
#include "request.h"
#include "router.h"
#include "server.h"

extern char **environ;

#define MAX_WORKERS 256

static volatile sig_atomic_t server_stopping;

static void
server_on_term(int sig)
{
	(void)sig;
	server_stopping = 1;
}

/*
 * The master wants wait() interrupted (no SA_RESTART) to see the flag; a
 * worker wants the system calls of a request in flight restarted, and sees
 * the flag because poll() is never restarted.
 */
static void
server_set_handler(int sig, void (*fn)(int), int restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(sig, &sa, NULL);
}

static void
server_request_init(struct request *rq, char **envp, FCGX_Request *fr,
    const struct family *fam, struct db *db, const struct config *cfg)
{
	memset(rq, 0, sizeof(*rq));
	clock_gettime(CLOCK_MONOTONIC, &rq->started);
	rq->fcgx = fr;
	rq->family = fam;
	rq->db = db;
	rq->cfg = cfg;
	request_init_params(rq, envp);
}

/*
 * The handler.  Test builds (PMS_FAULT_INJECTION, never release) fail the
 * database calls the X-Pms-Fault header names (db.h), counted from the
 * handler's first call, and say in X-Pms-Fault-Fired how many fired.
 */
static int
server_run_handler(struct request *rq)
{
#ifdef PMS_FAULT_INJECTION
	const char *spec = request_header(rq, "X-Pms-Fault");
	char fired[16];
	int rc;

	if (spec == NULL)
		return rq->route->handler(rq);
	if (db_fault_arm(rq->db, spec) != 0)
		return respond_error(rq, "VALIDATION_FAILED");
	rq->batch_alone = 1;	/* the faults are the handler's calls */
	rc = rq->route->handler(rq);
	snprintf(fired, sizeof(fired), "%d", db_fault_disarm(rq->db));
	request_add_header(rq, "X-Pms-Fault-Fired", fired);
	return rc;
#else
	return rq->route->handler(rq);
#endif
}

/* Routing, body, auth, handler: every failure answered in the envelope. */
static void
server_dispatch(struct request *rq)
{
	const char *code, *cl;
	char allow[64];
	int rc;

	switch (route_match(rq, rq->family->routes, allow, sizeof(allow))) {
	case ROUTE_NOT_FOUND:
		respond_error(rq, "NOT_FOUND");
		return;
	case ROUTE_METHOD_NOT_ALLOWED:
		request_add_header(rq, "Allow", allow);
		respond_error(rq, "METHOD_NOT_ALLOWED");
		return;
	default:
		break;
	}
	cl = request_param(rq, "CONTENT_LENGTH");
	if (cl != NULL && *cl != '\0' && strcmp(cl, "0") != 0) {
		rc = request_read_body(rq, rq->cfg->max_body);
		if (rc == BODY_TOO_LARGE) {
			respond_error(rq, "PAYLOAD_TOO_LARGE");
			return;
		}
		if (rc != BODY_OK) {
			respond_error(rq, rc == BODY_NOMEM ? "INTERNAL_ERROR" :
			    "BAD_LENGTH");
			return;
		}
	}
	if ((code = auth_check(rq, rq->route->auth)) != NULL) {
		respond_error(rq, code);
		return;
	}
	rc = server_run_handler(rq);
	if (rc == 0 && rq->batch != NULL && !rq->responded)
		return;		/* answered when its batch runs */
	if (!rq->responded || (rc != 0 && rq->status < 400)) {
		log_error("handler %s %s returned %d without an answer",
		    rq->method, rq->route->pattern, rc);
		respond_error(rq, "INTERNAL_ERROR");
	}
}

/*
 * Writes status line, headers and body in one buffered pass.  A HEAD
 * answer is the GET answer without its body: same status and headers,
 * Content-Length included (RFC 9110 9.3.2).
 */
static void
server_write(struct request *rq, FCGX_Stream *out)
{
	char head[1024];
	size_t body_len = strcmp(rq->method, "HEAD") == 0 ? 0 : rq->resp_len;
	int n;

	n = snprintf(head, sizeof(head),
	    "Status: %d %s\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n"
	    "X-Trace-Id: %s\r\n"
	    "Cache-Control: no-store\r\n"
	    /* a browser must never run a body as anything but JSON */
	    "X-Content-Type-Options: nosniff\r\n"
	    "%.*s\r\n",
	    rq->status, http_reason(rq->status), rq->resp_len, rq->trace_id,
	    (int)rq->resp_headers_len, rq->resp_headers);
	if (n < 0 || (size_t)n >= sizeof(head))
		n = snprintf(head, sizeof(head), "Status: 500 %s\r\n\r\n",
		    http_reason(500));
	if (out != NULL) {
		FCGX_PutStr(head, n, out);
		if (body_len > 0)
			FCGX_PutStr(rq->resp_body, (int)body_len, out);
	} else {
		fwrite(head, 1, (size_t)n, stdout);
		if (body_len > 0)
			fwrite(rq->resp_body, 1, body_len, stdout);
		fflush(stdout);
	}
}

/*
 * Reads and dispatches a request (from fr, or CGI when NULL).  Returns it
 * answered, or deferred to a batch (rq->batch); NULL when there was no
 * memory for it (a bare 500 is written).
 */
static struct request *
server_begin(char **envp, FCGX_Request *fr, const struct family *fam,
    struct db *db, const struct config *cfg)
{
	static const char bare[] = "Status: 500 Internal Server Error\r\n"
	    "Content-Length: 0\r\n\r\n";
	struct request *rq = malloc(sizeof(*rq));

	if (rq == NULL) {
		if (fr != NULL)
			FCGX_PutStr(bare, (int)sizeof(bare) - 1, fr->out);
		else
			fputs(bare, stdout);
		return NULL;
	}
	server_request_init(rq, envp, fr, fam, db, cfg);
	server_dispatch(rq);
	return rq;
}

/* Writes rq's answer (to fr, or stdout when NULL), logs it, frees rq. */
static void
server_end(struct request *rq, FCGX_Request *fr)
{
	struct timespec end;
	double ms;

	if (!rq->responded)
		respond_error(rq, "INTERNAL_ERROR");
	server_write(rq, fr ? fr->out : NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - rq->started.tv_sec) * 1e3 +
	    (double)(end.tv_nsec - rq->started.tv_nsec) / 1e6;
	log_request(rq, ms);
	if (rq->batch_item_free != NULL)
		rq->batch_item_free(rq->batch_item);
	free(rq->body);
	free(rq->resp_body);
	free(rq);
}

/*
 * Ends a request.  A connection the web server asked to keep (nginx
 * fastcgi_keep_conn) stays open for the next request, unless input was
 * left unread (a refused body): its records would be taken for the next
 * request's.  libfcgi closes a connection with shutdown() and then waits
 * (select + read, up to 2 s) for the web server to close its side, so that
 * unread input cannot turn into a reset that loses the response; when all
 * input was read that wait protects nothing and the connection is closed
 * at once ("detached"), freeing the worker a round trip earlier.
 */
static void
server_finish(FCGX_Request *req)
{
	char sink[4096];
	int n = 0, budget = 16, eof;

	/* The empty FCGI_STDIN record that ends the input is usually
	   already buffered; an unread body (413) is left to the drain. */
	while (budget-- > 0 && (n = FCGX_GetStr(sink, sizeof(sink), req->in)) > 0)
		;
	eof = n == 0 && FCGX_HasSeenEOF(req->in);
	if (!eof)
		req->keepConnection = 0;
	req->detached = eof;
	FCGX_Finish_r(req);
}

/*
 * Reads and answers the next request on a connection that poll() found
 * readable, or defers it (*deferred, answered by server_flush).  0 when
 * the connection stays open, -1 when it is closed (by either side) and
 * its request struct may be freed.
 */
static int
server_serve(FCGX_Request *req, const struct family *fam, struct db *db,
    const struct config *cfg, struct request **deferred)
{
	struct request *rq;

	*deferred = NULL;
	/* With no listening socket of its own (-1), libfcgi returns an error
	   instead of accepting when the web server has closed the connection. */
	if (FCGX_Accept_r(req) < 0)
		return -1;
	rq = server_begin(req->envp, req, fam, db, cfg);
	if (rq != NULL && rq->batch != NULL) {
		*deferred = rq;
		return 0;
	}
	if (rq != NULL)
		server_end(rq, req);
	server_finish(req);
	return req->ipcFd >= 0 ? 0 : -1;
}

#define WORKER_MAX_CONNS 256

/* A deferred request and the connection it came on. */
struct server_pending {
	struct request *rq;
	FCGX_Request *conn;
};

/*
 * Runs the deferred requests, each kind's together (batch.h), then
 * answers and ends every one of them.  Their connections stay in the
 * worker's list; server_sweep drops the ones that closed.
 */
static void
server_flush(struct server_pending *pend, int *np, struct db *db)
{
	struct request *same[BATCH_MAX];
	int ran[BATCH_MAX] = { 0 };
	int i, j, k;

	for (i = 0; i < *np; i++) {
		if (ran[i])
			continue;
		for (k = 0, j = i; j < *np; j++)
			if (!ran[j] && pend[j].rq->batch == pend[i].rq->batch) {
				same[k++] = pend[j].rq;
				ran[j] = 1;
			}
		pend[i].rq->batch->run(db, same, k);
	}
	for (i = 0; i < *np; i++) {
		server_end(pend[i].rq, pend[i].conn);
		server_finish(pend[i].conn);
	}
	*np = 0;
}

/* Frees the connections that closed; returns how many remain. */
static int
server_sweep(FCGX_Request **conns, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--)
		if (conns[i]->ipcFd < 0) {
			FCGX_Free(conns[i], 1);
			free(conns[i]);
			conns[i] = conns[--n];
		}
	return n;
}

/* Accepts a connection from the shared socket and serves its first
   request (possibly deferred into pend); returns the connection count. */
static int
server_accept_one(int listen_fd, FCGX_Request **conns, int n,
    const struct family *fam, struct db *db, const struct config *cfg,
    struct server_pending *pend, int *np)
{
	int fd;

	if ((fd = accept(listen_fd, NULL, NULL)) < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED)
			usleep(10000);	/* EMFILE and the like: no spin */
		return n;
	}
	if ((conns[n] = malloc(sizeof(*conns[n]))) == NULL) {
		close(fd);
		return n;
	}
	FCGX_InitRequest(conns[n], -1, 0);
	conns[n]->ipcFd = fd;
	/* FCGX_Accept_r first ends the previous request: without this
	   it would close the connection we have just accepted. */
	conns[n]->keepConnection = 1;
	/* The request follows the connection at once: serve it now. */
	if (server_serve(conns[n], fam, db, cfg, &pend[*np].rq) != 0) {
		FCGX_Free(conns[n], 1);
		free(conns[n]);
		return n;
	}
	if (pend[*np].rq != NULL)
		pend[(*np)++].conn = conns[n];
	return n + 1;
}

/*
 * One worker: a poll() loop over the shared listening socket and the
 * connections this worker has accepted.  Requests are served one at a
 * time, but an idle kept-alive connection never blocks the others (the
 * trap of fastcgi_keep_conn with libfcgi's blocking accept loop,
 * PITFALLS.md).  The writes deferred by the requests of one round (every
 * connection poll() found readable) run together at its end (batch.h).
 */
static int
server_worker(int listen_fd, const struct family *fam,
    const struct config *cfg)
{
	struct pollfd pfd[1 + WORKER_MAX_CONNS];
	FCGX_Request *conns[WORKER_MAX_CONNS];
	struct server_pending pend[BATCH_MAX];
	struct db *db;
	int n = 0, np = 0, i, flags, rc = 0;

	server_set_handler(SIGTERM, server_on_term, 1);
	server_set_handler(SIGINT, server_on_term, 1);
	if (FCGX_Init() != 0 || (db = db_new(cfg)) == NULL)
		return 1;
	/* Shared by every worker: whoever accepts first takes a connection,
	   the others get EAGAIN instead of blocking. */
	if ((flags = fcntl(listen_fd, F_GETFL)) >= 0)
		fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK);
	while (!server_stopping) {
		pfd[0].fd = n < WORKER_MAX_CONNS ? listen_fd : -1;
		pfd[0].events = POLLIN;
		for (i = 0; i < n; i++) {
			pfd[1 + i].fd = conns[i]->ipcFd;
			pfd[1 + i].events = POLLIN;
		}
		/* A timeout (0) only means queued log lines are due. */
		if (poll(pfd, (nfds_t)(1 + n), log_wait_ms()) < 0) {
			if (errno != EINTR)
				usleep(10000);
			continue;
		}
		for (i = n - 1; i >= 0 && !server_stopping; i--) {
			if (pfd[1 + i].revents == 0)
				continue;
			if (np == BATCH_MAX)
				server_flush(pend, &np, db);
			if (server_serve(conns[i], fam, db, cfg,
			    &pend[np].rq) != 0) {
				FCGX_Free(conns[i], 1);
				free(conns[i]);
				conns[i] = conns[--n];
			} else if (pend[np].rq != NULL)
				pend[np++].conn = conns[i];
		}
		if (!server_stopping && (pfd[0].revents & POLLIN) &&
		    n < WORKER_MAX_CONNS) {
			if (np == BATCH_MAX)
				server_flush(pend, &np, db);
			n = server_accept_one(listen_fd, conns, n, fam, db, cfg,
			    pend, &np);
		}
		server_flush(pend, &np, db);
		n = server_sweep(conns, n);
	}
	for (i = 0; i < n; i++) {
		FCGX_Free(conns[i], 1);
		free(conns[i]);
	}
	log_flush();
	db_free(db);
	return rc;
}

/*
 * How a worker leaves.  _exit, not exit: a forked worker must not run the
 * master's atexit handlers nor flush stdio buffers it inherited.  _exit
 * also skips LeakSanitizer's check at exit, so the ASan build runs it
 * here: a leak in request handling is reported into the pool's log (and
 * ends the worker with LSan's exit code); a clean check says so in one
 * line, which is how the test runner knows the check ran at all.
 */
static void
server_worker_exit(int rc)
{
#ifdef __SANITIZE_ADDRESS__
	__lsan_do_leak_check();
	log_info("worker %ld: leak check clean", (long)getpid());
#endif
	_exit(rc);
}

static pid_t
server_fork_worker(int listen_fd, const struct family *fam,
    const struct config *cfg)
{
	pid_t pid = fork();

	if (pid == 0) {
		log_init();
		/* Die with the master, even if it is killed with SIGKILL. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			_exit(0);
		server_worker_exit(server_worker(listen_fd, fam, cfg));
	}
	if (pid < 0)
		log_error("fork: %s", strerror(errno));
	return pid;
}

/*
 * The master: forks N workers on listen_fd and re-forks any that dies,
 * until SIGTERM/SIGINT, which it passes on to them.  `where` names the
 * socket in the log.  The socket itself is the caller's.
 */
static int
server_supervise(int fd, const char *where, int nworkers,
    const struct family *fam, const struct config *cfg)
{
	pid_t pids[MAX_WORKERS] = { 0 }, pid;
	struct timespec pause = { 0, 100 * 1000000L };
	int i, status, alive;

	server_set_handler(SIGTERM, server_on_term, 0);
	server_set_handler(SIGINT, server_on_term, 0);
	for (i = 0; i < nworkers; i++)
		pids[i] = server_fork_worker(fd, fam, cfg);
	log_info("%s: master %ld listening on %s with %d workers", fam->name,
	    (long)getpid(), where, nworkers);
	while (!server_stopping) {
		pid = wait(&status);
		if (pid < 0) {
			if (errno == ECHILD)
				nanosleep(&pause, NULL);
			continue;
		}
		for (i = 0; i < nworkers; i++)
			if (pids[i] == pid)
				break;
		if (i == nworkers || server_stopping)
			continue;
		log_info("%s: worker %ld ended (%s %d), replacing it",
		    fam->name, (long)pid, WIFSIGNALED(status) ? "signal" : "exit",
		    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		/* A worker that dies at once must not make us spin. */
		nanosleep(&pause, NULL);
		pids[i] = server_fork_worker(fd, fam, cfg);
	}
	for (i = 0; i < nworkers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	/* Workers finish the request in flight; give them 30 s at most. */
	for (i = 0; i < 300; i++) {
		alive = 0;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			;
		for (int j = 0; j < nworkers; j++)
			if (pids[j] > 0 && kill(pids[j], 0) == 0)
				alive++;
		if (alive == 0)
			break;
		nanosleep(&pause, NULL);
	}
	for (i = 0; i < nworkers; i++)
		if (pids[i] > 0 && kill(pids[i], 0) == 0)
			kill(pids[i], SIGKILL);
	while (waitpid(-1, &status, 0) > 0)
		;
	log_info("%s: master %ld stopped", fam->name, (long)getpid());
	return 0;
}

/* --listen: the socket is ours to create, chmod and remove. */
static int
server_master(const char *listen, int nworkers, mode_t mode,
    const struct family *fam, const struct config *cfg)
{
	int fd, rc;

	if (listen[0] != ':')
		unlink(listen);	/* a stale socket from a killed master */
	if ((fd = FCGX_OpenSocket(listen, 1024)) < 0) {
		log_error("%s: cannot listen on %s", fam->name, listen);
		return 1;
	}
	if (listen[0] != ':' && chmod(listen, mode) != 0)
		log_error("chmod %s: %s", listen, strerror(errno));
	rc = server_supervise(fd, listen, nworkers, fam, cfg);
	if (listen[0] != ':')
		unlink(listen);
	return rc;
}

static int
server_usage(const char *prog)
{
	fprintf(stderr,
	    "usage: %s                      (CGI, or FastCGI on fd 0)\n"
	    "       %s --listen PATH|:PORT [--workers N] [--mode OCTAL]\n"
	    "       %s [--workers N]        (socket-activated by systemd: fd 3)\n",
	    prog, prog, prog);
	return 2;
}

int
server_main(int argc, char **argv, const struct family *fam)
{
	const char *listen = NULL;
	struct config cfg;
	long workers = 4, mode = 0660;
	char *end;
	int i, rc, activated;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
			workers = strtol(argv[++i], &end, 10);
			if (*end != '\0' || workers < 1 || workers > MAX_WORKERS)
				return server_usage(argv[0]);
		} else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
			mode = strtol(argv[++i], &end, 8);
			if (*end != '\0' || mode < 0 || mode > 0777)
				return server_usage(argv[0]);
		} else
			return server_usage(argv[0]);
	}
	if (listen_fds_take(&activated) != LISTEN_FDS_OK)
		return 1;
	if (activated >= 0 && listen != NULL) {
		log_error("%s: --listen given, and a socket from systemd: "
		    "use one of them", fam->name);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);	/* nginx may close early */
	if (config_load(&cfg) != 0)
		return 1;
	/* systemd owns the socket: never unlinked nor chmod-ed here. */
	if (activated >= 0)
		return server_supervise(activated, "the socket from systemd "
		    "(fd 3)", (int)workers, fam, &cfg);
	if (listen != NULL)
		return server_master(listen, (int)workers, (mode_t)mode, fam,
		    &cfg);
	if (!FCGX_IsCGI())
		return server_worker(0, fam, &cfg);
	/* Plain CGI: one request, then exit. */
	{
		struct db *db = db_new(&cfg);
		if (db == NULL)
			return 1;
		struct request *rq = server_begin(environ, NULL, fam, db, &cfg);
		if (rq != NULL)
			server_end(rq, NULL);
		log_flush();
		db_free(db);
		rc = 0;
	}
	return rc;
}
