/*
 * Unit tests of lib/listen_fds.c: LISTEN_PID/LISTEN_FDS parsed as
 * sd_listen_fds(3) reads them (another pid or nothing set: not ours;
 * garbage, signs, blanks and overflow: malformed), and listen_fds_take
 * on a real listening socket put on fd 3, as systemd would, unsetting the
 * variables whatever the outcome.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen_fds.h"

#define SELF ((pid_t)4242)

static void
parse_expect(const char *pid, const char *fds, int want_rc, int want_count)
{
	int count = -7;

	assert_int_equal(listen_fds_parse(pid, fds, SELF, &count), want_rc);
	assert_int_equal(count, want_count);
}

static void
ours_with_one_socket(void **state)
{
	(void)state;
	parse_expect("4242", "1", LISTEN_FDS_OK, 1);
	parse_expect("4242", "3", LISTEN_FDS_OK, 3);
}

static void
nothing_set_is_not_activated(void **state)
{
	(void)state;
	parse_expect(NULL, NULL, LISTEN_FDS_OK, 0);
	parse_expect(NULL, "1", LISTEN_FDS_OK, 0);
	parse_expect("4242", NULL, LISTEN_FDS_OK, 0);
}

/* Set for another process (our parent's, inherited): not ours to take. */
static void
another_pid_is_not_activated(void **state)
{
	(void)state;
	parse_expect("4243", "1", LISTEN_FDS_OK, 0);
	parse_expect("1", "1", LISTEN_FDS_OK, 0);
	/* Another pid's garbage count is not ours to judge either. */
	parse_expect("4243", "lots", LISTEN_FDS_OK, 0);
}

static void
zero_sockets_is_not_activated(void **state)
{
	(void)state;
	parse_expect("4242", "0", LISTEN_FDS_OK, 0);
}

static void
garbage_is_malformed(void **state)
{
	(void)state;
	parse_expect("", "1", LISTEN_FDS_MALFORMED, 0);
	parse_expect("abc", "1", LISTEN_FDS_MALFORMED, 0);
	parse_expect("4242x", "1", LISTEN_FDS_MALFORMED, 0);
	parse_expect("0", "1", LISTEN_FDS_MALFORMED, 0);
	parse_expect("4242", "", LISTEN_FDS_MALFORMED, 0);
	parse_expect("4242", "one", LISTEN_FDS_MALFORMED, 0);
	parse_expect("4242", "1 ", LISTEN_FDS_MALFORMED, 0);
	parse_expect("4242", "0x1", LISTEN_FDS_MALFORMED, 0);
}

static void
signs_and_blanks_are_malformed(void **state)
{
	(void)state;
	parse_expect("-4242", "1", LISTEN_FDS_MALFORMED, 0);
	parse_expect("+4242", "1", LISTEN_FDS_MALFORMED, 0);
	parse_expect(" 4242", "1", LISTEN_FDS_MALFORMED, 0);
	parse_expect("4242", "-1", LISTEN_FDS_MALFORMED, 0);
	parse_expect("4242", "+1", LISTEN_FDS_MALFORMED, 0);
	parse_expect("4242", " 1", LISTEN_FDS_MALFORMED, 0);
}

static void
overflow_is_malformed(void **state)
{
	(void)state;
	parse_expect("99999999999999999999999", "1", LISTEN_FDS_MALFORMED, 0);
	parse_expect("4242", "99999999999999999999999", LISTEN_FDS_MALFORMED, 0);
	/* fd 3 + count must stay an int. */
	parse_expect("4242", "2147483645", LISTEN_FDS_MALFORMED, 0);
	parse_expect("4242", "2147483644", LISTEN_FDS_OK, 2147483644);
}

/* ------------------------------------------------ listen_fds_take */

/* What fd 3 was before a test (-1: closed), put back after it. */
static int saved_fd3 = -1;

static int
fd3_save(void **state)
{
	(void)state;
	saved_fd3 = fcntl(3, F_DUPFD_CLOEXEC, 10);
	return 0;
}

