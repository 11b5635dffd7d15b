/*
 * test_chaos (run last, after test_resilience): writes of every family
 * under load while the stack is hurt, and nothing lost or oversold.
 *
 *  - CHAOS_CLIENTS (8) client processes write, as fast as answers come,
 *    to a scratch establishment of the test's own: out-of-service blocks
 *    (units), pickups on one definite allotment (allotments), contract
 *    drafts and their activation (long-stay contracts), work orders
 *    (AMAGE).  Every write carries an Idempotency-Key and is sent again
 *    with the same key after a 503 or a transport error, until the
 *    application answers it: 2xx acknowledged, 409 refused.  Any other
 *    answer is a failure.
 *  - meanwhile the test, in phases a second apart: SIGKILL of a random
 *    worker of a random pool every CHAOS_KILL_EVERY_MS (300) for
 *    CHAOS_KILL_SECONDS (8), each to be replaced within 1 s; MariaDB
 *    stopped (scripts/stack.sh db-stop) for 2 s and started again, 2xx
 *    again within 5 s; nginx reloaded 3 times (stack.sh nginx-reload).
 *  - a failed attempt must be explained: in flight when a worker was
 *    killed, or sent while the database was down (up to 5 s after it was
 *    back); and it must be a 503 in the family's envelope.  Nothing may
 *    fail while nginx reloads.
 *  - afterwards, by SQL: every acknowledged write is stored exactly once
 *    and nothing else was stored (each write was answered in the end);
 *    each night's inventory row equals what the blocks, allotments and
 *    contracts hold; no allotment night is oversold.
 * The figures are printed as "# chaos:" lines (the note quotes
 * them).  CHAOS_CLIENTS, CHAOS_KILL_SECONDS and CHAOS_KILL_EVERY_MS make
 * a longer run by hand.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "scratch.h"
#include "stack_procs.h"
#include "uuid.h"

#define ZONE		"Europe/Paris"
#define MAX_CLIENTS	32
#define MAX_KILLS	1024
#define NTYPES		3
#define NUNITS		20
#define REPLACED_WITHIN	1.0	/* s: a killed worker's replacement */
#define DB_BACK_WITHIN	5.0	/* s: 2xx again after db-start */
#define GIVE_UP_AFTER	30.0	/* s after the stop: the write is in doubt */

static const char *const families[] = { "units", "allotments",
    "long-stay-contracts", "work-orders" };
#define NFAMILIES	((int)(sizeof(families) / sizeof(families[0])))

enum write_kind { W_BLOCK, W_PICKUP, W_DRAFT, W_ACTIVATE, W_WORK_ORDER,
    W_KINDS };
static const char *const kind_name[W_KINDS] = { "block", "pickup",
    "contract", "activation", "work-order" };

/* What the clients write to, made before they start. */
struct chaos_target {
	struct scratch s;
	const char *allotment;		/* on s.types[0] */
	char tag[40];			/* in every work order's name */
	const char *dir;		/* the clients' record files */
};

/* Shared with the clients (MAP_SHARED): the test sets stop. */
struct chaos_flag {
	volatile int stop;
	volatile double stop_at;
};

struct client {
	int n;
	unsigned seed;
	FILE *out;
	const struct chaos_target *t;
	const struct chaos_flag *flag;
	long sent;			/* attempts */
};

static int
env_int(const char *name, int def, int lo, int hi)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || v[0] == '\0')
		return def;
	n = strtol(v, &end, 10);
	return *end == '\0' && n >= lo && n <= hi ? (int)n : def;
}

static int
rnd(struct client *c, int n)
{
	return (int)(rand_r(&c->seed) % (unsigned)n);
}

/* The 503 of the family's envelope (AMAGE: the seed's result object). */
static int
envelope_503(const struct http_response *r, int amage)
{
	const cJSON *code, *ok;

	if (r->status != 503 || r->json == NULL)
		return 0;
	if (amage) {
		ok = jget(r->json, "success");
		code = jget(r->json, "errorCode");
		return cJSON_IsFalse(ok) && cJSON_IsNumber(code) &&
		    code->valuedouble == 503;
	}
	code = jget(r->json, "code");
	return cJSON_IsString(code) &&
	    strcmp(code->valuestring, "SERVICE_UNAVAILABLE") == 0;
}

