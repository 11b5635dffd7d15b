/*
 * listen_fds: systemd socket activation (see listen_fds.h).  The protocol
 * is two environment variables and a fixed fd number, so it is parsed
 * here rather than linking libsystemd for it.  A malformed value is an
 * error, not "not activated": a unit that believes it handed a socket
 * over must not find the binary silently serving plain CGI instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "listen_fds.h"
#include "log.h"

/* A decimal number without sign, blanks or overflow, at most max. */
static int
listen_fds_number(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (s[0] < '0' || s[0] > '9')
		return LISTEN_FDS_MALFORMED;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return LISTEN_FDS_MALFORMED;
	*out = v;
	return LISTEN_FDS_OK;
}

int
listen_fds_parse(const char *pid, const char *fds, pid_t self, int *count)
{
	long p, n;

	*count = 0;
	if (pid == NULL)
		return LISTEN_FDS_OK;
	if (listen_fds_number(pid, LONG_MAX, &p) != LISTEN_FDS_OK || p == 0)
		return LISTEN_FDS_MALFORMED;
	if (p != (long)self || fds == NULL)
		return LISTEN_FDS_OK;
	/* The fds are numbered from 3: their count must leave room for it. */
	if (listen_fds_number(fds, INT_MAX - LISTEN_FDS_START, &n) !=
	    LISTEN_FDS_OK)
		return LISTEN_FDS_MALFORMED;
	*count = (int)n;
	return LISTEN_FDS_OK;
}

/* A socket in listening state, of the stream type FastCGI needs. */
static int
listen_fds_is_listener(int fd)
{
	struct stat st;
	int type, on;
	socklen_t len;

	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return 0;
	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
	    type != SOCK_STREAM)
		return 0;
	len = sizeof(on);
	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on;
}

int
listen_fds_take(int *fd)
{
	int count, i, rc;

	*fd = -1;
	rc = listen_fds_parse(getenv("LISTEN_PID"), getenv("LISTEN_FDS"),
	    getpid(), &count);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (rc != LISTEN_FDS_OK) {
		log_error("LISTEN_PID/LISTEN_FDS from systemd are malformed");
		return rc;
	}
	if (count == 0)
		return LISTEN_FDS_OK;
	if (!listen_fds_is_listener(LISTEN_FDS_START)) {
		log_error("fd %d from systemd is not a listening stream socket",
		    LISTEN_FDS_START);
		return LISTEN_FDS_NOT_SOCKET;
	}
	for (i = LISTEN_FDS_START + 1; i < LISTEN_FDS_START + count; i++) {
		log_error("fd %d from systemd: closed, only fd %d is served", i,
		    LISTEN_FDS_START);
		close(i);
	}
	/* Forked workers keep it; a program they exec does not. */
	fcntl(LISTEN_FDS_START, F_SETFD, FD_CLOEXEC);
	*fd = LISTEN_FDS_START;
	return LISTEN_FDS_OK;
}
