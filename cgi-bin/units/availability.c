/*
 * GET /v1/availability?establishmentId=&from=&to=[&unitTypeId=]: per unit
 * type of the establishment (or the one asked for) and per night of the
 * half-open [from, to), at most AVAILABILITY_MAX_NIGHTS nights, the
 * inventory of SPEC 2.2 in the shape of SPEC 2.7:
 * {"establishmentId","from","to","unitTypes":[{"unitTypeId","nights":[
 * {"date","total","blocked","committed","available"}]}]},
 * available = total - blocked - committed.  Any authenticated key: 400
 * VALIDATION_FAILED listing every bad parameter, 403 OUT_OF_SCOPE (before
 * any lookup), 404 ESTABLISHMENT_NOT_FOUND, 404 UNIT_TYPE_NOT_FOUND (also
 * for a unit type of another establishment).
 *
 * Where the numbers come from.  A night that has its inventory_nights row
 * (lib/inventory.c keeps them from the business date to the horizon,
 * earlier ones stay as history) is read from it: that row is what writers
 * check and change.  A night without one (before the rows began, or past
 * establishments.inventory_through) is computed from the truth in the
 * same query, exactly as inventory_materialize would compute its row:
 * total = the type's active units, blocked = blocks of the type's active
 * units covering the night, committed = 0 (nothing commits open-ended yet).  A
 * read never materialises: it writes nothing and takes no lock, so it
 * cannot conflict with a writer, and its answer is the row the night
 * audit would add.  Two queries however many nights: the establishment
 * (and unit type) lookup, then every type and night at once.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "datetime.h"
#include "db.h"
#include "envelope.h"
#include "query.h"
#include "request.h"
#include "units.h"
#include "uuid.h"
#include "validate.h"

/* A leap year's nights; the seq_0_to_365 table below holds as many. */
#define AVAILABILITY_MAX_NIGHTS 366

/* One row when the establishment exists; its second column is NULL
   unless the unit type asked for (if any) is one of its own. */
static const char availability_owner_sql[] =
    "SELECT e.id, t.id FROM establishments e "
    "LEFT JOIN unit_types t ON t.id = ? AND t.establishment_id = e.id "
    "WHERE e.id = ?";

/*
 * One row per unit type and night, in that order: the night's row when
 * there is one, else the truth.  The truth's subqueries sit in the branch
 * IF() takes only for a night without a row, so a window inside the
 * materialised nights costs one primary-key lookup per type and night,
 * however many blocks the establishment has.  Columns: unit type, night,
 * total, blocked, committed.
 */
static const char availability_nights_sql[] =
    "SELECT t.id, DATE_FORMAT(d.night, '%Y-%m-%d'), "
    "IF(n.night IS NOT NULL, n.total, (SELECT COUNT(*) FROM units u "
    "  WHERE u.unit_type_id = t.id AND u.active)), "
    "IF(n.night IS NOT NULL, n.blocked, (SELECT COUNT(*) "
    "  FROM unit_blocks b JOIN units bu ON bu.id = b.unit_id "
    "  WHERE bu.unit_type_id = t.id AND bu.active "
    "  AND b.ooo_from <= d.night "
    "  AND (b.ooo_until IS NULL OR b.ooo_until > d.night))), "
    "IF(n.night IS NOT NULL, n.committed, 0) "
    "FROM unit_types t "
    "CROSS JOIN (SELECT CAST(? AS DATE) + INTERVAL seq DAY AS night "
    "  FROM seq_0_to_365 WHERE seq < ?) d "
    "LEFT JOIN inventory_nights n ON n.unit_type_id = t.id "
    "  AND n.night = d.night "
    "WHERE t.establishment_id = ? AND (? IS NULL OR t.id = ?) "
    "ORDER BY t.id, d.night";

enum { NIGHT_COL_TYPE, NIGHT_COL_DATE, NIGHT_COL_TOTAL, NIGHT_COL_BLOCKED,
    NIGHT_COL_COMMITTED };

struct availability_query {
	char establishment[UUID_STR_LEN + 1];
	char unit_type[UUID_STR_LEN + 1];	/* "" = every type */
	int32_t from, to;
};

/* The parameters, checked: 0, or -1 after answering 400 or 403. */
static int
availability_params(struct request *rq, struct availability_query *q)
{
	struct validation v = { 0 };
	int dates_ok;

	query_uuid(rq, "establishmentId", 1, q->establishment, &v);
	dates_ok = query_date(rq, "from", &q->from, &v) == 0;
	dates_ok = query_date(rq, "to", &q->to, &v) == 0 && dates_ok;
	query_uuid(rq, "unitTypeId", 0, q->unit_type, &v);
	if (dates_ok && q->to <= q->from)
		validation_add(&v, "to", REASON_BEFORE_START);
	else if (dates_ok && q->to - q->from > AVAILABILITY_MAX_NIGHTS)
		validation_add(&v, "to", REASON_OUT_OF_RANGE);
	return query_refused(rq, &v, q->establishment) ? -1 : 0;
}

