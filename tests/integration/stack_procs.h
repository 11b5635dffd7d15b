/*
 * stack_procs: the processes of the stack under test, for the tests that
 * disturb it (test_resilience, test_chaos): its pool masters and their
 * workers, found through <var>/run/<family>.pid and /proc, and
 * scripts/stack.sh verbs run on it.  Every path is the test stack's
 * ($PMS_TEST_VAR): such a test refuses to run without it (own_stack), so
 * it never stops or restarts make run's stack.
 */
#ifndef PMS_TEST_STACK_PROCS_H
#define PMS_TEST_STACK_PROCS_H

#include <sys/types.h>

#define MAX_CHILDREN	256

/*
 * 1 when the runner named the stack this test may disturb; otherwise a
 * failure, so a run by hand never stops make run's stack by default.
 */
int own_stack(void);
/* The pid in <var>/run/<family>.pid, or -1. */
pid_t pool_master(const char *family);
/* The live (not zombie) children of ppid, at most max of them. */
int children_of(pid_t ppid, pid_t *out, int max);
/* 1 when pid is one of list[0 .. n). */
int pid_in(pid_t pid, const pid_t *list, int n);
/*
 * Runs scripts/stack.sh verb on the test stack (STACK_VAR_DIR named
 * explicitly; its ports and variant come from scripts/test.sh); its exit
 * status (output kept in the pool for failures).
 */
int stack(const char *verb, char **out);

#endif
