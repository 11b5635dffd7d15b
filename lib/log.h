/*
 * log: one line per request on stderr (SPEC 4): UTC time, traceId, method,
 * path, status, duration, key id.  Never secrets, never bodies.  Also
 * log_error() for the one place that knows why something failed.
 */
#ifndef PMS_LOG_H
#define PMS_LOG_H

struct request;

/* Records this process's pid for the log lines; call again after fork(). */
void log_init(void);

/* Queues the request's line; log_flush() writes what is queued. */
void log_request(const struct request *rq, double duration_ms);
void log_flush(void);
/* Before waiting: writes the queue if its oldest line is due, and returns
   the poll() timeout until it will be (-1: nothing queued). */
int log_wait_ms(void);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A process event worth a line (start, stop, worker replaced). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
