/*
 * config: where the database is and the limits, from the environment
 * (PMS_*), optionally completed by a file named by PMS_CONFIG holding
 * KEY=value lines with the same names.  The environment wins.
 *
 *   PMS_DB_SOCKET    unix socket of MariaDB (preferred when set)
 *   PMS_DB_HOST      host (default 127.0.0.1), PMS_DB_PORT (default 3306)
 *   PMS_DB_USER, PMS_DB_PASSWORD, PMS_DB_NAME (default "pms")
 *   PMS_MAX_BODY     request body limit in bytes (default 1048576)
 *   PMS_HORIZON_DAYS inventory horizon (default 365)
 */
#ifndef PMS_CONFIG_H
#define PMS_CONFIG_H

#include <stddef.h>

struct config {
	char db_socket[256];
	char db_host[256];
	unsigned db_port;
	char db_user[128];
	char db_password[256];
	char db_name[128];
	size_t max_body;
	int horizon_days;
};

/* Fills cfg from defaults, the PMS_CONFIG file and the environment. 0 or -1. */
int config_load(struct config *cfg);

#endif
