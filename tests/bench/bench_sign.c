/*
 * bench_sign: pre-signs AMAGE requests for `make bench`, since wrk's Lua
 * has no HMAC.  Writes one request a line for scripts/bench.lua:
 *   METHOD \t PATH \t header: value|header: value \t BODY
 *
 *   bench_sign get  SECRET API_KEY DEVICE PREFIX < uuids   one GET a uuid: PREFIX<uuid>
 *   bench_sign path SECRET API_KEY DEVICE PATH             one signed GET of PATH
 *   bench_sign add  SECRET API_KEY DEVICE N                N POST /add, each body distinct
 * Signatures carry t = now: use the file within SPEC's 300 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sign.h"
#include "uuid.h"

#define ADD_PATH "/rest/amage/v1/work-orders/add"

static int
emit(const char *secret, const char *key, const char *device,
    const char *method, const char *path, const char *body, int64_t t)
{
	char sig[SIGN_HEX_LEN + 1];

	if (sign_compute(secret, t, method, path, device, body, strlen(body),
	    sig) != 0)
		return -1;
	printf("%s\t%s\tdevice-uuid: %s|api-key: %s|api-sign: t=%lld,v1=%s%s\t%s\n",
	    method, path, device, key, (long long)t, sig,
	    *body ? "|Content-Type: application/json" : "", body);
	return 0;
}

int
main(int argc, char **argv)
{
	char line[256], path[512], body[512], id[UUID_STR_LEN + 1];
	int64_t t = (int64_t)time(NULL);
	long i, n;

	if (argc < 6) {
		fprintf(stderr, "usage: bench_sign get|path|add SECRET API_KEY "
		    "DEVICE ARG\n");
		return 2;
	}
	if (strcmp(argv[1], "get") == 0) {
		while (fgets(line, sizeof(line), stdin) != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			if (uuid_parse(line, id) != 0)
				continue;
			snprintf(path, sizeof(path), "%s%s", argv[5], id);
			if (emit(argv[2], argv[3], argv[4], "GET", path, "", t))
				return 1;
		}
	} else if (strcmp(argv[1], "path") == 0) {
		if (emit(argv[2], argv[3], argv[4], "GET", argv[5], "", t))
			return 1;
	} else if (strcmp(argv[1], "add") == 0) {
		n = strtol(argv[5], NULL, 10);
		for (i = 0; i < n; i++) {
			/* A distinct body per request: a replayed signature is refused. */
			snprintf(body, sizeof(body), "{\"name\":\"bench add %lld-%ld\","
			    "\"locationUuid\":\"ffffffff-0000-4000-8000-000000000041\","
			    "\"priorityName\":\"NORMAL\",\"workAmount\":10}",
			    (long long)t, i);
			if (emit(argv[2], argv[3], argv[4], "POST", ADD_PATH, body, t))
				return 1;
		}
	} else
		return 2;
	return fflush(stdout) == 0 ? 0 : 1;
}
