/*
 * server: how a binary receives requests, and the life of one request.
 *
 * Modes (chosen in server_main):
 *  - --listen PATH|:PORT --workers N: this process opens the socket and is
 *    a small master that forks N workers and re-forks any that dies; on
 *    SIGTERM/SIGINT it passes the signal on, waits, removes the socket.
 *  - fd 0 is a socket: FastCGI worker as started by spawn-fcgi or systemd.
 *  - otherwise plain CGI: one request from the environment and stdin.
 * Workers are single-threaded and stateless; each keeps one database
 * connection.  SIGTERM in a worker: libfcgi's accept is told to stop
 * (FCGX_ShutdownPending) and the request in flight, if any, completes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <openssl/rand.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "envelope.h"
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
	FCGX_ShutdownPending();
}

static void
server_set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: accept()/wait() must return EINTR to see the flag. */
	sa.sa_flags = 0;
	sigaction(sig, &sa, NULL);
}

/* nginx's $request_id is 32 hex digits; accept any short token, else make one. */
static void
server_trace_id(struct request *rq)
{
	const char *id = request_param(rq, "REQUEST_ID");
	unsigned char raw[16];
	size_t i, n;

	if (id != NULL && (n = strlen(id)) > 0 && n < sizeof(rq->trace_id) &&
	    strspn(id, "0123456789abcdefABCDEF-_") == n) {
		memcpy(rq->trace_id, id, n + 1);
		return;
	}
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		memset(raw, 0, sizeof(raw));
	for (i = 0; i < sizeof(raw); i++)
		snprintf(rq->trace_id + 2 * i, 3, "%02x", raw[i]);
}

/* English when the first of en/fr named in Accept-Language is en. */
static enum lang
server_lang(const struct request *rq)
{
	const char *al = request_header(rq, "Accept-Language"), *p;

	for (p = al; p != NULL && *p != '\0'; p++) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncasecmp(p, "en", 2) == 0 && (p[2] == '\0' ||
		    strchr(",;- ", p[2]) != NULL))
			return LANG_EN;
		if (strncasecmp(p, "fr", 2) == 0 && (p[2] == '\0' ||
		    strchr(",;- ", p[2]) != NULL))
			return LANG_FR;
		if ((p = strchr(p, ',')) == NULL)
			break;
	}
	return LANG_FR;
}

static void
server_request_init(struct request *rq, char **envp, FCGX_Request *fr,
    const struct family *fam, struct db *db, const struct config *cfg)
{
	const char *uri, *q;
	size_t n;

	memset(rq, 0, sizeof(*rq));
	clock_gettime(CLOCK_MONOTONIC, &rq->started);
	rq->envp = envp;
	rq->fcgx = fr;
	rq->family = fam;
	rq->db = db;
	rq->cfg = cfg;
	rq->method = request_param(rq, "REQUEST_METHOD");
	if (rq->method == NULL)
		rq->method = "GET";
	uri = request_param(rq, "REQUEST_URI");
	if (uri == NULL)
		uri = request_param(rq, "SCRIPT_NAME");
	rq->request_uri = uri ? uri : "/";
	q = strchr(rq->request_uri, '?');
	n = q ? (size_t)(q - rq->request_uri) : strlen(rq->request_uri);
	if (n >= sizeof(rq->path))
		n = sizeof(rq->path) - 1;
	memcpy(rq->path, rq->request_uri, n);
	rq->path[n] = '\0';
	rq->query = q ? q + 1 : "";
	server_trace_id(rq);
	rq->lang = server_lang(rq);
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
	rc = rq->route->handler(rq);
	if (!rq->responded || (rc != 0 && rq->status < 400)) {
		log_error("handler %s %s returned %d without an answer",
		    rq->method, rq->route->pattern, rc);
		respond_error(rq, "INTERNAL_ERROR");
	}
}