/* The id a 2xx answer names: data.<member>, or the AMAGE record's id. */
static void
acked_id(const struct http_response *r, enum write_kind k, char *id,
    size_t size)
{
	static const char *const member[W_KINDS] = { "refId",
	    "reservationId", "contractId", "id", NULL };
	const cJSON *v;

	id[0] = '\0';
	if (r->json == NULL)
		return;
	if (k == W_WORK_ORDER) {
		v = jget(r->json, "id");
		if (cJSON_IsNumber(v))
			snprintf(id, size, "%.0f", v->valuedouble);
		return;
	}
	v = jget(jget(r->json, "data"), member[k]);
	if (cJSON_IsString(v))
		snprintf(id, size, "%s", v->valuestring);
}

/* The first 160 bytes of a body on one line, for the record. */
static void
one_line(const char *body, char *out, size_t size)
{
	size_t i;

	for (i = 0; body != NULL && body[i] != '\0' && i + 1 < size &&
	    i < 160; i++)
		out[i] = body[i] == '\n' || body[i] == '\r' ? ' ' : body[i];
	out[i] = '\0';
}

/*
 * One write, sent until the application answers it, with one
 * Idempotency-Key.  Records "F kind t0 t1 status envelope" per failed
 * attempt, then "A kind t0 t1 id", "R kind status code", "U kind status
 * body" (an answer no valid write may get) or "D kind" (still failing
 * GIVE_UP_AFTER after the stop).  id receives an acknowledged id ("" else).
 */
static void
client_write(struct client *c, enum write_kind k, const char *method,
    const char *path, const char *body, char *id, size_t idsize)
{
	char key[UUID_STR_LEN + 1], hdr[80], line[200];
	const char *headers[] = { hdr, body != NULL ?
	    "Content-Type: application/json" : NULL, NULL };
	struct amage_opts opts;
	struct http_response *r;
	int amage = k == W_WORK_ORDER;
	double t0, t1;

	id[0] = '\0';
	if (uuid_generate(key) != 0)
		return;
	snprintf(hdr, sizeof(hdr), "Idempotency-Key: chaos-%s", key);
	for (;;) {
		t0 = now_seconds();
		if (amage) {
			memset(&opts, 0, sizeof(opts));
			opts.extra_headers = (const char *const[]){ hdr, NULL };
			r = amage_request(method, path, body, strlen(body),
			    &opts);
		} else
			r = pms_request(method, path, c->t->s.key, headers,
			    body, body != NULL ? strlen(body) : 0);
		t1 = now_seconds();
		c->sent++;
		if (r->status >= 200 && r->status < 300) {
			acked_id(r, k, id, idsize);
			fprintf(c->out, "A %d %.6f %.6f %s\n", k, t0, t1,
			    id[0] != '\0' ? id : "-");
			break;
		}
		if (r->status == 409) {
			const cJSON *code = jget(r->json, "code");

			fprintf(c->out, "R %d 409 %s\n", k,
			    cJSON_IsString(code) ? code->valuestring : "-");
			break;
		}
		if (r->status != 0 && r->status != 503) {
			one_line(r->body, line, sizeof(line));
			fprintf(c->out, "U %d %ld %s\n", k, r->status, line);
			break;
		}
		fprintf(c->out, "F %d %.6f %.6f %ld %d\n", k, t0, t1,
		    r->status, envelope_503(r, amage));
		if (c->flag->stop && now_seconds() > c->flag->stop_at +
		    GIVE_UP_AFTER) {
			fprintf(c->out, "D %d\n", k);
			break;
		}
		http_response_free(r);
		sleep_ms(20);
	}
	http_response_free(r);
}

