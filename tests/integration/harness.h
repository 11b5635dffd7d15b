/*
 * harness: what the integration tests share.  They talk HTTP (libcurl) to
 * nginx at $PMS_TEST_URL (default http://127.0.0.1:8080), which talks
 * FastCGI to the real binaries, which talk to the real MariaDB: no mocks.
 *
 *  - a runner: TEST(name) functions listed in a table of TEST_ENTRY(name),
 *    each printing "ok - name" or "not ok - name" followed by "#   ..."
 *    lines (what failed, where, the last response), and a closing
 *    "# <file>: N passed, M failed"; harness_main() returns non-zero when
 *    any test failed.  Arguments select tests by name.
 *  - CHECK_* macros that record a failure and carry on; each returns 1 when
 *    the check held.  REQUIRE(cond) is a precondition: when cond is false
 *    it records a failure naming cond and where, then leaves the test, so
 *    a test that could not get as far as its checks never prints "ok".
 *  - a per-test pool: responses, strings and JSON made through the harness
 *    are freed when the test ends, so leaving a test early leaks nothing.
 *  - HTTP: http_request() with raw headers, pms_request() with X-API-Key,
 *    amage_request() signed per SPEC 3.1 with knobs to tamper with the
 *    signature (struct amage_opts).
 *  - the admin tool ($PMS_ADMIN, default $PMS_ROOT/bin/pms-admin) and other
 *    commands, run with fork/exec and their output captured.
 * Environment: PMS_TEST_URL, PMS_TEST_RACER_URLS, PMS_ROOT, PMS_TEST_VAR (the stack's var
 * directory: scripts/test.sh runs its own stack in var/test), PMS_ADMIN,
 * PMS_TEST_VERBOSE=1 (libcurl traces every exchange on stderr).
 */
#ifndef PMS_TEST_HARNESS_H
#define PMS_TEST_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

/* ---- the demo data set (SPEC 5) ---------------------------------------- */

#define PARIS_ID		"11111111-1111-4111-8111-111111111111"
#define LYON_ID			"22222222-2222-4222-8222-222222222222"
#define UNIT_TYPE_PARIS_DBL	"aaaaaaaa-0000-4000-8000-000000000001"
#define UNIT_TYPE_PARIS_SGL	"aaaaaaaa-0000-4000-8000-000000000002"
#define UNIT_TYPE_LYON_DBL	"aaaaaaaa-0000-4000-8000-000000000003"
#define UNIT_PARIS_01		"bbbbbbbb-0000-4000-8000-000000000001"
#define UNIT_PARIS_11		"bbbbbbbb-0000-4000-8000-000000000011"
#define UNIT_LYON_16		"bbbbbbbb-0000-4000-8000-000000000016"
#define KEY_PARIS_MANAGER	"demo-manager-paris-0123456789abcdef0123456789abcdef"
#define KEY_PARIS_AGENT		"demo-agent-paris-0123456789abcdef0123456789abcdef01"
#define KEY_LYON_MANAGER	"demo-manager-lyon-0123456789abcdef0123456789abcdef"

#define AMAGE_DEMO_KEY		"demo-amage-client"
#define AMAGE_DEMO_SECRET	"demo-amage-secret-0123456789abcdef"
#define AMAGE_DEMO_DEVICE	"0e0e0e0e-0000-4000-8000-000000000001"
#define AMAGE_USER_1		"ffffffff-0000-4000-8000-000000000001"
#define AMAGE_USER_2		"ffffffff-0000-4000-8000-000000000002"
#define AMAGE_ELEMENT_TYPE_1	"ffffffff-0000-4000-8000-000000000011"
#define AMAGE_ASSET_1		"ffffffff-0000-4000-8000-000000000021"
#define AMAGE_TYPE		"ffffffff-0000-4000-8000-000000000031"
#define AMAGE_LOCATION		"ffffffff-0000-4000-8000-000000000041"

#define WO_BASE			"/rest/amage/v1/work-orders"

/* ---- runner ------------------------------------------------------------ */

typedef void (*test_fn)(void);

struct test_case {
	const char *name;
	test_fn fn;
};

