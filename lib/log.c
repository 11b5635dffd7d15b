/*
 * log: one line per request on stderr, which nginx, the pool master or
 * systemd keeps.  Fields are space-separated key=value so grep and awk
 * read them; the path is logged without its query (queries may carry
 * identifiers but never secrets; bodies and keys are never logged).
 * Request lines are gathered and written together when the buffer is
 * full or the oldest is LOG_FLUSH_MS old (log_wait_ms, like nginx's
 * access_log buffer= flush=): under load one write(2) carries about 80
 * lines instead of one each, which was 1 of 6 system calls per request.
 * Error lines are written at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "request.h"

/* getpid() is a system call on every request otherwise (glibc no longer
   caches it); log_init() runs again in each forked worker. */
static long log_pid;

void
log_init(void)
{
	log_pid = (long)getpid();
}

static long
log_getpid(void)
{
	if (log_pid == 0)
		log_init();
	return log_pid;
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC).  The seconds part is formatted once a
   second: gmtime_r and snprintf were 4 % of a worker's CPU per request. */
static void
log_stamp(char *buf, size_t len)
{
	static time_t last_sec = (time_t)-1;
	static char last[32];
	struct timespec ts;
	struct tm tm;
	int ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != last_sec) {
		gmtime_r(&ts.tv_sec, &tm);
		snprintf(last, sizeof(last), "%04d-%02d-%02dT%02d:%02d:%02d",
		    (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		    tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
		    tm.tm_sec % 100);
		last_sec = ts.tv_sec;
	}
	ms = (int)(ts.tv_nsec / 1000000) % 1000;
	snprintf(buf, len, "%s.%03dZ", last, ms);
}

#define LOG_LINE_MAX 1536
#define LOG_FLUSH_MS 1000

static char log_buf[16384];
static size_t log_used;
static struct timespec log_oldest;	/* CLOCK_MONOTONIC of the first queued line */

void
log_flush(void)
{
	size_t off = 0;
	ssize_t w;

	while (off < log_used) {
		w = write(STDERR_FILENO, log_buf + off, log_used - off);
		if (w <= 0)
			break;	/* nowhere to log to: drop, never block a request */
		off += (size_t)w;
	}
	log_used = 0;
}

int
log_wait_ms(void)
{
	struct timespec now;
	long ms;

	if (log_used == 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - log_oldest.tv_sec) * 1000L +
	    (now.tv_nsec - log_oldest.tv_nsec) / 1000000L;
	if (ms >= LOG_FLUSH_MS || ms < 0) {
		log_flush();
		return -1;
	}
	return (int)(LOG_FLUSH_MS - ms);
}

void
log_request(const struct request *rq, double duration_ms)
{
	char stamp[48], line[LOG_LINE_MAX];
	long long hundredths;
	int n;

	log_stamp(stamp, sizeof(stamp));
	/* ms with two decimals, in integers (%.2f costs more than the rest) */
	hundredths = duration_ms > 0 && duration_ms < 1e15 ?
	    (long long)(duration_ms * 100.0 + 0.5) : 0;
	n = snprintf(line, sizeof(line), "%s pid=%ld trace=%s method=%s "
	    "path=%s status=%d ms=%lld.%02lld key=%lld\n", stamp, log_getpid(),
	    rq->trace_id, rq->method ? rq->method : "-",
	    rq->path[0] ? rq->path : "-", rq->status, hundredths / 100,
	    hundredths % 100,
	    rq->who.authenticated ? (long long)rq->who.key_id : -1LL);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {	/* a path near 1 KiB: cut it */
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if (log_used + (size_t)n > sizeof(log_buf))
		log_flush();
	if (log_used == 0)
		clock_gettime(CLOCK_MONOTONIC, &log_oldest);
	memcpy(log_buf + log_used, line, (size_t)n);
	log_used += (size_t)n;
}

static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char stamp[48], msg[1024];

	log_flush();	/* keep the order of lines */
	log_stamp(stamp, sizeof(stamp));
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s pid=%ld %s: %s\n", stamp, log_getpid(), level, msg);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}