static void
client_block(struct client *c)
{
	const struct scratch *s = &c->t->s;
	int32_t from = s->business + 1 + rnd(c, 60);
	char body[160], path[120], id[64];

	snprintf(path, sizeof(path), "/v1/units/%s/out-of-service",
	    s->units[2][rnd(c, s->nunits[2])]);
	snprintf(body, sizeof(body), "{\"kind\":\"%s\",\"oooFrom\":\"%s\","
	    "\"oooUntil\":\"%s\"}", rnd(c, 2) ? "ooo" : "oos", day_s(from),
	    day_s(from + 1 + rnd(c, 5)));
	client_write(c, W_BLOCK, "POST", path, body, id, sizeof(id));
}

static void
client_pickup(struct client *c)
{
	const struct scratch *s = &c->t->s;
	int32_t in = s->business + 10 + rnd(c, 28);
	char path[120], id[64], *body;
	cJSON *json = pickup_body(s, 0, in, in + 1 + rnd(c, 2), 1 + rnd(c, 2));

	snprintf(path, sizeof(path), "/v1/allotments/%s/reservations",
	    c->t->allotment);
	if ((body = cJSON_PrintUnformatted(json)) == NULL)
		return;
	client_write(c, W_PICKUP, "POST", path, body, id, sizeof(id));
	free(body);
}

/* A draft tied to type T2 (s.types[1]), then its activation. */
static void
client_contract(struct client *c)
{
	const struct scratch *s = &c->t->s;
	int32_t start = s->business + 1 + rnd(c, 60);
	char body[700], path[120], id[64], inst[UUID_STR_LEN + 1];

	if (uuid_generate(inst) != 0)
		return;
	snprintf(body, sizeof(body), "{\"establishmentId\":\"%s\","
	    "\"guestProfileId\":\"%s\",\"unitType\":\"T2\","
	    "\"periodStart\":\"%s\",\"periodEnd\":\"%s\","
	    "\"totalAmountCents\":\"150000\",\"currency\":\"EUR\","
	    "\"installments\":[{\"id\":\"%s\",\"seqNo\":1,\"dueDate\":\"%s\","
	    "\"amountCents\":\"150000\",\"currency\":\"EUR\"}]}", s->est,
	    s->guest, day_s(start), day_s(start + 7 + rnd(c, 24)), inst,
	    day_s(start));
	client_write(c, W_DRAFT, "POST", "/v1/long-stay-contracts", body, id,
	    sizeof(id));
	if (id[0] == '\0')
		return;
	snprintf(path, sizeof(path), "/v1/long-stay-contracts/%s/activate",
	    id);
	client_write(c, W_ACTIVATE, "POST", path, NULL, id, sizeof(id));
}

static void
client_work_order(struct client *c, long n)
{
	char body[160], id[64];

	snprintf(body, sizeof(body), "{\"name\":\"%s %d-%ld\"}", c->t->tag,
	    c->n, n);
	client_write(c, W_WORK_ORDER, "POST", WO_BASE "/add", body, id,
	    sizeof(id));
}

/* A client process: writes until told to stop; "S <attempts>" last. */
static void
client_run(struct client *c)
{
	long n = 0;

	harness_forked_child();
	while (!c->flag->stop) {
		switch (rnd(c, 4)) {
		case 0: client_block(c); break;
		case 1: client_pickup(c); break;
		case 2: client_contract(c); break;
		default: client_work_order(c, n); break;
		}
		n++;
	}
	fprintf(c->out, "S %ld\n", c->sent);
	fclose(c->out);
	_exit(0);
}

/* ---- the disturbances ------------------------------------------------------ */

struct timeline {
	double started;			/* the load began */
	/* From kill() to the victim gone (its fds closed): a request handed
	   to it meanwhile, over a kept connection too, dies with it. */
	double kills[MAX_KILLS], gone[MAX_KILLS];
	int nkills;
	double slowest_replacement;	/* s */
	int not_replaced;		/* kills not repaired within 1 s */
	/* Two outages: db-stop (a clean shutdown), db-kill (a crash). */
	double db_down_from[2], db_up_at[2];
	int db_restarts;
	double reload_from, reload_to;
	int reloads;
};