#define TEST(name)		static void name(void)
#define TEST_ENTRY(name)	{ #name, name }
#define TEST_END		{ NULL, NULL }

/*
 * Runs the tests of the table (ended by TEST_END), or only those named in
 * argv.  Returns 0 when every test run passed, 1 when one failed, 2 when
 * the stack could not be reached at all.
 */
int harness_main(int argc, char **argv, const char *file,
    const struct test_case *tests);

/* ---- checks: each records a failure and returns 0, or returns 1 --------- */

int check_true(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int check_int(long long expected, long long got, const char *what,
    const char *file, int line);
int check_str(const char *expected, const char *got, const char *what,
    const char *file, int line);
int check_contains(const char *haystack, const char *needle, int nocase,
    const char *what, const char *file, int line);

#define CHECK(cond)		check_true(!!(cond), __FILE__, __LINE__, "%s", #cond)
#define CHECKF(cond, ...)	check_true(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define FAIL(...)		check_true(0, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_INT(exp, got)	check_int((long long)(exp), (long long)(got), #got, __FILE__, __LINE__)
#define CHECK_STR(exp, got)	check_str((exp), (got), #got, __FILE__, __LINE__)
#define CHECK_CONTAINS(h, n)	check_contains((h), (n), 0, #h, __FILE__, __LINE__)
#define CHECK_CONTAINS_NOCASE(h, n) check_contains((h), (n), 1, #h, __FILE__, __LINE__)
/*
 * A precondition: when cond is false, records a failure ("precondition
 * failed: cond", at file:line) and leaves the test (or the void helper it
 * is in).  cond may be a CHECK_* expression (whose own message comes first)
 * or any condition.
 */
#define REQUIRE(cond)		do { if (!(cond)) { check_true(0, __FILE__, \
				    __LINE__, "precondition failed: %s", #cond); \
				    return; } } while (0)

/* ---- per-test pool ------------------------------------------------------ */

/* Frees p with fn when the test ends; returns p (NULL stays NULL). */
void *pool_keep(void *p, void (*fn)(void *));
char *pool_strdup(const char *s);
char *pool_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
cJSON *pool_json(cJSON *json);
/* cJSON_PrintUnformatted of json, kept in the pool. */
char *pool_json_print(const cJSON *json);
/* A fresh lower-case v4 uuid, kept in the pool. */
char *fresh_uuid(void);
/* An upper-case copy, kept in the pool. */
char *pool_upper(const char *s);

/* ---- HTTP --------------------------------------------------------------- */

#define HTTP_MAX_HEADERS 64

struct http_header {
	char *name;
	char *value;
};

struct http_response {
	long status;			/* 0 when no response came */
	char error[256];		/* transport error, "" when none */
	int nheaders;			/* of the final response */
	struct http_header headers[HTTP_MAX_HEADERS];
	char *body;			/* NUL-terminated */
	size_t body_len;
	cJSON *json;			/* the body parsed strictly, or NULL */
	char method[16];		/* what was asked, for diagnostics */
	char path[256];
};

/*
 * Sends method path (path and query, sent exactly as given) to
 * $PMS_TEST_URL with headers (NULL-terminated "Name: value" lines, may be
 * NULL; "Name:" removes a header curl would add) and body (may be NULL).
 * A body without a Content-Type line is sent as application/json.  Never
 * returns NULL; the response belongs to the test's pool (or free it with
 * http_response_free).
 */
struct http_response *http_request(const char *method, const char *path,
    const char *const *headers, const void *body, size_t body_len);
void http_response_free(struct http_response *r);
/* The value of a response header (name in any case), or NULL. */
const char *http_header(const struct http_response *r, const char *name);

/* A PMS request: X-API-Key when api_key is not NULL, plus extra headers. */
struct http_response *pms_request(const char *method, const char *path,
    const char *api_key, const char *const *extra_headers,
    const void *body, size_t body_len);
struct http_response *pms_get(const char *path, const char *api_key);

/* ---- AMAGE signed requests (SPEC 3.1) ---------------------------------- */

#define AMAGE_OMIT_DEVICE	0x1u
#define AMAGE_OMIT_API_KEY	0x2u
#define AMAGE_OMIT_SIGN		0x4u

