/*
 * db_hosts: the MariaDB nodes named by PMS_DB_HOST: the list, parsed once
 * by config_load, and whether a node may serve, judged by db.c from its
 * wsrep variables after each connect.  Entries are separated by commas:
 * "host", "host:port", "[v6-literal]" or "[v6-literal]:port"; a bare IPv6
 * literal ("::1", more than one ':') takes the default port.  db.c tries
 * them in turn.
 */
#ifndef PMS_DB_HOSTS_H
#define PMS_DB_HOSTS_H

#include <stddef.h>

#define DB_HOSTS_MAX 8
#define DB_HOST_NAME_MAX 256	/* with its NUL; DNS names are <= 253 */

struct db_host {
	char name[DB_HOST_NAME_MAX];	/* without brackets */
	unsigned port;
};

/*
 * Parses list into out[0..DB_HOSTS_MAX-1]; entries without a port take
 * default_port.  The number of entries (1..DB_HOSTS_MAX), or -1 after
 * logging why (empty entry, bad port, too many entries, name too long).
 */
int db_hosts_parse(const char *list, unsigned default_port,
    struct db_host *out);

/* "name:port", or "[name]:port" for an IPv6 literal, into buf (cut to
   size, always terminated): for logs. */
void db_host_format(const struct db_host *h, char *buf, size_t size);

/*
 * Whether a node whose global wsrep_on and status wsrep_ready read as
 * given (NULL: no such variable) may serve: not when Galera is on and the
 * node is not ready (outside the primary component, refusing statements
 * with 1047).  A server without Galera is ready.
 */
int db_node_ready(const char *wsrep_on, const char *wsrep_ready);

#endif