static int
fd3_restore(void **state)
{
	(void)state;
	close(3);
	if (saved_fd3 >= 0) {
		dup2(saved_fd3, 3);
		close(saved_fd3);
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return 0;
}

/* Puts a socket of `type` on fd 3, listening when asked. */
static void
fd3_socket(int type, int listening)
{
	int s = socket(AF_UNIX, type, 0);

	assert_true(s >= 0);
	if (listening) {
		struct sockaddr sa = { .sa_family = AF_UNIX };
		/* An abstract address chosen by the kernel (autobind). */
		assert_int_equal(bind(s, &sa, sizeof(sa.sa_family)), 0);
		assert_int_equal(listen(s, 1), 0);
	}
	if (s != 3) {
		assert_int_equal(dup2(s, 3), 3);
		close(s);
	}
}

/* The variables systemd sets, for this process (ours) or for pid 1. */
static void
env_activate(int ours, const char *fds)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%ld", ours ? (long)getpid() : 1L);
	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", fds, 1);
	setenv("LISTEN_FDNAMES", "units", 1);
}

static void
assert_env_unset(void)
{
	assert_null(getenv("LISTEN_PID"));
	assert_null(getenv("LISTEN_FDS"));
	assert_null(getenv("LISTEN_FDNAMES"));
}

static void
take_returns_fd3_and_unsets_the_variables(void **state)
{
	int fd = 0;

	(void)state;
	fd3_socket(SOCK_STREAM, 1);
	env_activate(1, "1");
	assert_int_equal(listen_fds_take(&fd), LISTEN_FDS_OK);
	assert_int_equal(fd, 3);
	assert_env_unset();
	/* Workers are forked and keep it; an exec'd program does not. */
	assert_true(fcntl(3, F_GETFD) & FD_CLOEXEC);
}

static void
take_for_another_pid_leaves_fd3_alone(void **state)
{
	int fd = 0;

	(void)state;
	fd3_socket(SOCK_STREAM, 1);
	env_activate(0, "1");
	assert_int_equal(listen_fds_take(&fd), LISTEN_FDS_OK);
	assert_int_equal(fd, -1);
	assert_env_unset();
	assert_false(fcntl(3, F_GETFD) & FD_CLOEXEC);
}

static void
take_refuses_a_socket_that_does_not_listen(void **state)
{
	int fd = 0;

	(void)state;
	fd3_socket(SOCK_STREAM, 0);
	env_activate(1, "1");
	assert_int_equal(listen_fds_take(&fd), LISTEN_FDS_NOT_SOCKET);
	assert_int_equal(fd, -1);
	assert_env_unset();
}

static void
take_refuses_a_datagram_socket(void **state)
{
	int fd = 0;

	(void)state;
	fd3_socket(SOCK_DGRAM, 0);
	env_activate(1, "1");
	assert_int_equal(listen_fds_take(&fd), LISTEN_FDS_NOT_SOCKET);
	assert_int_equal(fd, -1);
}

static void
take_refuses_malformed_and_unsets(void **state)
{
	int fd = 0;

	(void)state;
	fd3_socket(SOCK_STREAM, 1);
	env_activate(1, "x");
	assert_int_equal(listen_fds_take(&fd), LISTEN_FDS_MALFORMED);
	assert_int_equal(fd, -1);
	assert_env_unset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ours_with_one_socket),
		cmocka_unit_test(nothing_set_is_not_activated),
		cmocka_unit_test(another_pid_is_not_activated),
		cmocka_unit_test(zero_sockets_is_not_activated),
		cmocka_unit_test(garbage_is_malformed),
		cmocka_unit_test(signs_and_blanks_are_malformed),
		cmocka_unit_test(overflow_is_malformed),
		cmocka_unit_test_setup_teardown(
		    take_returns_fd3_and_unsets_the_variables, fd3_save,
		    fd3_restore),
		cmocka_unit_test_setup_teardown(
		    take_for_another_pid_leaves_fd3_alone, fd3_save,
		    fd3_restore),
		cmocka_unit_test_setup_teardown(
		    take_refuses_a_socket_that_does_not_listen, fd3_save,
		    fd3_restore),
		cmocka_unit_test_setup_teardown(take_refuses_a_datagram_socket,
		    fd3_save, fd3_restore),
		cmocka_unit_test_setup_teardown(
		    take_refuses_malformed_and_unsets, fd3_save, fd3_restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