/*
 * Knobs for amage_request; a zeroed struct (or NULL) signs correctly as the
 * demo client from the demo device.  Every "sign_*" field changes only what
 * the signature is computed over, not what is sent.
 */
struct amage_opts {
	const char *api_key;		/* sent api-key (NULL: the demo client) */
	const char *secret;		/* HMAC key (NULL: the demo secret) */
	const char *device_uuid;	/* sent device-uuid (NULL: demo device) */
	long long time_offset;		/* added to now for t */
	int has_t;			/* use t below instead of now+offset */
	long long t;
	unsigned omit;			/* AMAGE_OMIT_* headers not sent */
	const char *sign_header;	/* exact api-sign value to send */
	const char *signature;		/* v1 value to send instead of the HMAC */
	const char *sign_method;	/* method signed instead of the real one */
	const char *sign_uri;		/* REQUEST_URI signed instead */
	const char *sign_device;	/* device-uuid signed instead */
	int has_sign_body;		/* sign sign_body instead of the body */
	const char *sign_body;
	size_t sign_body_len;
	const char *content_type;	/* NULL: application/json with a body;
					   "": no Content-Type at all */
	const char *const *extra_headers;
	char used_sign[256];		/* out: the api-sign value sent */
};

struct http_response *amage_request(const char *method, const char *path,
    const void *body, size_t body_len, struct amage_opts *opts);
struct http_response *amage_get(const char *path);
struct http_response *amage_post(const char *path, const char *json);

/* GET /count; the number, or -1 after recording a failure. */
long long amage_count_at(const char *file, int line);
#define AMAGE_COUNT()		amage_count_at(__FILE__, __LINE__)

/* ---- response checks ------------------------------------------------------ */

int check_status_at(const struct http_response *r, long status,
    const char *file, int line);
/* Content-Type application/json (parameters allowed) and a JSON body. */
int check_json_at(const struct http_response *r, const char *file, int line);
/*
 * PMS error envelope: status, {"code","message","status","traceId",
 * "origin":{"boundedContext","module"}}, X-Trace-Id equal to traceId.
 */
int check_pms_error_at(const struct http_response *r, long status,
    const char *code, const char *file, int line);
/* AMAGE result envelope of a failure: id null, uuid null, success false. */
int check_amage_error_at(const struct http_response *r, long status,
    int error_code, const char *file, int line);
/* 200 {"id":<n>,"uuid":<lower-case uuid>,"success":true,"errorCode":0,"message":""} */
int check_amage_ok_at(const struct http_response *r, const char *file,
    int line);

#define CHECK_STATUS(r, st)	check_status_at((r), (st), __FILE__, __LINE__)
#define CHECK_JSON(r)		check_json_at((r), __FILE__, __LINE__)
#define CHECK_PMS_ERROR(r, st, code) check_pms_error_at((r), (st), (code), __FILE__, __LINE__)
#define CHECK_AMAGE_ERROR(r, st, ec) check_amage_error_at((r), (st), (ec), __FILE__, __LINE__)
#define CHECK_AMAGE_OK(r)	check_amage_ok_at((r), __FILE__, __LINE__)

/*
 * A read of `queries` database calls (GET path with api_key), asked once
 * per call with X-Pms-Fault making that call fail: 503
 * SERVICE_UNAVAILABLE each time, the fault fired (X-Pms-Fault-Fired 1);
 * then once more with the fault past its last call: 200, nothing fired.
 * 1 when every answer was so.
 */
int check_read_faults_at(const char *path, const char *api_key, int queries,
    const char *file, int line);
#define CHECK_READ_FAULTS(path, key, n) check_read_faults_at((path), (key), (n), __FILE__, __LINE__)

/* ---- JSON helpers ------------------------------------------------------- */

/* obj[key] (case-sensitive), NULL when obj is not an object or lacks it. */
const cJSON *jget(const cJSON *obj, const char *key);
/* A short JSON rendering of v (<= 200 bytes) for messages, in the pool. */
const char *jshow(const cJSON *v);
/* In a child after fork(): a libcurl handle of its own, and one of
   $PMS_TEST_RACER_URLS (by pid) as its base URL when that is set. */