/* The workers of each pool now, to compare with after a kill. */
static int
pool_sizes(pid_t *masters, int *sizes)
{
	pid_t kids[MAX_CHILDREN];
	int f;

	for (f = 0; f < NFAMILIES; f++) {
		masters[f] = pool_master(families[f]);
		if (masters[f] <= 0)
			return CHECKF(0, "no pool master for %s", families[f]);
		sizes[f] = children_of(masters[f], kids, MAX_CHILDREN);
		if (sizes[f] < 1)
			return CHECKF(0, "pool %s has no worker", families[f]);
	}
	return 1;
}

/*
 * SIGKILL of a random worker of a random pool every `every` ms for
 * `seconds`; after each, the time until its pool is whole again.
 */
static void
kill_workers(struct timeline *tl, int seconds, int every, unsigned *seed)
{
	pid_t masters[NFAMILIES], kids[MAX_CHILDREN], victim;
	int sizes[NFAMILIES], f, n;
	double end, next, t, back;

	if (!pool_sizes(masters, sizes))
		return;
	end = now_seconds() + seconds;
	for (next = now_seconds(); next < end && tl->nkills < MAX_KILLS;
	    next += every / 1000.0) {
		while (now_seconds() < next)
			sleep_ms(5);
		f = (int)(rand_r(seed) % NFAMILIES);
		n = children_of(masters[f], kids, MAX_CHILDREN);
		if (n < 1)
			continue;
		victim = kids[rand_r(seed) % (unsigned)n];
		t = now_seconds();
		if (kill(victim, SIGKILL) != 0) {
			FAIL("kill %ld: %s", (long)victim, strerror(errno));
			continue;
		}
		tl->kills[tl->nkills] = t;
		tl->gone[tl->nkills] = 0;
		do {
			sleep_ms(1);
			n = children_of(masters[f], kids, MAX_CHILDREN);
			back = now_seconds() - t;
			if (tl->gone[tl->nkills] == 0 && !pid_in(victim, kids, n))
				tl->gone[tl->nkills] = now_seconds();
		} while ((n != sizes[f] || pid_in(victim, kids, n)) &&
		    back < 3.0);
		if (tl->gone[tl->nkills] == 0)
			tl->gone[tl->nkills] = now_seconds();
		tl->nkills++;
		if (back > tl->slowest_replacement)
			tl->slowest_replacement = back;
		if (back > REPLACED_WITHIN)
			tl->not_replaced++;
	}
	CHECKF(tl->not_replaced == 0, "%d of %d killed workers were not "
	    "replaced within %.0f s (slowest %.2f s)", tl->not_replaced,
	    tl->nkills, REPLACED_WITHIN, tl->slowest_replacement);
	for (f = 0; f < NFAMILIES; f++)
		CHECKF(pool_master(families[f]) == masters[f] &&
		    kill(masters[f], 0) == 0, "the %s pool master changed or "
		    "died", families[f]);
}

/* verb (db-stop, db-kill), 2 s down, db-start. */
static void
restart_database(struct timeline *tl, const char *verb)
{
	int i = tl->db_restarts;
	char *out = NULL;
	int rc;

	if (i >= 2)
		return;
	tl->db_down_from[i] = now_seconds();
	rc = stack(verb, &out);
	CHECKF(rc == 0, "stack.sh %s: exit %d: %.500s", verb, rc,
	    out ? out : "");
	sleep_ms(2000);
	/* Always started again, whatever happened above. */
	rc = stack("db-start", &out);
	tl->db_up_at[i] = now_seconds();
	tl->db_restarts++;
	CHECKF(rc == 0, "stack.sh db-start: exit %d: %.500s", rc,
	    out ? out : "");
}

static void
reload_nginx(struct timeline *tl, int times)
{
	char *out = NULL;
	int i, rc;

	tl->reload_from = now_seconds();
	for (i = 0; i < times; i++) {
		rc = stack("nginx-reload", &out);
		CHECKF(rc == 0, "stack.sh nginx-reload: exit %d: %.500s", rc,
		    out ? out : "");
		tl->reloads++;
		sleep_ms(1000);
	}
	tl->reload_to = now_seconds();
}

