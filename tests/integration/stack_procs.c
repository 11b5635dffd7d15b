/* stack_procs: the stack under test's processes (stack_procs.h). */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "harness.h"
#include "stack_procs.h"

int
own_stack(void)
{
	const char *v = getenv("PMS_TEST_VAR");

	return CHECKF(v != NULL && v[0] != '\0', "PMS_TEST_VAR is not set: "
	    "this test stops and restarts parts of a stack; name one "
	    "(scripts/test.sh runs it against its own, in var/test)");
}

pid_t
pool_master(const char *family)
{
	const char *path = pool_printf("%s/run/%s.pid", pms_var_dir(),
	    family);
	long pid = -1;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return (pid_t)pid;
}

/*
 * The live (not zombie) children of ppid, found through /proc/<pid>/stat
 * ("pid (comm) state ppid ..."; comm may hold spaces and parentheses).
 */
int
children_of(pid_t ppid, pid_t *out, int max)
{
	char path[300], buf[1024], state;
	struct dirent *de;
	long pp;
	DIR *d;
	FILE *f;
	char *p;
	int n = 0;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && n < max) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (p == NULL || (p = strrchr(buf, ')')) == NULL)
			continue;
		if (sscanf(p + 1, " %c %ld", &state, &pp) != 2)
			continue;
		if (pp == (long)ppid && state != 'Z' && state != 'X')
			out[n++] = (pid_t)atol(de->d_name);
	}
	closedir(d);
	return n;
}

int
pid_in(pid_t pid, const pid_t *list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i] == pid)
			return 1;
	return 0;
}

int
stack(const char *verb, char **out)
{
	const char *argv[3];

	argv[0] = pool_printf("%s/scripts/stack.sh", pms_root());
	argv[1] = verb;
	argv[2] = NULL;
	setenv("STACK_VAR_DIR", pms_var_dir(), 1);
	return run_command(argv, out);
}
