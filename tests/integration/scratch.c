/* scratch: establishments of a test's own (scratch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "business_date.h"
#include "config.h"
#include "datetime.h"
#include "db.h"
#include "harness.h"
#include "inventory.h"
#include "scratch.h"

static const char est_ins_sql[] =
    "INSERT INTO establishments (id, name, time_zone, business_date) "
    "VALUES (?, ?, ?, ?)";
static const char type_ins_sql[] =
    "INSERT INTO unit_types (id, establishment_id, code, name) "
    "VALUES (?, ?, ?, 'itest scratch')";
static const char unit_ins_sql[] =
    "INSERT INTO units (id, establishment_id, unit_type_id, number, active) "
    "VALUES (?, ?, ?, ?, 1)";
static const char rate_plan_ins_sql[] =
    "INSERT INTO rate_plans (id, establishment_id, code, name, currency) "
    "VALUES (?, ?, 'RACK', 'itest scratch', 'EUR')";
static const char guest_ins_sql[] =
    "INSERT INTO guest_profiles (id, establishment_id, full_name, email) "
    "VALUES (?, ?, 'Itest Guest', 'guest@example.org')";
static const char snapshot_sql[] =
    "SELECT DATE_FORMAT(night, '%Y-%m-%d'), total, blocked, committed "
    "FROM inventory_nights WHERE unit_type_id = ? AND night >= ? "
    "AND night < ? ORDER BY night";
static const char available_sql[] =
    "SELECT total - blocked - committed FROM inventory_nights "
    "WHERE unit_type_id = ? AND night = ?";

#define X_AT(file, line, ...)	(harness_sql_at((file), (line), 0, __VA_ARGS__) != NULL)

const char *
day_s(int32_t d)
{
	char b[DATE_STR_LEN + 1];

	date_format(d, b);
	return pool_strdup(b);
}

int32_t
today_in_at(const char *zone, const char *file, int line)
{
	int32_t d = -1;

	if (!check_true(tz_local_date(time(NULL), zone, &d) == 0, file, line,
	    "tz_local_date(%s) failed", zone))
		return -1;
	return d;
}

int
horizon_at(const char *file, int line)
{
	static struct config cfg;
	static int loaded;

	if (!loaded && check_true(config_load(&cfg) == 0, file, line,
	    "config_load failed (PMS_* environment)"))
		loaded = 1;
	return loaded ? cfg.horizon_days : 365;
}

struct materialize_ctx {
	const char *est;
	int32_t from, through;
};

static int
materialize_tx(struct db *db, void *arg)
{
	struct materialize_ctx *m = arg;

	return inventory_materialize(db, m->est, m->from, m->through);
}

int
materialize_at(const char *est, int32_t from, const char *file, int line)
{
	struct materialize_ctx m;
	struct db *db = harness_db_at(file, line);
	int rc;

	if (db == NULL)
		return 0;
	m.est = est;
	m.from = from;
	m.through = from + horizon_at(file, line) - 1;
	rc = db_transaction(db, materialize_tx, &m);
	return check_true(rc == 0, file, line, "inventory_materialize(%s, %s, "
	    "%s): %d (%u %s)", est, day_s(m.from), day_s(m.through), rc,
	    db_errno(db), db_error(db));
}

int
night_audit_at(const char *est, int32_t to, const char *file, int line)
{
	const char *out = admin_run_at(file, line, "night-audit",
	    "--establishment", est, "--to", day_s(to), (const char *)NULL);
	const char *bd = out != NULL ? kv_get(out, "business-date") : NULL;

	return out != NULL && check_true(bd != NULL && strcmp(bd, day_s(to))
	    == 0, file, line, "night-audit --to %s printed: %s", day_s(to),
	    out);
}

const char *
scratch_key_at(const char *est, const char *role, const char *file, int line)
{
	const char *out = admin_run_at(file, line, "api-key", "add", "--role",
	    role, "--establishment", est, "--label", "itest scratch",
	    (const char *)NULL);
	const char *key = out != NULL ? kv_get(out, "key") : NULL;

	check_true(key != NULL && key[0] != '\0', file, line,
	    "api-key add printed no key=: %s", out ? out : "(nothing)");
	return key;
}

static int
uuid_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
scratch_new_at(struct scratch *s, int ntypes, int nunits, const char *zone,
    int32_t business, int materialise, const char *file, int line)
{
	int t, i;

	memset(s, 0, sizeof(*s));
	if (!check_true(ntypes >= 1 && ntypes <= SCRATCH_MAX_TYPES &&
	    nunits >= 0 && nunits <= SCRATCH_MAX_UNITS, file, line,
	    "scratch: %d types of %d units is out of bounds", ntypes, nunits))
		return 0;
	s->est = fresh_uuid();
	s->zone = zone;
	s->business = business;
	if (!X_AT(file, line, est_ins_sql, 4, s->est, pool_printf("itest "
	    "scratch %.8s", s->est), zone, day_s(business)))
		return 0;
	for (t = 0; t < ntypes; t++)
		s->types[t] = fresh_uuid();
	qsort(s->types, (size_t)ntypes, sizeof(s->types[0]), uuid_cmp);
	s->ntypes = ntypes;
	for (t = 0; t < ntypes; t++) {
		if (!X_AT(file, line, type_ins_sql, 3, s->types[t], s->est,
		    pool_printf("T%d", t + 1)))
			return 0;
		for (i = 0; i < nunits; i++) {
			s->units[t][i] = fresh_uuid();
			if (!X_AT(file, line, unit_ins_sql, 4, s->units[t][i],
			    s->est, s->types[t], pool_printf("%c%02d", 'A' + t,
			    i + 1)))
				return 0;
		}
		s->nunits[t] = nunits;
	}
	s->rate_plan = fresh_uuid();
	s->guest = fresh_uuid();
	if (!X_AT(file, line, rate_plan_ins_sql, 2, s->rate_plan, s->est) ||
	    !X_AT(file, line, guest_ins_sql, 2, s->guest, s->est))
		return 0;
	s->through = business + horizon_at(file, line) - 1;
	if (materialise && !materialize_at(s->est, business, file, line))
		return 0;
	s->key = scratch_key_at(s->est, "manager", file, line);
	s->agent_key = scratch_key_at(s->est, "agent", file, line);
	return s->key != NULL && s->agent_key != NULL;
}

const char *
inventory_snapshot_at(const char *type, int32_t from, int32_t until,
    const char *file, int line)
{
	const struct db_rows *rows = harness_sql_at(file, line, 1,
	    snapshot_sql, 3, type, day_s(from), day_s(until));
	size_t cap = 1, len = 0;
	char *out;
	int i;

	if (rows == NULL)
		return NULL;
	cap += (size_t)rows->nrows * 64;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	out[0] = '\0';
	for (i = 0; i < rows->nrows; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s:%s/%s/%s ",
		    db_cell(rows, i, 0), db_cell(rows, i, 1),
		    db_cell(rows, i, 2), db_cell(rows, i, 3));
	return pool_keep(out, free);
}

long long
available_at(const char *type, int32_t night, const char *file, int line)
{
	const struct db_rows *rows = harness_sql_at(file, line, 1,
	    available_sql, 2, type, day_s(night));
	const char *s = rows != NULL ? db_cell(rows, 0, 0) : NULL;

	if (!check_true(s != NULL, file, line, "no inventory row for %s on %s",
	    type, day_s(night)))
		return -1;
	return atoll(s);
}