/* ---- what the clients recorded ------------------------------------------------ */

struct tally {
	long sent, acked[W_KINDS], refused[W_KINDS], failed, unexplained;
	long failed_kills, failed_db;	/* failed attempts by cause */
	long bad_envelope, during_reload, unexpected, in_doubt, lost;
	long clients_done;
	double db_back[2];	/* first 2xx, s after each db-start; -1 */
};

/* A failed attempt's cause: 1 a dying worker, 2 the database down, 0. */
static int
explained(const struct timeline *tl, double t0, double t1)
{
	int i;

	for (i = 0; i < tl->nkills; i++)
		if (t0 <= tl->gone[i] && tl->kills[i] <= t1)
			return 1;
	for (i = 0; i < tl->db_restarts; i++)
		if (t1 >= tl->db_down_from[i] &&
		    t0 <= tl->db_up_at[i] + DB_BACK_WITHIN)
			return 2;
	return 0;
}

/* The kill window nearest t, for a failure's message (pool). */
static const char *
nearest_kill(const struct timeline *tl, double t)
{
	int i, best = -1;

	for (i = 0; i < tl->nkills; i++)
		if (best < 0 || fabs(tl->kills[i] - t) <
		    fabs(tl->kills[best] - t))
			best = i;
	if (best < 0)
		return "no kill";
	return pool_printf("nearest kill at +%.4f s, victim gone at +%.4f s",
	    tl->kills[best] - tl->started, tl->gone[best] - tl->started);
}

static const char *const stored_once_sql[W_KINDS] = {
	"SELECT COUNT(*) FROM unit_blocks WHERE id = ?",
	"SELECT COUNT(*) FROM allotment_reservations WHERE id = ? "
	    "AND status = 'active'",
	"SELECT COUNT(*) FROM long_stay_contracts WHERE id = ?",
	"SELECT COUNT(*) FROM long_stay_contracts WHERE id = ? "
	    "AND status = 'active'",
	"SELECT COUNT(*) FROM work_orders WHERE id = ?",
};

/* An acknowledged write is stored exactly once; else counted lost. */
static void
check_stored(struct tally *ty, int k, const char *id)
{
	const char *n = strcmp(id, "-") == 0 ? NULL :
	    SQL_VALUE(stored_once_sql[k], 1, id);

	if (n == NULL || strcmp(n, "1") != 0) {
		if (ty->lost < 5)
			FAIL("acknowledged %s %s is stored %s times, expected "
			    "once", kind_name[k], id, n ? n : "no");
		ty->lost++;
	}
}

static void
read_record(const char *path, const struct timeline *tl, struct tally *ty)
{
	char line[400], id[128], word[64];
	double t0, t1;
	long status;
	int i, k, env, cause;
	FILE *f = fopen(path, "r");

	if (!CHECKF(f != NULL, "%s: %s", path, strerror(errno)))
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		switch (line[0]) {
		case 'A':
			if (sscanf(line, "A %d %lf %lf %127s", &k, &t0, &t1,
			    id) != 4 || k < 0 || k >= W_KINDS)
				break;
			ty->acked[k]++;
			check_stored(ty, k, id);
			for (i = 0; i < tl->db_restarts; i++)
				if (t0 >= tl->db_up_at[i] && (ty->db_back[i] < 0
				    || t1 - tl->db_up_at[i] < ty->db_back[i]))
					ty->db_back[i] = t1 - tl->db_up_at[i];
			break;
		case 'R':
			if (sscanf(line, "R %d", &k) == 1 && k >= 0 &&
			    k < W_KINDS)
				ty->refused[k]++;
			break;
		case 'F':
			if (sscanf(line, "F %d %lf %lf %ld %d", &k, &t0, &t1,
			    &status, &env) != 5)
				break;
			ty->failed++;
			if (!env && ty->bad_envelope++ < 5)
				FAIL("a failed %s got %ld, not a 503 in its "
				    "envelope", kind_name[k], status);
			if (t1 >= tl->reload_from && t0 <= tl->reload_to &&
			    tl->reloads > 0)
				ty->during_reload++;
			cause = explained(tl, t0, t1);
			ty->failed_kills += cause == 1;
			ty->failed_db += cause == 2;
			if (cause == 0 && ty->unexplained++ < 5)
				FAIL("a %s failed (%ld) at +%.4f..%.4f s with "
				    "no worker dying and the database up (%s)",
				    kind_name[k], status, t0 - tl->started,
				    t1 - tl->started, nearest_kill(tl, t0));
			break;
		case 'U':
			if (ty->unexpected++ < 5)
				FAIL("an answer no valid write may get: %.300s",
				    line);
			break;
		case 'D':
			if (sscanf(line, "D %d", &k) == 1 && ty->in_doubt++ < 5)
				FAIL("a %s still failed %.0f s after the load "
				    "stopped", kind_name[k], GIVE_UP_AFTER);
			break;
		case 'S':
			if (sscanf(line, "S %63s", word) == 1) {
				ty->sent += atol(word);
				ty->clients_done++;
			}
			break;
		}
	}
	fclose(f);
}

