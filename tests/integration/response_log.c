/* response_log: see response_log.h. */
#include "response_log.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "harness.h"

/* The line for r, or NULL when out of memory; the caller frees it. */
static char *
response_line(const struct http_response *r)
{
	cJSON *line = cJSON_CreateObject(), *headers;
	char name[128], *text = NULL;
	size_t i;
	int h;

	if (line == NULL)
		return NULL;
	if (cJSON_AddStringToObject(line, "method", r->method) == NULL ||
	    cJSON_AddStringToObject(line, "path", r->path) == NULL ||
	    cJSON_AddNumberToObject(line, "status", (double)r->status) == NULL ||
	    (headers = cJSON_AddObjectToObject(line, "headers")) == NULL ||
	    cJSON_AddStringToObject(line, "body", r->body) == NULL)
		goto out;
	for (h = 0; h < r->nheaders; h++) {
		for (i = 0; r->headers[h].name[i] != '\0' &&
		    i + 1 < sizeof(name); i++)
			name[i] = (char)tolower((unsigned char)r->headers[h].name[i]);
		name[i] = '\0';
		/* A repeated header keeps its first value, as curl shows it. */
		if (cJSON_GetObjectItemCaseSensitive(headers, name) == NULL &&
		    cJSON_AddStringToObject(headers, name,
		    r->headers[h].value) == NULL)
			goto out;
	}
	text = cJSON_PrintUnformatted(line);
out:
	cJSON_Delete(line);
	return text;
}

void
response_log_write(const struct http_response *r)
{
	const char *file = getenv("PMS_TEST_RECORD");
	char *text;
	size_t len;
	int fd;

	if (file == NULL || *file == '\0' || r->status == 0)
		return;
	if ((text = response_line(r)) == NULL) {
		fprintf(stderr, "response_log: out of memory\n");
		return;
	}
	len = strlen(text);
	text[len] = '\n';	/* replaces the NUL: written by length */
	if ((fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) < 0 || write(fd, text, len + 1) != (ssize_t)(len + 1))
		fprintf(stderr, "response_log: %s: %s\n", file, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(text);
}
