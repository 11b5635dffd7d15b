/*
 * request: reading what the web server handed us (FastCGI params or the
 * CGI environment: method, URI, query, trace id, language, headers), the
 * body (exactly CONTENT_LENGTH bytes, once, after checking the limit),
 * query parameters, and collecting the response that server.c writes once
 * at the end.  Everything but the body read is pure: the fuzz harnesses
 * drive it from a hand-built parameter array.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fcgiapp.h>
#include <openssl/rand.h>

#include "hex.h"
#include "request.h"

/* nginx's $request_id is 32 hex digits; accept any short token, else make one. */
static void
request_trace_id(struct request *rq)
{
	const char *id = request_param(rq, "REQUEST_ID");
	unsigned char raw[16];
	size_t i, n;

	if (id != NULL && (n = strlen(id)) > 0 && n < sizeof(rq->trace_id) &&
	    strspn(id, "0123456789abcdefABCDEF-_") == n) {
		memcpy(rq->trace_id, id, n + 1);
		return;
	}
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		memset(raw, 0, sizeof(raw));
	for (i = 0; i < sizeof(raw); i++)
		snprintf(rq->trace_id + 2 * i, 3, "%02x", raw[i]);
}

enum lang
request_lang(const char *al)
{
	const char *p;

	for (p = al; p != NULL && *p != '\0'; p++) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncasecmp(p, "en", 2) == 0 && (p[2] == '\0' ||
		    strchr(",;- ", p[2]) != NULL))
			return LANG_EN;
		if (strncasecmp(p, "fr", 2) == 0 && (p[2] == '\0' ||
		    strchr(",;- ", p[2]) != NULL))
			return LANG_FR;
		if ((p = strchr(p, ',')) == NULL)
			break;
	}
	return LANG_FR;
}

void
request_init_params(struct request *rq, char **envp)
{
	const char *uri, *q;
	size_t n;

	rq->envp = envp;
	rq->method = request_param(rq, "REQUEST_METHOD");
	if (rq->method == NULL)
		rq->method = "GET";
	uri = request_param(rq, "REQUEST_URI");
	if (uri == NULL)
		uri = request_param(rq, "SCRIPT_NAME");
	rq->request_uri = uri ? uri : "/";
	q = strchr(rq->request_uri, '?');
	n = q ? (size_t)(q - rq->request_uri) : strlen(rq->request_uri);
	if (n >= sizeof(rq->path))
		n = sizeof(rq->path) - 1;
	memcpy(rq->path, rq->request_uri, n);
	rq->path[n] = '\0';
	rq->query = q ? q + 1 : "";
	request_trace_id(rq);
	rq->lang = request_lang(request_header(rq, "Accept-Language"));
}

const char *
request_param(const struct request *rq, const char *name)
{
	return FCGX_GetParam(name, rq->envp);
}

const char *
request_header(const struct request *rq, const char *name)
{
	char key[128];
	size_t i, n;

	if (strcasecmp(name, "Content-Type") == 0)
		return request_param(rq, "CONTENT_TYPE");
	if (strcasecmp(name, "Content-Length") == 0)
		return request_param(rq, "CONTENT_LENGTH");
	n = strlen(name);
	if (n + 6 > sizeof(key))
		return NULL;
	memcpy(key, "HTTP_", 5);
	for (i = 0; i < n; i++)
		key[5 + i] = name[i] == '-' ? '_' :
		    (char)toupper((unsigned char)name[i]);
	key[5 + n] = '\0';
	return request_param(rq, key);
}

const char *
request_path_param(const struct request *rq, const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 0; i < rq->nparams; i++)
		if (rq->params[i].name_len == n &&
		    memcmp(rq->params[i].name, name, n) == 0)
			return rq->params[i].value;
	return NULL;
}

/* URL-decodes s[0..len) into out; -1 when too long or badly encoded. */
static int
url_decode(const char *s, size_t len, char *out, size_t out_len)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (i + 2 >= len)
				return -1;
			if ((hi = hex_value((unsigned char)s[i + 1])) < 0 ||
			    (lo = hex_value((unsigned char)s[i + 2])) < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			if (c == '\0')
				return -1;
			i += 2;
		}
		if (o + 1 >= out_len)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int