/* ---- the state of the database afterwards ----------------------------------- */

static const char blocks_sql[] =
    "SELECT COUNT(*) FROM unit_blocks WHERE establishment_id = ?";
static const char pickups_sql[] =
    "SELECT COUNT(*) FROM allotment_reservations WHERE allotment_id = ?";
static const char contracts_sql[] =
    "SELECT COUNT(*) FROM long_stay_contracts WHERE establishment_id = ?";
static const char active_sql[] =
    "SELECT COUNT(*) FROM long_stay_contracts WHERE establishment_id = ? "
    "AND status = 'active'";
static const char work_orders_sql[] =
    "SELECT COUNT(*) FROM work_orders WHERE name LIKE CONCAT(?, ' %')";
/*
 * Nights whose row is not what the truth gives: blocked = the covering
 * blocks of the type's active units; committed = open nights of
 * allotments at allocated, closed ones at picked (a tentative's are
 * closed and unpicked), plus the active contracts of the type covering
 * the night; and available >= 0.
 */
static const char inventory_wrong_sql[] =
    "SELECT COUNT(*) FROM inventory_nights n "
    "WHERE n.establishment_id = ? AND n.night >= ? AND ("
    " n.blocked <> (SELECT COUNT(*) FROM unit_blocks b "
    "  JOIN units u ON u.id = b.unit_id WHERE u.unit_type_id = "
    "  n.unit_type_id AND u.active AND b.ooo_from <= n.night "
    "  AND (b.ooo_until IS NULL OR b.ooo_until > n.night))"
    " OR n.committed <> (SELECT COALESCE(SUM(IF(a.is_open, a.allocated, "
    "  a.picked)), 0) FROM allotment_nights a WHERE a.unit_type_id = "
    "  n.unit_type_id AND a.night = n.night)"
    "  + (SELECT COUNT(*) FROM long_stay_contracts c WHERE c.status = "
    "  'active' AND c.unit_type_id = n.unit_type_id AND c.period_start <= "
    "  n.night AND (c.period_end IS NULL OR c.period_end > n.night))"
    " OR n.total - n.blocked - n.committed < 0)";
static const char inventory_nights_sql[] =
    "SELECT COUNT(*) FROM inventory_nights "
    "WHERE establishment_id = ? AND night >= ?";
/* Picked beyond allocated, or not the sum of the active pickups. */
static const char oversold_sql[] =
    "SELECT COUNT(*) FROM allotment_nights n WHERE n.allotment_id = ? "
    "AND (n.picked > n.allocated OR n.picked <> (SELECT "
    "COALESCE(SUM(r.quantity), 0) FROM allotment_reservations r "
    "WHERE r.allotment_id = n.allotment_id AND r.unit_type_id = "
    "n.unit_type_id AND r.status = 'active' AND r.check_in_date <= "
    "n.night AND r.check_out_date > n.night))";

