/*
 * config: the few settings a binary needs, from defaults, then the file
 * named by PMS_CONFIG (KEY=value lines, '#' comments), then the
 * environment, which wins.  Read once at start; nothing here is secret
 * except the DB password, which is never logged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

static void
config_copy(char *dst, size_t dstlen, const char *src)
{
	snprintf(dst, dstlen, "%s", src);
}

/* Applies one KEY=value setting; unknown keys are ignored. 0 or -1. */
static int
config_set(struct config *cfg, const char *key, const char *val)
{
	char *end;
	unsigned long n;

	if (strcmp(key, "PMS_DB_SOCKET") == 0)
		config_copy(cfg->db_socket, sizeof(cfg->db_socket), val);
	else if (strcmp(key, "PMS_DB_HOST") == 0) {
		/* Cut, the list would name a host that is not the one meant. */
		if (strlen(val) >= sizeof(cfg->db_host_list)) {
			log_error("config: PMS_DB_HOST: longer than %zu",
			    sizeof(cfg->db_host_list) - 1);
			return -1;
		}
		config_copy(cfg->db_host_list, sizeof(cfg->db_host_list), val);
	}
	else if (strcmp(key, "PMS_DB_USER") == 0)
		config_copy(cfg->db_user, sizeof(cfg->db_user), val);
	else if (strcmp(key, "PMS_DB_PASSWORD") == 0)
		config_copy(cfg->db_password, sizeof(cfg->db_password), val);
	else if (strcmp(key, "PMS_DB_NAME") == 0)
		config_copy(cfg->db_name, sizeof(cfg->db_name), val);
	else if (strcmp(key, "PMS_DB_PORT") == 0 ||
	    strcmp(key, "PMS_MAX_BODY") == 0 ||
	    strcmp(key, "PMS_HORIZON_DAYS") == 0) {
		errno = 0;
		n = strtoul(val, &end, 10);
		/* Digits only: strtoul would take " +42" and "-1" too. */
		if (errno != 0 || *val < '0' || *val > '9' || *end != '\0' ||
		    n == 0 || n > 1UL << 30 ||
		    (key[4] == 'D' && n > 65535)) {
			log_error("config: %s: not a positive number", key);
			return -1;
		}
		if (key[4] == 'D')
			cfg->db_port = (unsigned)n;
		else if (key[4] == 'M')
			cfg->max_body = n;
		else
			cfg->horizon_days = (int)n;
	}
	return 0;
}

/* s without leading and trailing blanks (modified in place). */
static char *
config_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static int
config_read_file(struct config *cfg, const char *path)
{
	FILE *f;
	char line[1024], *eq, *key;
	int rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		log_error("config: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		key = config_trim(line);
		if (*key == '#' || (eq = strchr(key, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strncmp(key, "export ", 7) == 0)
			key += 7;
		if (config_set(cfg, config_trim(key), config_trim(eq + 1)) != 0)
			rc = -1;
	}
	fclose(f);
	return rc;
}

int
config_load(struct config *cfg)
{
	static const char *keys[] = {
		"PMS_DB_SOCKET", "PMS_DB_HOST", "PMS_DB_PORT", "PMS_DB_USER",
		"PMS_DB_PASSWORD", "PMS_DB_NAME", "PMS_MAX_BODY",
		"PMS_HORIZON_DAYS", NULL
	};
	const char *file, *v;
	int i;

	memset(cfg, 0, sizeof(*cfg));
	config_copy(cfg->db_host_list, sizeof(cfg->db_host_list), "127.0.0.1");
	cfg->db_port = 3306;
	config_copy(cfg->db_user, sizeof(cfg->db_user), "pms");
	config_copy(cfg->db_name, sizeof(cfg->db_name), "pms");
	cfg->max_body = 1048576;
	cfg->horizon_days = 365;

	if ((file = getenv("PMS_CONFIG")) != NULL && *file != '\0' &&
	    config_read_file(cfg, file) != 0)
		return -1;
	for (i = 0; keys[i] != NULL; i++)
		if ((v = getenv(keys[i])) != NULL &&
		    config_set(cfg, keys[i], v) != 0)
			return -1;
	if ((cfg->db_nhosts = db_hosts_parse(cfg->db_host_list, cfg->db_port,
	    cfg->db_hosts)) < 1)
		return -1;
	return 0;
}
