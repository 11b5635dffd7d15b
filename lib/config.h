/*
 * config: where the database is and the limits, from the environment
 * (PMS_*), optionally completed by a file named by PMS_CONFIG holding
 * KEY=value lines with the same names.  The environment wins.
 *
 *   PMS_DB_SOCKET    unix socket of MariaDB (preferred when set: then
 *                    PMS_DB_HOST is not used)
 *   PMS_DB_HOST      MariaDB over TCP (default 127.0.0.1): one host, or
 *                    the nodes of a cluster as a comma-separated list of
 *                    up to 8 "host", "host:port" or "[v6-literal]:port"
 *                    (see db_hosts.h), tried in turn by db.c; an empty
 *                    entry, a bad port or a ninth entry fails config_load
 *   PMS_DB_PORT      port of the entries without one (default 3306)
 *   PMS_DB_USER, PMS_DB_PASSWORD, PMS_DB_NAME (default "pms")
 *   PMS_MAX_BODY     request body limit in bytes (default 1048576)
 *   PMS_HORIZON_DAYS inventory horizon (default 365)
 */
#ifndef PMS_CONFIG_H
#define PMS_CONFIG_H

#include <stddef.h>

#include "db_hosts.h"

struct config {
	char db_socket[256];
	/* PMS_DB_HOST as given; config_load parses it into db_hosts once
	   PMS_DB_PORT, which may come later, is known. */
	char db_host_list[DB_HOSTS_MAX * (DB_HOST_NAME_MAX + 8)];
	struct db_host db_hosts[DB_HOSTS_MAX];
	int db_nhosts;			/* >= 1 after config_load */
	unsigned db_port;		/* default port of the entries */
	char db_user[128];
	char db_password[256];
	char db_name[128];
	size_t max_body;
	int horizon_days;
};

/* Fills cfg from defaults, the PMS_CONFIG file and the environment. 0 or -1. */
int config_load(struct config *cfg);

#endif