static long
sql_count(const char *sql, int n, const char *a, const char *b)
{
	const char *v = SQL_VALUE(sql, n, a, b);

	return v != NULL ? atol(v) : -1;
}

/* ---- the test ------------------------------------------------------------ */

static int
start_clients(const struct chaos_target *t, const struct chaos_flag *flag,
    pid_t *pids, int nclients)
{
	struct client c;
	int i;

	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < nclients; i++) {
		memset(&c, 0, sizeof(c));
		c.n = i;
		c.seed = (unsigned)getpid() * 7919u + (unsigned)i;
		c.t = t;
		c.flag = flag;
		c.out = fopen(pool_printf("%s/client-%d", t->dir, i), "w");
		if (!CHECKF(c.out != NULL, "%s/client-%d: %s", t->dir, i,
		    strerror(errno)))
			return i;
		setvbuf(c.out, NULL, _IOLBF, 0);
		if ((pids[i] = fork()) == 0)
			client_run(&c);
		fclose(c.out);
		if (!CHECKF(pids[i] > 0, "fork: %s", strerror(errno)))
			return i;
	}
	return nclients;
}

static void
print_figures(const struct timeline *tl, const struct tally *ty,
    long nights, long wrong, long oversold)
{
	long acked = 0, refused = 0;
	int k;

	for (k = 0; k < W_KINDS; k++) {
		acked += ty->acked[k];
		refused += ty->refused[k];
	}
	printf("# chaos: %ld requests sent, %ld writes acknowledged, %ld "
	    "refused (409), %ld failed attempts retried (%ld with a worker "
	    "dying, %ld with the database down)\n", ty->sent, acked, refused,
	    ty->failed, ty->failed_kills, ty->failed_db);
	for (k = 0; k < W_KINDS; k++)
		printf("# chaos:   %-10s %6ld acknowledged %6ld refused\n",
		    kind_name[k], ty->acked[k], ty->refused[k]);
	printf("# chaos: %d workers killed (slowest replacement %.0f ms), %d "
	    "database restarts (stopped, then killed; 2xx again %.2f s and "
	    "%.2f s after db-start), %d nginx reloads (%ld attempts failed "
	    "meanwhile)\n", tl->nkills, tl->slowest_replacement * 1000,
	    tl->db_restarts, ty->db_back[0], ty->db_back[1], tl->reloads,
	    ty->during_reload);
	printf("# chaos: lost %ld, in doubt %ld, unexplained failures %ld, "
	    "inventory nights checked %ld, wrong %ld, oversold allotment "
	    "nights %ld\n", ty->lost, ty->in_doubt, ty->unexplained, nights,
	    wrong, oversold);
}