void harness_forked_child(void);
/* The base URL requests go to ($PMS_TEST_URL, or a racer's own). */
const char *harness_base_url(void);
/* obj[key] when it is a string, else NULL. */
const char *jstr(const cJSON *obj, const char *key);

int check_json_str_at(const cJSON *obj, const char *key, const char *expected,
    const char *file, int line);
int check_json_null_at(const cJSON *obj, const char *key, const char *file,
    int line);
int check_json_num_at(const cJSON *obj, const char *key, double expected,
    const char *file, int line);
int check_json_bool_at(const cJSON *obj, const char *key, int expected,
    const char *file, int line);

#define CHECK_JSON_STR(o, k, e)	check_json_str_at((o), (k), (e), __FILE__, __LINE__)
#define CHECK_JSON_NULL(o, k)	check_json_null_at((o), (k), __FILE__, __LINE__)
#define CHECK_JSON_NUM(o, k, e)	check_json_num_at((o), (k), (e), __FILE__, __LINE__)
#define CHECK_JSON_BOOL(o, k, e) check_json_bool_at((o), (k), (e), __FILE__, __LINE__)

/* ---- strings ---------------------------------------------------------- */

/* 1 when s is 8-4-4-4-12 lower-case hex. */
int is_lower_uuid(const char *s);
/* 1 when s is YYYY-MM-DDTHH:MM:SS (shape only). */
int is_local_datetime(const char *s);
/* 1 when word occurs in s with no letter, digit or '_' on either side. */
int contains_word(const char *s, const char *word);

/* ---- the database of the stack under test, read directly ------------------ */

struct db;
/*
 * The suite's own connection (the PMS_DB_* environment scripts/test.sh
 * exports from the test stack's pms.env), opened once per process and
 * reconnected when lost.  NULL after recording a failure at file:line: a
 * test that needs the database fails without it, never skips.
 */
struct db *harness_db_at(const char *file, int line);
#define HARNESS_DB()		harness_db_at(__FILE__, __LINE__)
/* db_rows_free as a pool_keep destructor. */
void harness_rows_free(void *rows);
/*
 * Runs sql on that connection with n string parameters (at most
 * HARNESS_SQL_MAX_PARAMS; NULL binds SQL NULL).  sql must be a static
 * string: db.c caches statements by the address of their text.  query:
 * its rows (pool); else a non-NULL dummy.  NULL after recording a failure.
 */
#define HARNESS_SQL_MAX_PARAMS 8
struct db_rows *harness_sql_at(const char *file, int line, int query,
    const char *sql, int n, ...);
struct db_rows *harness_sql_va(const char *file, int line, int query,
    const char *sql, int n, va_list ap);

/* ---- commands, environment, time ---------------------------------------- */

/* $PMS_ROOT, else the tree this binary was built in, else ".". */
const char *pms_root(void);
/*
 * The var directory of the stack under test: $PMS_TEST_VAR, else
 * <pms_root()>/var (make run's stack).  Its pms.env, run/ and log/ are that
 * stack's: never reach past it into another stack's files.
 */
const char *pms_var_dir(void);

/*
 * Runs argv (argv[0] searched in PATH when it has no '/'); returns its exit
 * status (128+signal when killed, -1 when it could not run).  *out (may be
 * NULL) receives stdout then stderr, kept in the pool.
 */
int run_command(const char *const *argv, char **out);

/*
 * Runs $PMS_ADMIN with the arguments (NULL-terminated).  Exit 0: its
 * stdout (pool); otherwise records a failure naming the command and its
 * output, and returns NULL.
 */
const char *admin_run_at(const char *file, int line, const char *arg, ...)
    __attribute__((sentinel));
#define ADMIN(...)		admin_run_at(__FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)
/* The value of key in "k1=v1 k2=v2" output (pool), or NULL. */
const char *kv_get(const char *out, const char *key);

/* Reads a whole file (at most max bytes from its end) into the pool. */
char *read_file_tail(const char *path, size_t max);

double now_seconds(void);		/* monotonic */
void sleep_ms(int ms);

#endif
