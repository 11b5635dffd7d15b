/*
 * Unit tests of lib/config.c: the defaults, each PMS_* variable from the
 * environment, the file named by PMS_CONFIG (KEY=value lines, comments,
 * "export " prefixes, CRLF), the environment winning over the file,
 * config_load failing on a bad number or a missing file, and PMS_DB_HOST
 * as a list of nodes (ports, IPv6 literals, malformed lists refused).  Each test starts
 * from an environment without PMS_* and gets the caller's back afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static const char *const config_vars[] = {
	"PMS_CONFIG", "PMS_DB_SOCKET", "PMS_DB_HOST", "PMS_DB_PORT",
	"PMS_DB_USER", "PMS_DB_PASSWORD", "PMS_DB_NAME", "PMS_MAX_BODY",
	"PMS_HORIZON_DAYS", NULL
};

#define NVARS (sizeof(config_vars) / sizeof(config_vars[0]) - 1)

/* The caller's values, restored after each test. */
static char *saved[NVARS];
/* The temporary config file of the current test, removed after it. */
static char tmp_path[64];

static int
env_clear(void **state)
{
	size_t i;
	const char *v;

	(void)state;
	for (i = 0; i < NVARS; i++) {
		v = getenv(config_vars[i]);
		saved[i] = v != NULL ? strdup(v) : NULL;
		unsetenv(config_vars[i]);
	}
	tmp_path[0] = '\0';
	return 0;
}

static int
env_restore(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NVARS; i++) {
		if (saved[i] != NULL)
			setenv(config_vars[i], saved[i], 1);
		else
			unsetenv(config_vars[i]);
		free(saved[i]);
		saved[i] = NULL;
	}
	if (tmp_path[0] != '\0')
		unlink(tmp_path);
	tmp_path[0] = '\0';
	return 0;
}

/* Writes text to a new temporary file and names it in PMS_CONFIG. */
static void
config_file(const char *text)
{
	FILE *f;
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/test_config.XXXXXX");
	fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(setenv("PMS_CONFIG", tmp_path, 1), 0);
}

/* Entry i of the parsed host list is name:port. */
static void
assert_host(const struct config *cfg, int i, const char *name, unsigned port)
{
	assert_true(i < cfg->db_nhosts);
	assert_string_equal(cfg->db_hosts[i].name, name);
	assert_int_equal(cfg->db_hosts[i].port, port);
}

static void
defaults_apply_when_nothing_is_set(void **state)
{
	struct config cfg;

	(void)state;
	memset(&cfg, 0x5a, sizeof(cfg));
	assert_int_equal(config_load(&cfg), 0);
	assert_string_equal(cfg.db_socket, "");
	assert_int_equal(cfg.db_nhosts, 1);
	assert_host(&cfg, 0, "127.0.0.1", 3306);
	assert_int_equal(cfg.db_port, 3306);
	assert_string_equal(cfg.db_user, "pms");
	assert_string_equal(cfg.db_password, "");
	assert_string_equal(cfg.db_name, "pms");
	assert_int_equal(cfg.max_body, 1048576);
	assert_int_equal(cfg.horizon_days, 365);
}

