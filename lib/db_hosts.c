/*
 * db_hosts: parses PMS_DB_HOST, a comma-separated list of up to
 * DB_HOSTS_MAX nodes of one cluster, each "host", "host:port" or an IPv6
 * literal (bracketed when it has a port).  A malformed list is refused
 * whole, with a log line naming the entry, rather than half-used: a node
 * silently dropped from the list would only be missed on the day the
 * others are down.  Also the verdict on a Galera node's readiness, kept
 * apart from the connection so that it is testable without a cluster.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "db_hosts.h"
#include "log.h"

/* A port of 1..65535 from digits only; -1 otherwise. */
static int
db_hosts_port(const char *s, size_t len, unsigned *out)
{
	unsigned long n = 0;
	size_t i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (unsigned long)(s[i] - '0');
	}
	if (n == 0 || n > 65535)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* One entry, s[0..len), already trimmed. 0 or -1 (logged). */
static int
db_hosts_entry(const char *s, size_t len, unsigned default_port,
    struct db_host *h)
{
	const char *name = s, *colon, *port = NULL;
	size_t nlen = len, plen = 0;

	if (len == 0) {
		log_error("config: PMS_DB_HOST: empty entry");
		return -1;
	}
	if (s[0] == '[') {
		if ((colon = memchr(s, ']', len)) == NULL || colon == s + 1)
			goto bad;
		name = s + 1;
		nlen = (size_t)(colon - name);
		if (colon + 1 < s + len) {
			if (colon[1] != ':')
				goto bad;
			port = colon + 2;
			plen = (size_t)(s + len - port);
		}
	} else if ((colon = memchr(s, ':', len)) != NULL &&
	    memchr(colon + 1, ':', (size_t)(s + len - colon - 1)) == NULL) {
		/* One ':' is host:port; more is a bare IPv6 literal. */
		nlen = (size_t)(colon - s);
		port = colon + 1;
		plen = (size_t)(s + len - port);
		if (nlen == 0)
			goto bad;
	}
	if (nlen >= sizeof(h->name)) {
		log_error("config: PMS_DB_HOST: a host name longer than %zu",
		    sizeof(h->name) - 1);
		return -1;
	}
	if (memchr(name, '[', nlen) != NULL || memchr(name, ']', nlen) != NULL)
		goto bad;
	h->port = default_port;
	if (port != NULL && db_hosts_port(port, plen, &h->port) != 0) {
		log_error("config: PMS_DB_HOST: bad port in \"%.*s\"",
		    (int)len, s);
		return -1;
	}
	memcpy(h->name, name, nlen);
	h->name[nlen] = '\0';
	return 0;
bad:
	log_error("config: PMS_DB_HOST: malformed entry \"%.*s\"", (int)len, s);
	return -1;
}

int
db_hosts_parse(const char *list, unsigned default_port, struct db_host *out)
{
	const char *s = list, *end, *b, *e;
	int n = 0;

	for (;;) {
		if ((end = strchr(s, ',')) == NULL)
			end = s + strlen(s);
		/* Blanks around an entry are layout, not part of a name. */
		for (b = s; b < end && (*b == ' ' || *b == '\t'); b++)
			;
		for (e = end; e > b && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		if (n == DB_HOSTS_MAX) {
			log_error("config: PMS_DB_HOST: more than %d hosts",
			    DB_HOSTS_MAX);
			return -1;
		}
		if (db_hosts_entry(b, (size_t)(e - b), default_port,
		    &out[n]) != 0)
			return -1;
		n++;
		if (*end == '\0')
			return n;
		s = end + 1;
	}
}

void
db_host_format(const struct db_host *h, char *buf, size_t size)
{
	if (strchr(h->name, ':') != NULL)
		snprintf(buf, size, "[%s]:%u", h->name, h->port);
	else
		snprintf(buf, size, "%s:%u", h->name, h->port);
}

/* information_schema says ON/OFF, @@variables 1/0. */
static int
db_hosts_on(const char *v)
{
	return v != NULL && (strcasecmp(v, "ON") == 0 || strcmp(v, "1") == 0);
}

int
db_node_ready(const char *wsrep_on, const char *wsrep_ready)
{
	return !db_hosts_on(wsrep_on) || db_hosts_on(wsrep_ready);
}
