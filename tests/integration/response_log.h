/*
 * response_log: every response the integration suite receives, one JSON
 * line each in the file $PMS_TEST_RECORD (when set), so that make test
 * can check all of them against docs/openapi.yaml afterwards
 * (tests/openapi/check-responses.mjs).
 */
#ifndef PMS_TEST_RESPONSE_LOG_H
#define PMS_TEST_RESPONSE_LOG_H

struct http_response;

/*
 * Appends {"method","path","status","headers":{lower-case name: value},
 * "body"} for r, unless no response came (status 0).  One write() per
 * line on an O_APPEND file: forked racers may log at once.
 */
void response_log_write(const struct http_response *r);

#endif