request_query_param(const struct request *rq, const char *name,
    char *out, size_t out_len)
{
	const char *p = rq->query, *amp, *eq;
	size_t n = strlen(name), seglen;

	while (p != NULL && *p != '\0') {
		amp = strchr(p, '&');
		seglen = amp ? (size_t)(amp - p) : strlen(p);
		eq = memchr(p, '=', seglen);
		if ((size_t)((eq ? eq : p + seglen) - p) == n &&
		    memcmp(p, name, n) == 0) {
			if (eq == NULL)
				return url_decode("", 0, out, out_len) == 0 ? 1 : -1;
			return url_decode(eq + 1, seglen - n - 1, out,
			    out_len) == 0 ? 1 : -1;
		}
		p = amp ? amp + 1 : NULL;
	}
	return 0;
}

int
request_content_length(const char *cl, size_t limit, size_t *n)
{
	unsigned long long v = 0;
	char *end;

	if (cl != NULL && *cl != '\0') {
		errno = 0;
		v = strtoull(cl, &end, 10);
		if (errno != 0 || *end != '\0' || !isdigit((unsigned char)*cl))
			return BODY_BAD_LENGTH;
	}
	if (v > limit)
		return BODY_TOO_LARGE;
	*n = (size_t)v;
	return BODY_OK;
}

int
request_read_body(struct request *rq, size_t limit)
{
	char *buf;
	size_t n = 0, got = 0;
	int r;

	if (rq->body_read)
		return rq->body_read > 0 ? BODY_OK : rq->body_read;
	if ((r = request_content_length(request_param(rq, "CONTENT_LENGTH"),
	    limit, &n)) != BODY_OK) {
		rq->body_read = r;
		return r;
	}
	if ((buf = malloc(n + 1)) == NULL)
		return BODY_NOMEM;
	while (got < n) {
		if (rq->fcgx != NULL)
			r = FCGX_GetStr(buf + got, (int)(n - got),
			    ((FCGX_Request *)rq->fcgx)->in);
		else
			r = (int)fread(buf + got, 1, n - got, stdin);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	if (got != n) {
		free(buf);
		rq->body_read = BODY_BAD_LENGTH;
		return BODY_BAD_LENGTH;
	}
	rq->body = buf;
	rq->body_len = got;
	rq->body_read = 1;
	return BODY_OK;
}

int
request_content_type_is(const struct request *rq, const char *types)
{
	const char *ct = request_param(rq, "CONTENT_TYPE"), *t = types;
	size_t ctlen, tlen;

	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	ctlen = strcspn(ct, "; ");
	while (*t != '\0') {
		tlen = strcspn(t, " ");
		if (tlen == ctlen && strncasecmp(ct, t, tlen) == 0)
			return 1;
		t += tlen;
		while (*t == ' ')
			t++;
	}
	return 0;
}

void
request_respond_raw(struct request *rq, int status, const char *body,
    size_t len)
{
	char *copy;

	free(rq->resp_body);
	rq->resp_body = NULL;
	rq->resp_len = 0;
	rq->status = status;
	rq->responded = 1;
	if ((copy = malloc(len + 1)) == NULL) {
		rq->status = 500;
		return;
	}
	memcpy(copy, body, len);
	copy[len] = '\0';
	rq->resp_body = copy;
	rq->resp_len = len;
}

void
request_respond_owned(struct request *rq, int status, char *body, size_t len)
{
	free(rq->resp_body);
	rq->resp_body = body;
	rq->resp_len = len;
	rq->status = status;
	rq->responded = 1;
}

void
request_respond_json(struct request *rq, int status, cJSON *json)
{
	char *text;

	free(rq->resp_body);
	rq->resp_body = NULL;
	rq->resp_len = 0;
	rq->responded = 1;
	rq->status = status;
	text = json ? cJSON_PrintUnformatted(json) : NULL;
	cJSON_Delete(json);
	if (text == NULL) {
		rq->status = 500;
		return;
	}
	rq->resp_body = text;	/* cJSON allocates with malloc */
	rq->resp_len = strlen(text);
}

void
request_add_header(struct request *rq, const char *name, const char *value)
{
	size_t room = sizeof(rq->resp_headers) - rq->resp_headers_len;
	int n;

	/* Header injection: values come from us, but refuse CR/LF anyway. */
	if (strpbrk(value, "\r\n") != NULL)
		return;
	n = snprintf(rq->resp_headers + rq->resp_headers_len, room,
	    "%s: %s\r\n", name, value);
	if (n > 0 && (size_t)n < room)
		rq->resp_headers_len += (size_t)n;
	else
		rq->resp_headers[rq->resp_headers_len] = '\0';
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}
