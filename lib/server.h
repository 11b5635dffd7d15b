/*
 * server: the request loop shared by every binary.  One binary serves
 *  - plain CGI (one request from the environment and stdin),
 *  - FastCGI with the listening socket on fd 0 (spawn-fcgi, systemd),
 *  - `--listen PATH|:PORT --workers N`: a small master keeps N workers
 *    alive on its own socket (a dead worker is replaced); SIGTERM lets the
 *    request in flight finish,
 *  - `[--workers N]` started by systemd socket activation (the socket on
 *    fd 3): the same master and workers on systemd's socket.
 * For each request: route (404/405), body limit (413), auth, content type,
 * then the handler; 503 while the database is unreachable; one log line.
 */
#ifndef PMS_SERVER_H
#define PMS_SERVER_H

struct family;

/* The binary's main(): returns the process exit status. */
int server_main(int argc, char **argv, const struct family *family);

#endif