static void
environment_overrides_every_setting(void **state)
{
	struct config cfg;

	(void)state;
	setenv("PMS_DB_SOCKET", "/run/mysqld/mysqld.sock", 1);
	setenv("PMS_DB_HOST", "db.internal", 1);
	setenv("PMS_DB_PORT", "23306", 1);
	setenv("PMS_DB_USER", "pms_app", 1);
	setenv("PMS_DB_PASSWORD", "s3cr=t#x", 1);
	setenv("PMS_DB_NAME", "pms_test", 1);
	setenv("PMS_MAX_BODY", "2048", 1);
	setenv("PMS_HORIZON_DAYS", "730", 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_string_equal(cfg.db_socket, "/run/mysqld/mysqld.sock");
	assert_int_equal(cfg.db_nhosts, 1);
	assert_host(&cfg, 0, "db.internal", 23306);
	assert_int_equal(cfg.db_port, 23306);
	assert_string_equal(cfg.db_user, "pms_app");
	assert_string_equal(cfg.db_password, "s3cr=t#x");
	assert_string_equal(cfg.db_name, "pms_test");
	assert_int_equal(cfg.max_body, 2048);
	assert_int_equal(cfg.horizon_days, 730);
}

static void
empty_pms_config_means_no_file(void **state)
{
	struct config cfg;

	(void)state;
	setenv("PMS_CONFIG", "", 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_string_equal(cfg.db_hosts[0].name, "127.0.0.1");
}

static void
file_lines_with_comments_and_export_prefix_are_read(void **state)
{
	struct config cfg;

	(void)state;
	config_file(
	    "# PMS configuration\n"
	    "PMS_DB_SOCKET=/srv/pms/mysqld.sock\n"
	    "export PMS_DB_USER=filer\n"
	    "\n"
	    "#PMS_DB_NAME=commented_out\n"
	    "PMS_DB_PASSWORD=pa=ss word\n"
	    "export PMS_DB_PORT=3307\n"
	    "PMS_MAX_BODY=65536\n"
	    "a line without an equals sign\n"
	    "PMS_UNKNOWN_KEY=ignored\n"
	    "PMS_HORIZON_DAYS=90");		/* no final newline */
	assert_int_equal(config_load(&cfg), 0);
	assert_string_equal(cfg.db_socket, "/srv/pms/mysqld.sock");
	assert_string_equal(cfg.db_user, "filer");
	assert_string_equal(cfg.db_name, "pms");
	/* The value is everything after the first '=', spaces included. */
	assert_string_equal(cfg.db_password, "pa=ss word");
	assert_int_equal(cfg.db_port, 3307);
	/* The default host takes the file's port. */
	assert_int_equal(cfg.db_hosts[0].port, 3307);
	assert_int_equal(cfg.max_body, 65536);
	assert_int_equal(cfg.horizon_days, 90);
	assert_string_equal(cfg.db_hosts[0].name, "127.0.0.1");
}

static void
file_with_crlf_line_endings_is_read(void **state)
{
	struct config cfg;

	(void)state;
	config_file("PMS_DB_NAME=windows\r\nPMS_MAX_BODY=4096\r\n");
	assert_int_equal(config_load(&cfg), 0);
	assert_string_equal(cfg.db_name, "windows");
	assert_int_equal(cfg.max_body, 4096);
}

static void
environment_wins_over_the_file(void **state)
{
	struct config cfg;

	(void)state;
	config_file(
	    "PMS_DB_HOST=from-file\n"
	    "PMS_DB_NAME=from_file\n"
	    "PMS_MAX_BODY=111\n"
	    "PMS_HORIZON_DAYS=222\n");
	setenv("PMS_DB_NAME", "from_env", 1);
	setenv("PMS_MAX_BODY", "333", 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_string_equal(cfg.db_name, "from_env");
	assert_int_equal(cfg.max_body, 333);
	/* what the environment does not set still comes from the file */
	assert_string_equal(cfg.db_hosts[0].name, "from-file");
	assert_int_equal(cfg.horizon_days, 222);
}

static void
bad_numbers_in_the_environment_fail(void **state)
{
	static const char *const keys[] = {
		"PMS_MAX_BODY", "PMS_DB_PORT", "PMS_HORIZON_DAYS"
	};
	static const char *const bad[] = {
		"abc", "0", "-1", "", "12abc", "1.5", "0x10",
		"99999999999999999999999",	/* overflows unsigned long */
		"1073741825",			/* one above 2^30 */
		"18446744073709551615",
	};
	struct config cfg;
	size_t k, i;

	(void)state;
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			setenv(keys[k], bad[i], 1);
			if (config_load(&cfg) != -1)
				fail_msg("%s=\"%s\" was accepted", keys[k], bad[i]);
		}
		unsetenv(keys[k]);
	}
}

static void
largest_accepted_number_is_two_to_the_thirtieth(void **state)
{
	struct config cfg;

	(void)state;
	setenv("PMS_MAX_BODY", "1073741824", 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_int_equal(cfg.max_body, 1073741824);
	setenv("PMS_MAX_BODY", "1", 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_int_equal(cfg.max_body, 1);
}

static void
bad_number_in_the_file_fails(void **state)
{
	struct config cfg;

	(void)state;
	config_file("PMS_DB_NAME=ok\nPMS_MAX_BODY=abc\n");
	assert_int_equal(config_load(&cfg), -1);
	unlink(tmp_path);

	config_file("PMS_HORIZON_DAYS=-1\n");
	assert_int_equal(config_load(&cfg), -1);
	unlink(tmp_path);

	config_file("export PMS_DB_PORT=0\n");
	assert_int_equal(config_load(&cfg), -1);
}

static void
bad_number_in_the_file_fails_even_when_the_environment_sets_it(void **state)
{
	struct config cfg;

	(void)state;
	config_file("PMS_MAX_BODY=huge\n");
	setenv("PMS_MAX_BODY", "4096", 1);
	assert_int_equal(config_load(&cfg), -1);
}

static void
missing_config_file_fails(void **state)
{
	struct config cfg;

	(void)state;
	setenv("PMS_CONFIG", "/nonexistent/pms/config.env", 1);
	assert_int_equal(config_load(&cfg), -1);
}

static void
over_long_values_are_cut_and_terminated(void **state)
{
	struct config cfg;
	char longv[600];

	(void)state;
	memset(longv, 'h', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	setenv("PMS_DB_NAME", longv, 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_int_equal(strlen(cfg.db_name), sizeof(cfg.db_name) - 1);
}

static void
over_long_host_name_fails_rather_than_being_cut(void **state)
{
	struct config cfg;
	char longv[600];

	(void)state;
	memset(longv, 'h', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	setenv("PMS_DB_HOST", longv, 1);
	assert_int_equal(config_load(&cfg), -1);
	/* 255 characters is the longest name kept. */
	longv[255] = '\0';
	setenv("PMS_DB_HOST", longv, 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_int_equal(strlen(cfg.db_hosts[0].name), 255);
}

static void
host_list_takes_ports_per_entry_and_the_default_for_the_rest(void **state)
{
	struct config cfg;

	(void)state;
	setenv("PMS_DB_HOST", "db1.internal,db2.internal:3307, 10.0.0.3 ", 1);
	setenv("PMS_DB_PORT", "3310", 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_int_equal(cfg.db_nhosts, 3);
	assert_host(&cfg, 0, "db1.internal", 3310);
	assert_host(&cfg, 1, "db2.internal", 3307);
	/* Blanks around an entry are dropped. */
	assert_host(&cfg, 2, "10.0.0.3", 3310);
}

static void
host_list_port_default_comes_from_a_later_port_setting(void **state)
{
	struct config cfg;

	(void)state;
	/* The file names the hosts, the environment the port: every entry
	   without a port takes the port finally in force. */
	config_file("PMS_DB_HOST=a,b:4000\n");
	setenv("PMS_DB_PORT", "5000", 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_int_equal(cfg.db_nhosts, 2);
	assert_int_equal(cfg.db_hosts[0].port, 5000);
	assert_int_equal(cfg.db_hosts[1].port, 4000);
}

static void
host_list_of_eight_is_accepted(void **state)
{
	struct config cfg;
	char name[16];
	int i;

	(void)state;
	setenv("PMS_DB_HOST", "h0,h1,h2,h3,h4,h5,h6,h7:3399", 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_int_equal(cfg.db_nhosts, 8);
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		assert_string_equal(cfg.db_hosts[i].name, name);
	}
	assert_int_equal(cfg.db_hosts[6].port, 3306);
	assert_int_equal(cfg.db_hosts[7].port, 3399);
}

static void
ipv6_literals_in_brackets_or_bare(void **state)
{
	struct config cfg;

	(void)state;
	setenv("PMS_DB_HOST", "[::1]:3307,[fe80::1],::1,[2001:db8::5]:1", 1);
	assert_int_equal(config_load(&cfg), 0);
	assert_int_equal(cfg.db_nhosts, 4);
	assert_host(&cfg, 0, "::1", 3307);
	assert_host(&cfg, 1, "fe80::1", 3306);
	/* More than one ':' without brackets: an address, not host:port. */
	assert_host(&cfg, 2, "::1", 3306);
	assert_host(&cfg, 3, "2001:db8::5", 1);
}

static void
malformed_host_lists_fail(void **state)
{
	static const char *const bad[] = {
		"",				/* empty list: one empty entry */
		" ",
		"a,,b",				/* empty entry */
		"a,",
		",a",
		"a, ,b",
		"a:",				/* empty port */
		"a:0", "a:65536", "a:-1", "a:+1", "a:12x", "a:0x10",
		"a:999999",
		":3306",			/* port without a host */
		"[::1", "[]", "[]:3306", "[::1]x", "[::1]:", "[::1]:abc",
		"a]:1", "[a]b]:1",
		"h0,h1,h2,h3,h4,h5,h6,h7,h8",	/* nine */
	};
	struct config cfg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("PMS_DB_HOST", bad[i], 1);
		if (config_load(&cfg) != -1)
			fail_msg("PMS_DB_HOST=\"%s\" was accepted", bad[i]);
	}
}

static void
malformed_host_list_fails_even_with_a_socket(void **state)
{
	struct config cfg;

	(void)state;
	/* The socket is used, but a broken list is a broken file: said at
	   start, not on the day the socket is dropped. */
	setenv("PMS_DB_SOCKET", "/run/mysqld/mysqld.sock", 1);
	setenv("PMS_DB_HOST", "a,,b", 1);
	assert_int_equal(config_load(&cfg), -1);
}

static void
host_list_longer_than_the_buffer_fails(void **state)
{
	struct config cfg;
	static char longv[sizeof(cfg.db_host_list) + 10];

	(void)state;
	memset(longv, 'h', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	setenv("PMS_DB_HOST", longv, 1);
	assert_int_equal(config_load(&cfg), -1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, env_clear, env_restore)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(defaults_apply_when_nothing_is_set),
		T(environment_overrides_every_setting),
		T(empty_pms_config_means_no_file),
		T(file_lines_with_comments_and_export_prefix_are_read),
		T(file_with_crlf_line_endings_is_read),
		T(environment_wins_over_the_file),
		T(bad_numbers_in_the_environment_fail),
		T(largest_accepted_number_is_two_to_the_thirtieth),
		T(bad_number_in_the_file_fails),
		T(bad_number_in_the_file_fails_even_when_the_environment_sets_it),
		T(missing_config_file_fails),
		T(over_long_values_are_cut_and_terminated),
		T(over_long_host_name_fails_rather_than_being_cut),
		T(host_list_takes_ports_per_entry_and_the_default_for_the_rest),
		T(host_list_port_default_comes_from_a_later_port_setting),
		T(host_list_of_eight_is_accepted),
		T(ipv6_literals_in_brackets_or_bare),
		T(malformed_host_lists_fail),
		T(malformed_host_list_fails_even_with_a_socket),
		T(host_list_longer_than_the_buffer_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
