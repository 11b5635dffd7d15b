/* load_client: the write load of the tests that hurt a stack (load_client.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "harness.h"
#include "load_client.h"
#include "uuid.h"

#define ZONE		"Europe/Paris"
#define NTYPES		3
#define NUNITS		20

const char *const load_kind_name[LOAD_KINDS] = { "block", "pickup",
    "contract", "activation", "work-order" };

/* Shared with the clients (MAP_SHARED): the test sets stop. */
struct load_flag {
	volatile int stop;
	volatile double stop_at;
};

struct load_run {
	const struct load_target *t;
	struct load_flag *flag;
	const char *dir;		/* the clients' record files */
	pid_t pids[LOAD_MAX_CLIENTS];
	int nclients;
};

struct client {
	int n;
	unsigned seed;
	FILE *out;
	const struct load_target *t;
	const struct load_flag *flag;
	long sent;			/* attempts */
};

int
load_target_new_at(struct load_target *t, const char *file, int line)
{
	int32_t b;

	memset(t, 0, sizeof(*t));
	if (!scratch_new_at(&t->s, NTYPES, NUNITS, ZONE, today_in_at(ZONE,
	    file, line), 1, file, line))
		return 0;
	b = t->s.business;
	/* 12 rooms of T1 on 30 nights: the clients soon fill it. */
	t->allotment = allotment_new_at(&t->s, "allotment", b + 10, b + 40,
	    b + 5, (const int []){ 12, 0, 0 }, file, line);
	snprintf(t->tag, sizeof(t->tag), "load %.8s", t->s.est);
	return t->allotment != NULL;
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
acked_id(const struct http_response *r, enum load_kind k, char *id,
    size_t size)
{
	static const char *const member[LOAD_KINDS] = { "refId",
	    "reservationId", "contractId", "id", NULL };
	const cJSON *v;

	id[0] = '\0';
	if (r->json == NULL)
		return;
	if (k == LOAD_WORK_ORDER) {
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
 * LOAD_GIVE_UP_AFTER after the stop).  id receives an acknowledged id ("" else).
 */
static void
client_write(struct client *c, enum load_kind k, const char *method,
    const char *path, const char *body, char *id, size_t idsize)
{
	char key[UUID_STR_LEN + 1], hdr[80], line[200];
	const char *headers[] = { hdr, body != NULL ?
	    "Content-Type: application/json" : NULL, NULL };
	struct amage_opts opts;
	struct http_response *r;
	int amage = k == LOAD_WORK_ORDER;
	double t0, t1;

	id[0] = '\0';
	if (uuid_generate(key) != 0)
		return;
	snprintf(hdr, sizeof(hdr), "Idempotency-Key: load-%s", key);
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
		/* What it was, for a failure the test cannot explain. */
		if (r->status == 0)
			snprintf(line, sizeof(line), "%.160s", r->error);
		else
			one_line(r->body, line, sizeof(line));
		fprintf(c->out, "F %d %.6f %.6f %ld %d %s %s %s %s\n", k, t0,
		    t1, r->status, envelope_503(r, amage), harness_base_url(),
		    method, path, line);
		if (c->flag->stop && now_seconds() > c->flag->stop_at +
		    LOAD_GIVE_UP_AFTER) {
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
	client_write(c, LOAD_BLOCK, "POST", path, body, id, sizeof(id));
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
	client_write(c, LOAD_PICKUP, "POST", path, body, id, sizeof(id));
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
	client_write(c, LOAD_DRAFT, "POST", "/v1/long-stay-contracts", body, id,
	    sizeof(id));
	if (id[0] == '\0')
		return;
	snprintf(path, sizeof(path), "/v1/long-stay-contracts/%s/activate",
	    id);
	client_write(c, LOAD_ACTIVATE, "POST", path, NULL, id, sizeof(id));
}

static void
client_work_order(struct client *c, long n)
{
	char body[160], id[64];

	snprintf(body, sizeof(body), "{\"name\":\"%s %d-%ld\"}", c->t->tag,
	    c->n, n);
	client_write(c, LOAD_WORK_ORDER, "POST", WO_BASE "/add", body, id,
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

struct load_run *
load_start(const struct load_target *t, int nclients)
{
	struct load_run *run = pool_keep(calloc(1, sizeof(*run)), free);
	struct client c;
	int i;

	if (!CHECKF(run != NULL && nclients >= 1 &&
	    nclients <= LOAD_MAX_CLIENTS, "load_start: %d clients", nclients))
		return NULL;
	run->t = t;
	run->dir = pool_printf("%s/load-%ld", pms_var_dir(), (long)getpid());
	if (!CHECKF(mkdir(run->dir, 0700) == 0 || errno == EEXIST,
	    "mkdir %s: %s", run->dir, strerror(errno)))
		return NULL;
	run->flag = mmap(NULL, sizeof(*run->flag), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!CHECKF(run->flag != MAP_FAILED, "mmap: %s", strerror(errno)))
		return NULL;
	run->flag->stop = 0;
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < nclients; i++) {
		memset(&c, 0, sizeof(c));
		c.n = i;
		c.seed = (unsigned)getpid() * 7919u + (unsigned)i;
		c.t = t;
		c.flag = run->flag;
		c.out = fopen(pool_printf("%s/client-%d", run->dir, i), "w");
		if (!CHECKF(c.out != NULL, "%s/client-%d: %s", run->dir, i,
		    strerror(errno)))
			break;
		setvbuf(c.out, NULL, _IOLBF, 0);
		if ((run->pids[i] = fork()) == 0)
			client_run(&c);
		fclose(c.out);
		if (!CHECKF(run->pids[i] > 0, "fork: %s", strerror(errno)))
			break;
		run->nclients++;
	}
	if (run->nclients < nclients) {
		load_stop(run);
		return NULL;
	}
	return run;
}

int
load_stop(struct load_run *run)
{
	int i, status, ok = 1;

	if (run == NULL || run->flag == NULL || run->flag == MAP_FAILED)
		return 0;
	run->flag->stop_at = now_seconds();
	run->flag->stop = 1;
	for (i = 0; i < run->nclients; i++)
		ok &= CHECKF(waitpid(run->pids[i], &status, 0) == run->pids[i]
		    && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "client %d did not exit cleanly", i);
	munmap(run->flag, sizeof(*run->flag));
	run->flag = NULL;
	return ok;
}

/* ---- what the clients recorded ------------------------------------------- */

static void
tally_add_ack(struct load_tally *ty, int k, double t0, double t1,
    const char *id)
{
	struct load_ack *grown;
	long cap;

	if (ty->nacks == ty->acks_cap) {
		cap = ty->acks_cap ? ty->acks_cap * 2 : 1024;
		grown = realloc(ty->acks, (size_t)cap * sizeof(*grown));
		if (grown == NULL) {
			FAIL("out of memory for %ld acknowledgements", cap);
			return;
		}
		ty->acks = grown;
		ty->acks_cap = cap;
	}
	ty->acks[ty->nacks].kind = k;
	ty->acks[ty->nacks].t0 = t0;
	ty->acks[ty->nacks].t1 = t1;
	snprintf(ty->acks[ty->nacks].id, sizeof(ty->acks[0].id), "%s", id);
	ty->nacks++;
}

static void
tally_read_file(const char *path, load_explain_fn explain, void *ctx,
    struct load_tally *ty)
{
	char line[400], id[40], word[64];
	double t0, t1;
	long status;
	int k, env, cause;
	FILE *f = fopen(path, "r");

	if (!CHECKF(f != NULL, "%s: %s", path, strerror(errno)))
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		switch (line[0]) {
		case 'A':
			if (sscanf(line, "A %d %lf %lf %39s", &k, &t0, &t1,
			    id) != 4 || k < 0 || k >= LOAD_KINDS)
				break;
			ty->acked[k]++;
			tally_add_ack(ty, k, t0, t1, id);
			break;
		case 'R':
			if (sscanf(line, "R %d", &k) == 1 && k >= 0 &&
			    k < LOAD_KINDS)
				ty->refused[k]++;
			break;
		case 'F':
			if (sscanf(line, "F %d %lf %lf %ld %d", &k, &t0, &t1,
			    &status, &env) != 5 || k < 0 || k >= LOAD_KINDS)
				break;
			ty->failed++;
			if (!env && ty->bad_envelope++ < 5)
				FAIL("a failed %s got %ld, not a 503 in its "
				    "envelope", load_kind_name[k], status);
			cause = explain(ctx, t0, t1);
			if (cause < 0 || cause >= LOAD_MAX_CAUSES)
				cause = 0;
			if (ty->by_cause[cause]++ < 5 && cause == 0)
				FAIL("a %s failed at t=%.4f..%.4f s with "
				    "nothing to explain it: %.300s",
				    load_kind_name[k], t0, t1, line);
			break;
		case 'U':
			if (ty->unexpected++ < 5)
				FAIL("an answer no valid write may get: %.300s",
				    line);
			break;
		case 'D':
			if (sscanf(line, "D %d", &k) == 1 && k >= 0 &&
			    k < LOAD_KINDS && ty->in_doubt++ < 5)
				FAIL("a %s still failed %.0f s after the load "
				    "stopped", load_kind_name[k],
				    LOAD_GIVE_UP_AFTER);
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

void
load_tally_read(const struct load_run *run, load_explain_fn explain,
    void *ctx, struct load_tally *ty)
{
	int i;

	memset(ty, 0, sizeof(*ty));
	for (i = 0; i < run->nclients; i++)
		tally_read_file(pool_printf("%s/client-%d", run->dir, i),
		    explain, ctx, ty);
	pool_keep(ty->acks, free);
	CHECKF(ty->clients_done == run->nclients, "%d of %d clients reported",
	    ty->clients_done, run->nclients);
}

double
load_first_ack_after(const struct load_tally *ty, double t)
{
	double best = -1;
	long i;

	for (i = 0; i < ty->nacks; i++)
		if (ty->acks[i].t0 >= t && (best < 0 ||
		    ty->acks[i].t1 - t < best))
			best = ty->acks[i].t1 - t;
	return best;
}

/* ---- the state of the database afterwards -------------------------------- */

static const char *const stored_once_sql[LOAD_KINDS] = {
	"SELECT COUNT(*) FROM unit_blocks WHERE id = ?",
	"SELECT COUNT(*) FROM allotment_reservations WHERE id = ? "
	    "AND status = 'active'",
	"SELECT COUNT(*) FROM long_stay_contracts WHERE id = ?",
	"SELECT COUNT(*) FROM long_stay_contracts WHERE id = ? "
	    "AND status = 'active'",
	"SELECT COUNT(*) FROM work_orders WHERE id = ?",
};
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


long
load_sql_number(struct db *db, const char *sql, int n, const char *a,
    const char *b)
{
	struct db_param p[2] = { DB_STR(a), DB_STR(b) };
	struct db_rows *rows = NULL;
	const char *v;
	long out = -1;

	if (db_query(db, sql, p, n, &rows) == DB_OK &&
	    (v = db_cell(rows, 0, 0)) != NULL)
		out = atol(v);
	db_rows_free(rows);
	return out;
}

int
load_state_read(struct db *db, const char *where,
    const struct load_target *t, const struct load_tally *ty,
    struct load_state *st)
{
	static const char *const totals_sql[LOAD_KINDS] = { blocks_sql,
	    pickups_sql, contracts_sql, active_sql, work_orders_sql };
	const char *business = day_s(t->s.business);
	long i, n;
	int k;

	memset(st, 0, sizeof(*st));
	if (!CHECKF(db != NULL, "%s: no database connection", where))
		return 0;
	for (i = 0; i < ty->nacks; i++) {
		n = strcmp(ty->acks[i].id, "-") == 0 ? 0 : load_sql_number(db,
		    stored_once_sql[ty->acks[i].kind], 1, ty->acks[i].id,
		    NULL);
		if (n != 1 && st->lost++ < 5)
			FAIL("%s: acknowledged %s %s is stored %ld times, "
			    "expected once", where,
			    load_kind_name[ty->acks[i].kind], ty->acks[i].id,
			    n);
	}
	for (k = 0; k < LOAD_KINDS; k++)
		st->stored[k] = load_sql_number(db, totals_sql[k], 1,
		    k == LOAD_PICKUP ? t->allotment : k == LOAD_WORK_ORDER ?
		    t->tag : t->s.est, NULL);
	st->nights = load_sql_number(db, inventory_nights_sql, 2, t->s.est, business);
	st->wrong = load_sql_number(db, inventory_wrong_sql, 2, t->s.est, business);
	st->oversold = load_sql_number(db, oversold_sql, 1, t->allotment, NULL);
	return CHECKF(st->nights >= 0 && st->wrong >= 0 && st->oversold >= 0,
	    "%s: a state query failed", where);
}

void
load_state_check_at(const struct load_state *st,
    const struct load_tally *ty, const char *where, const char *file,
    int line)
{
	int k;

	for (k = 0; k < LOAD_KINDS; k++) {
		check_true(ty->acked[k] > 0, file, line, "%s: no %s was "
		    "acknowledged: the load proves nothing about it", where,
		    load_kind_name[k]);
		check_true(st->stored[k] == ty->acked[k], file, line, "%s: "
		    "%ld %ss stored, %ld acknowledged", where, st->stored[k],
		    load_kind_name[k], ty->acked[k]);
	}
	check_true(st->lost == 0, file, line, "%s: %ld acknowledged writes "
	    "lost", where, st->lost);
	check_true(st->nights >= NTYPES * 60, file, line, "%s: only %ld "
	    "inventory nights to check", where, st->nights);
	check_true(st->wrong == 0, file, line, "%s: %ld inventory nights "
	    "differ from the truth", where, st->wrong);
	check_true(st->oversold == 0, file, line, "%s: %ld allotment nights "
	    "oversold", where, st->oversold);
	check_true(ty->in_doubt == 0 && ty->unexpected == 0 &&
	    ty->bad_envelope == 0, file, line, "%s: %ld writes in doubt, %ld "
	    "unexpected answers, %ld failures outside the envelope", where,
	    ty->in_doubt, ty->unexpected, ty->bad_envelope);
}
