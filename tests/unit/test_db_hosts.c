/*
 * Unit tests of lib/db_hosts.c beyond the list parsing (test_config.c
 * drives that through config_load): the verdict on a Galera node's
 * readiness, which decides whether db_ensure skips a node, and the
 * host:port form the failover log lines use.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "db_hosts.h"

static void
galera_node_outside_the_primary_component_is_not_ready(void **state)
{
	(void)state;
	assert_false(db_node_ready("ON", "OFF"));
	assert_false(db_node_ready("1", "0"));
	/* wsrep on but no readiness said: not trusted. */
	assert_false(db_node_ready("ON", NULL));
}

static void
galera_node_in_the_primary_component_is_ready(void **state)
{
	(void)state;
	assert_true(db_node_ready("ON", "ON"));
	assert_true(db_node_ready("on", "on"));
	assert_true(db_node_ready("1", "1"));
}

static void
server_without_galera_is_ready(void **state)
{
	(void)state;
	/* What a plain MariaDB 10.11 says: wsrep_on OFF, wsrep_ready OFF. */
	assert_true(db_node_ready("OFF", "OFF"));
	assert_true(db_node_ready("0", NULL));
	/* A server built without wsrep has neither variable. */
	assert_true(db_node_ready(NULL, NULL));
}

static void
host_format_brackets_ipv6_literals_only(void **state)
{
	struct db_host h = { .port = 3307 };
	char buf[64];

	(void)state;
	snprintf(h.name, sizeof(h.name), "db1.internal");
	db_host_format(&h, buf, sizeof(buf));
	assert_string_equal(buf, "db1.internal:3307");
	snprintf(h.name, sizeof(h.name), "::1");
	db_host_format(&h, buf, sizeof(buf));
	assert_string_equal(buf, "[::1]:3307");
	/* Cut to the buffer, still terminated. */
	db_host_format(&h, buf, 4);
	assert_string_equal(buf, "[::");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(galera_node_outside_the_primary_component_is_not_ready),
		cmocka_unit_test(galera_node_in_the_primary_component_is_ready),
		cmocka_unit_test(server_without_galera_is_ready),
		cmocka_unit_test(host_format_brackets_ipv6_literals_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
