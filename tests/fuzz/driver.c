/*
 * driver: a main() for the fuzz harnesses when they are built without
 * libFuzzer (gcc, or clang without -fsanitize=fuzzer), in the spirit of
 * kcgi's afl/ harnesses.  Each argument is a file or a directory of files
 * (a corpus); every file is read into a buffer of its exact size, so
 * ASan sees any read past the input, and handed to LLVMFuzzerTestOneInput.
 * With no argument the input is standard input (one run, as under AFL).
 * A harness signals a broken invariant by aborting; the driver only counts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads all of f into a malloc'd buffer of exactly its size (NULL for 0). */
static int
driver_slurp(FILE *f, uint8_t **out, size_t *outlen)
{
	uint8_t *buf = NULL, *nbuf;
	size_t len = 0, cap = 0, n;
	int rc = -1;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((nbuf = realloc(buf, cap)) == NULL)
				goto done;
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto done;
	/* Exact size: a harness reading one byte too far trips ASan. */
	*out = NULL;
	if (len > 0) {
		if ((*out = malloc(len)) == NULL)
			goto done;
		memcpy(*out, buf, len);
	}
	*outlen = len;
	rc = 0;
done:
	free(buf);
	return rc;
}

/*
 * Like libFuzzer, never hand a harness NULL: an empty input is a valid
 * pointer with size 0 (harnesses may memchr it).
 */
static void
driver_one(const uint8_t *data, size_t len)
{
	static const uint8_t empty[1];

	LLVMFuzzerTestOneInput(data != NULL ? data : empty, len);
}

static int
driver_run_file(const char *path)
{
	FILE *f;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "driver: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = driver_slurp(f, &data, &len);
	fclose(f);
	if (rc != 0) {
		fprintf(stderr, "driver: %s: cannot read\n", path);
		return -1;
	}
	driver_one(data, len);
	free(data);
	return 0;
}

/* Runs every regular file of dir (not recursive). */
static int
driver_run_dir(const char *dir, int *runs)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	char path[4096];
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "driver: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path))
			continue;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (driver_run_file(path) != 0)
			rc = -1;
		else
			(*runs)++;
	}
	closedir(d);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct stat st;
	uint8_t *data = NULL;
	size_t len = 0;
	int i, runs = 0, failed = 0;

	if (argc < 2) {
		if (driver_slurp(stdin, &data, &len) != 0)
			return 1;
		driver_one(data, len);
		free(data);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (driver_run_dir(argv[i], &runs) != 0)
				failed++;
		} else if (driver_run_file(argv[i]) != 0)
			failed++;
		else
			runs++;
	}
	fprintf(stderr, "%s: %d input(s) run, %d unreadable\n", argv[0], runs,
	    failed);
	return failed ? 1 : 0;
}
