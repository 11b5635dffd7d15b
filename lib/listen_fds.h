/*
 * listen_fds: the listening socket systemd hands over by socket
 * activation (sd_listen_fds(3), implemented here without libsystemd).
 * systemd passes the sockets from fd 3 (LISTEN_FDS_START) on and says so
 * in LISTEN_PID (the pid they are meant for) and LISTEN_FDS (how many).
 * The variables are unset once read, so that the workers and anything
 * they start never take the sockets for their own.
 */
#ifndef PMS_LISTEN_FDS_H
#define PMS_LISTEN_FDS_H

#include <sys/types.h>

#define LISTEN_FDS_START 3

enum listen_fds_rc {
	LISTEN_FDS_OK = 0,
	LISTEN_FDS_MALFORMED = -1,	/* LISTEN_PID or LISTEN_FDS not a number */
	LISTEN_FDS_NOT_SOCKET = -2	/* fd 3 is not a listening stream socket */
};

/*
 * The pure part: how many sockets the values of LISTEN_PID and LISTEN_FDS
 * (NULL when unset) hand to process `self`.  *count is 0 when they are
 * not ours (no LISTEN_PID, another pid, no LISTEN_FDS, "0").
 */
int listen_fds_parse(const char *pid, const char *fds, pid_t self, int *count);

/*
 * Reads and unsets LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES.  *fd is the
 * inherited listening socket (LISTEN_FDS_START), or -1 when the process
 * was not socket-activated.  Sockets beyond the first are closed: one
 * binary serves one socket.
 */
int listen_fds_take(int *fd);

#endif