/* The establishment and unit type exist: 0, or -1 after answering. */
static int
availability_owner(struct request *rq, const struct availability_query *q)
{
	struct db_rows *rows = NULL;
	int rc;

	rc = db_query(rq->db, availability_owner_sql, (struct db_param[]){
	    DB_STR(q->unit_type[0] != '\0' ? q->unit_type : NULL),
	    DB_STR(q->establishment) }, 2, &rows);
	if (rc != DB_OK)
		respond_db_failure(rq, rc);
	else if (rows->nrows == 0)
		respond_error(rq, "ESTABLISHMENT_NOT_FOUND");
	else if (q->unit_type[0] != '\0' && db_cell(rows, 0, 1) == NULL)
		respond_error(rq, "UNIT_TYPE_NOT_FOUND");
	db_rows_free(rows);
	return rc == DB_OK && !rq->responded ? 0 : -1;
}

/* One night of row r, or NULL when out of memory. */
static cJSON *
availability_night(const struct db_rows *rows, int r)
{
	long total = atol(db_cell(rows, r, NIGHT_COL_TOTAL));
	long blocked = atol(db_cell(rows, r, NIGHT_COL_BLOCKED));
	long committed = atol(db_cell(rows, r, NIGHT_COL_COMMITTED));
	cJSON *n = cJSON_CreateObject();

	if (n != NULL && (cJSON_AddStringToObject(n, "date",
	    db_cell(rows, r, NIGHT_COL_DATE)) == NULL ||
	    cJSON_AddNumberToObject(n, "total", total) == NULL ||
	    cJSON_AddNumberToObject(n, "blocked", blocked) == NULL ||
	    cJSON_AddNumberToObject(n, "committed", committed) == NULL ||
	    cJSON_AddNumberToObject(n, "available",
	    total - blocked - committed) == NULL)) {
		cJSON_Delete(n);
		n = NULL;
	}
	return n;
}

/* The unit type of row first with its nights (the rows that follow with
   the same type); *next: the row after them.  NULL when out of memory. */
static cJSON *
availability_type(const struct db_rows *rows, int first, int *next)
{
	const char *type = db_cell(rows, first, NIGHT_COL_TYPE);
	cJSON *t, *nights, *n;
	int r = first;

	if ((t = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(t, "unitTypeId", type) == NULL ||
	    (nights = cJSON_AddArrayToObject(t, "nights")) == NULL)
		goto fail;
	for (; r < rows->nrows &&
	    strcmp(db_cell(rows, r, NIGHT_COL_TYPE), type) == 0; r++) {
		if ((n = availability_night(rows, r)) == NULL)
			goto fail;
		cJSON_AddItemToArray(nights, n);
	}
	*next = r;
	return t;
fail:
	cJSON_Delete(t);
	return NULL;
}

/* The answer's data; NULL when out of memory. */
static cJSON *
availability_json(const struct availability_query *q,
    const struct db_rows *rows)
{
	char from[DATE_STR_LEN + 1], to[DATE_STR_LEN + 1];
	cJSON *data, *types, *t;
	int r = 0;

	date_format(q->from, from);
	date_format(q->to, to);
	if ((data = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(data, "establishmentId",
	    q->establishment) == NULL ||
	    cJSON_AddStringToObject(data, "from", from) == NULL ||
	    cJSON_AddStringToObject(data, "to", to) == NULL ||
	    (types = cJSON_AddArrayToObject(data, "unitTypes")) == NULL)
		goto fail;
	while (r < rows->nrows) {
		if ((t = availability_type(rows, r, &r)) == NULL)
			goto fail;
		cJSON_AddItemToArray(types, t);
	}
	return data;
fail:
	cJSON_Delete(data);
	return NULL;
}

int
availability_get(struct request *rq)
{
	struct availability_query q = { .from = 0 };
	struct db_rows *rows = NULL;
	const char *type;
	char from[DATE_STR_LEN + 1];
	cJSON *data;
	int rc = 0;

	if (availability_params(rq, &q) != 0 ||
	    availability_owner(rq, &q) != 0)
		goto done;
	date_format(q.from, from);
	type = q.unit_type[0] != '\0' ? q.unit_type : NULL;
	rc = db_query(rq->db, availability_nights_sql, (struct db_param[]){
	    DB_STR(from), DB_I64(q.to - q.from), DB_STR(q.establishment),
	    DB_STR(type), DB_STR(type) }, 5, &rows);
	if (rc != DB_OK) {
		rc = respond_db_failure(rq, rc);
		goto done;
	}
	if ((data = availability_json(&q, rows)) == NULL) {
		rc = respond_error(rq, "INTERNAL_ERROR");
		goto done;
	}
	rc = respond_data(rq, 200, data);
done:
	db_rows_free(rows);
	return rc;
}