/* Writes status line, headers and body in one buffered pass. */
static void
server_write(struct request *rq, FCGX_Stream *out)
{
	char head[1024];
	int n;

	n = snprintf(head, sizeof(head),
	    "Status: %d %s\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n"
	    "X-Trace-Id: %s\r\n"
	    "Cache-Control: no-store\r\n"
	    "%.*s\r\n",
	    rq->status, http_reason(rq->status), rq->resp_len, rq->trace_id,
	    (int)rq->resp_headers_len, rq->resp_headers);
	if (n < 0 || (size_t)n >= sizeof(head))
		n = snprintf(head, sizeof(head), "Status: 500 %s\r\n\r\n",
		    http_reason(500));
	if (out != NULL) {
		FCGX_PutStr(head, n, out);
		if (rq->resp_len > 0)
			FCGX_PutStr(rq->resp_body, (int)rq->resp_len, out);
	} else {
		fwrite(head, 1, (size_t)n, stdout);
		if (rq->resp_len > 0)
			fwrite(rq->resp_body, 1, rq->resp_len, stdout);
		fflush(stdout);
	}
}

static void
server_handle(char **envp, FCGX_Request *fr, const struct family *fam,
    struct db *db, const struct config *cfg)
{
	struct request rq;
	struct timespec end;
	double ms;

	server_request_init(&rq, envp, fr, fam, db, cfg);
	server_dispatch(&rq);
	if (!rq.responded)
		respond_error(&rq, "INTERNAL_ERROR");
	server_write(&rq, fr ? fr->out : NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - rq.started.tv_sec) * 1e3 +
	    (double)(end.tv_nsec - rq.started.tv_nsec) / 1e6;
	log_request(&rq, ms);
	free(rq.body);
	free(rq.resp_body);
}

/* The FastCGI accept loop of one worker on listen_fd. */
static int
server_worker(int listen_fd, const struct family *fam,
    const struct config *cfg)
{
	FCGX_Request req;
	struct db *db;

	server_set_handler(SIGTERM, server_on_term);
	server_set_handler(SIGINT, server_on_term);
	if (FCGX_Init() != 0 || (db = db_new(cfg)) == NULL)
		return 1;
	FCGX_InitRequest(&req, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
	while (!server_stopping) {
		if (FCGX_Accept_r(&req) < 0) {
			if (server_stopping)
				break;
			if (errno != EINTR)
				usleep(10000);	/* EMFILE and the like: do not spin */
			continue;
		}
		server_handle(req.envp, &req, fam, db, cfg);
		FCGX_Finish_r(&req);
	}
	db_free(db);
	return 0;
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
		_exit(server_worker(listen_fd, fam, cfg));
	}
	if (pid < 0)
		log_error("fork: %s", strerror(errno));
	return pid;
}

static int
server_master(const char *listen, int nworkers, mode_t mode,
    const struct family *fam, const struct config *cfg)
{
	pid_t pids[MAX_WORKERS] = { 0 }, pid;
	struct timespec pause = { 0, 100 * 1000000L };
	int fd, i, status, alive;

	if (listen[0] != ':')
		unlink(listen);	/* a stale socket from a killed master */
	if ((fd = FCGX_OpenSocket(listen, 1024)) < 0) {
		log_error("%s: cannot listen on %s", fam->name, listen);
		return 1;
	}
	if (listen[0] != ':' && chmod(listen, mode) != 0)
		log_error("chmod %s: %s", listen, strerror(errno));
	server_set_handler(SIGTERM, server_on_term);
	server_set_handler(SIGINT, server_on_term);
	for (i = 0; i < nworkers; i++)
		pids[i] = server_fork_worker(fd, fam, cfg);
	log_info("%s: master %ld listening on %s with %d workers", fam->name,
	    (long)getpid(), listen, nworkers);
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
	if (listen[0] != ':')
		unlink(listen);
	log_info("%s: master %ld stopped", fam->name, (long)getpid());
	return 0;
}

static int
server_usage(const char *prog)
{
	fprintf(stderr,
	    "usage: %s                      (CGI, or FastCGI on fd 0)\n"
	    "       %s --listen PATH|:PORT [--workers N] [--mode OCTAL]\n",
	    prog, prog);
	return 2;
}

int
server_main(int argc, char **argv, const struct family *fam)
{
	const char *listen = NULL;
	struct config cfg;
	long workers = 4, mode = 0660;
	char *end;
	int i, rc;

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
	signal(SIGPIPE, SIG_IGN);	/* nginx may close early */
	if (config_load(&cfg) != 0)
		return 1;
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
		server_handle(environ, NULL, fam, db, &cfg);
		db_free(db);
		rc = 0;
	}
	return rc;
}