TEST(writes_of_every_family_survive_killed_workers_a_database_stop_and_crash_and_nginx_reloads)
{
	static struct chaos_target t;
	static struct timeline tl;
	struct tally ty;
	struct chaos_flag *flag;
	pid_t pids[MAX_CLIENTS];
	int nclients = env_int("CHAOS_CLIENTS", 8, 1, MAX_CLIENTS);
	int seconds = env_int("CHAOS_KILL_SECONDS", 8, 1, 3600);
	int every = env_int("CHAOS_KILL_EVERY_MS", 300, 50, 60000);
	unsigned seed = (unsigned)getpid();
	long nights, wrong, oversold, stored;
	int started, i, k, status;
	int32_t b;

	REQUIRE(own_stack());
	memset(&t, 0, sizeof(t));
	memset(&tl, 0, sizeof(tl));
	REQUIRE(SCRATCH_NEW(&t.s, NTYPES, NUNITS, ZONE, TODAY_IN(ZONE), 1));
	b = t.s.business;
	/* 12 rooms of T1 on 30 nights: the clients soon fill it. */
	REQUIRE((t.allotment = ALLOTMENT_NEW(&t.s, "allotment", b + 10,
	    b + 40, b + 5, 12, 0, 0)) != NULL);
	snprintf(t.tag, sizeof(t.tag), "chaos %.8s", t.s.est);
	t.dir = pool_printf("%s/chaos-%ld", pms_var_dir(), (long)getpid());
	REQUIRE(CHECKF(mkdir(t.dir, 0700) == 0 || errno == EEXIST,
	    "mkdir %s: %s", t.dir, strerror(errno)));
	flag = mmap(NULL, sizeof(*flag), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(CHECKF(flag != MAP_FAILED, "mmap: %s", strerror(errno)));
	flag->stop = 0;

	tl.started = now_seconds();
	started = start_clients(&t, flag, pids, nclients);
	if (started == nclients) {
		sleep_ms(1000);
		kill_workers(&tl, seconds, every, &seed);
		sleep_ms(1000);
		restart_database(&tl, "db-stop");
		sleep_ms(1000 + (int)(DB_BACK_WITHIN * 1000));
		restart_database(&tl, "db-kill");
		sleep_ms(1000 + (int)(DB_BACK_WITHIN * 1000));
		reload_nginx(&tl, 3);
		sleep_ms(500);
	}
	flag->stop_at = now_seconds();
	flag->stop = 1;
	for (i = 0; i < started; i++)
		CHECKF(waitpid(pids[i], &status, 0) == pids[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "client %d did not exit cleanly", i);
	munmap(flag, sizeof(*flag));
	REQUIRE(started == nclients);

	memset(&ty, 0, sizeof(ty));
	ty.db_back[0] = ty.db_back[1] = -1;
	for (i = 0; i < nclients; i++)
		read_record(pool_printf("%s/client-%d", t.dir, i), &tl, &ty);
	CHECKF(ty.clients_done == nclients, "%ld of %d clients reported",
	    ty.clients_done, nclients);
	CHECK_INT(2, tl.db_restarts);
	for (i = 0; i < tl.db_restarts; i++)
		CHECKF(ty.db_back[i] >= 0 && ty.db_back[i] <= DB_BACK_WITHIN,
		    "outage %d: no write acknowledged within %.0f s of "
		    "db-start (first after %.2f s)", i + 1, DB_BACK_WITHIN,
		    ty.db_back[i]);
	CHECKF(ty.during_reload == 0, "%ld attempts failed while nginx "
	    "reloaded", ty.during_reload);
	for (k = 0; k < W_KINDS; k++)
		CHECKF(ty.acked[k] > 0, "no %s was acknowledged: the load "
		    "proves nothing about it", kind_name[k]);

	/* Every write was answered, so the stored rows are the acked ones. */
	CHECK_INT(ty.acked[W_BLOCK], sql_count(blocks_sql, 1, t.s.est, NULL));
	CHECK_INT(ty.acked[W_PICKUP], sql_count(pickups_sql, 1, t.allotment,
	    NULL));
	CHECK_INT(ty.acked[W_DRAFT], sql_count(contracts_sql, 1, t.s.est,
	    NULL));
	CHECK_INT(ty.acked[W_ACTIVATE], sql_count(active_sql, 1, t.s.est,
	    NULL));
	stored = sql_count(work_orders_sql, 1, t.tag, NULL);
	CHECK_INT(ty.acked[W_WORK_ORDER], stored);

	nights = sql_count(inventory_nights_sql, 2, t.s.est, day_s(b));
	wrong = sql_count(inventory_wrong_sql, 2, t.s.est, day_s(b));
	oversold = sql_count(oversold_sql, 1, t.allotment, NULL);
	CHECKF(nights >= NTYPES * 60, "only %ld inventory nights to check",
	    nights);
	CHECK_INT(0, wrong);
	CHECK_INT(0, oversold);
	CHECK_INT(0, ty.lost);
	CHECK_INT(0, ty.in_doubt);
	CHECK_INT(0, ty.unexpected);
	print_figures(&tl, &ty, nights, wrong, oversold);
}

static const struct test_case tests[] = {
	TEST_ENTRY(writes_of_every_family_survive_killed_workers_a_database_stop_and_crash_and_nginx_reloads),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
