/*
 * Work-order history (seed "Historia zlecenia pracy"):
 *   POST   /add-history/{workOrderUuid}
 *   POST   /edit-history/{historyUuid}    partial; given lists replace
 *   DELETE /delete-history/{historyUuid}
 * An entry carries participants (users) and expenditures (element types
 * used).  Every change recomputes the work order's state, start/finish
 * dates, progress and plan counts in the same transaction.
 */
#include <string.h>

#include "json.h"
#include "request.h"
#include "work_order.h"

#define NUM(n) { .name = n, .kind = FIELD_NUMBER, .flags = F_NULLABLE, \
	.dmin = 0, .dmax = 1e15 }

static const struct field participant_fields[] = {
	{ .name = "uuid", .kind = FIELD_UUID, .flags = F_REQUIRED },
	{ .name = NULL }
};

static const struct field expenditure_fields[] = {
	{ .name = "uuid", .kind = FIELD_UUID, .flags = F_NULLABLE },
	{ .name = "tstamp", .kind = FIELD_DATETIME, .flags = F_NULLABLE },
	{ .name = "elementTypeUuid", .kind = FIELD_UUID, .flags = F_REQUIRED },
	NUM("itemCount"),
	{ .name = "message", .kind = FIELD_STRING, .flags = F_NULLABLE,
	  .max = TEXT_MAX_CHARS },
	{ .name = NULL }
};

/* uuid is kept on add and ignored on edit (an entry keeps its identity). */
static const struct field history_fields[] = {
	{ .name = "id", .kind = FIELD_INT, .flags = F_FORBIDDEN },
	{ .name = "uuid", .kind = FIELD_UUID, .flags = F_NULLABLE },
	{ .name = "workOrderUuid", .kind = FIELD_UUID, .flags = F_NULLABLE },
	{ .name = "reportedOn", .kind = FIELD_DATETIME, .flags = F_NULLABLE },
	{ .name = "reportedByUuid", .kind = FIELD_UUID, .flags = F_NULLABLE },
	{ .name = "tstamp", .kind = FIELD_DATETIME, .flags = F_NULLABLE },
	{ .name = "stateName", .kind = FIELD_ENUM, .flags = F_NULLABLE,
	  .one_of = "NEW SCHEDULED IN_PROGRESS ON_HOLD FINISHED VOID" },
	{ .name = "message", .kind = FIELD_STRING, .flags = F_NULLABLE,
	  .max = TEXT_MAX_CHARS },
	NUM("hoursReported"),
	NUM("workAmountReported"),
	{ .name = "participantCount", .kind = FIELD_INT, .flags = F_NULLABLE,
	  .min = 0, .max = 1000000 },
	{ .name = "valid", .kind = FIELD_BOOL, .flags = F_NULLABLE },
	{ .name = "participants", .kind = FIELD_ARRAY, .flags = F_NULLABLE,
	  .max = 1000, .items = participant_fields },
	{ .name = "workOrderExpenditures", .kind = FIELD_ARRAY,
	  .flags = F_NULLABLE, .max = 1000, .items = expenditure_fields },
	{ .name = NULL }
};

/* The scalar fields, in the order of the insert and update below. */
static const char *const history_columns[] = {
	"reportedOn", "reportedByUuid", "tstamp", "stateName", "message",
	"hoursReported", "workAmountReported", "participantCount", "valid",
};
#define HISTORY_NCOLS (sizeof(history_columns) / sizeof(history_columns[0]))

static const char history_insert_sql[] =
    "INSERT INTO work_order_history (uuid, work_order_id, reported_on, "
    "reported_by_uuid, tstamp, state_name, message, hours_reported, "
    "work_amount_reported, participant_count, valid, created) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, 1), UTC_TIMESTAMP())";

static const char history_update_sql[] =
    "UPDATE work_order_history SET reported_on = COALESCE(?, reported_on), "
    "reported_by_uuid = COALESCE(?, reported_by_uuid), "
    "tstamp = COALESCE(?, tstamp), state_name = COALESCE(?, state_name), "
    "message = COALESCE(?, message), "
    "hours_reported = COALESCE(?, hours_reported), "
    "work_amount_reported = COALESCE(?, work_amount_reported), "
    "participant_count = COALESCE(?, participant_count), "
    "valid = COALESCE(?, valid) WHERE id = ?";

static const char history_find_sql[] =
    "SELECT h.id, h.work_order_id, w.uuid FROM work_order_history h "
    "JOIN work_orders w ON w.id = h.work_order_id WHERE h.uuid = ? LIMIT 2";
static const char history_relock_sql[] =
    "SELECT id FROM work_order_history WHERE id = ? FOR UPDATE";
static const char history_delete_sql[] =
    "DELETE FROM work_order_history WHERE id = ?";

static const char participants_clear_sql[] =
    "DELETE FROM work_order_history_participants WHERE history_id = ?";
static const char participant_insert_sql[] =
    "INSERT INTO work_order_history_participants (history_id, user_uuid) "
    "VALUES (?, ?)";
static const char expenditures_clear_sql[] =
    "DELETE FROM work_order_expenditures WHERE history_id = ?";
static const char expenditure_insert_sql[] =
    "INSERT INTO work_order_expenditures (uuid, history_id, work_order_id, "
    "tstamp, element_type_uuid, item_count, message) "
    "VALUES (?, ?, ?, ?, ?, COALESCE(?, 0), ?)";

/* Every user and element type the entry names must exist. */
static int
history_check_refs(struct db *db, const cJSON *body,
    struct write_refusal *why)
{
	const cJSON *item;
	int rc;

	if ((rc = work_order_ref_check(db, "user", "User",
	    json_get_string(body, "reportedByUuid"), why)) != DB_OK)
		return rc;
	cJSON_ArrayForEach(item, json_get(body, "participants"))
		if ((rc = work_order_ref_check(db, "user", "Participant user",
		    json_get_string(item, "uuid"), why)) != DB_OK)
			return rc;
	cJSON_ArrayForEach(item, json_get(body, "workOrderExpenditures"))
		if ((rc = work_order_ref_check(db, "element_type",
		    "Element type", json_get_string(item, "elementTypeUuid"),
		    why)) != DB_OK)
			return rc;
	return DB_OK;
}

/* Replaces (or, for a new entry, writes) the lists the body gives. */
static int
history_write_lists(struct db *db, const cJSON *body, uint64_t hid,
    uint64_t wo_id, int replace)
{
	const cJSON *list, *item;
	char u[UUID_STR_LEN + 1], et[UUID_STR_LEN + 1], ts[BIND_BUF_LEN];
	struct db_param p[7];
	int rc;

	if ((list = json_get(body, "participants")) != NULL &&
	    !cJSON_IsNull(list)) {
		if (replace && (rc = db_exec(db, participants_clear_sql,
		    (struct db_param[]){ DB_I64((int64_t)hid) }, 1, NULL,
		    NULL)) != DB_OK)
			return rc;
		cJSON_ArrayForEach(item, list) {
			uuid_parse(json_get_string(item, "uuid"), u);
			if ((rc = db_exec(db, participant_insert_sql,
			    (struct db_param[]){ DB_I64((int64_t)hid), DB_STR(u) },
			    2, NULL, NULL)) != DB_OK)
				return rc;
		}
	}
	if ((list = json_get(body, "workOrderExpenditures")) == NULL ||
	    cJSON_IsNull(list))
		return DB_OK;
	if (replace && (rc = db_exec(db, expenditures_clear_sql,
	    (struct db_param[]){ DB_I64((int64_t)hid) }, 1, NULL, NULL)) != DB_OK)
		return rc;
	cJSON_ArrayForEach(item, list) {
		if (json_is_absent(item, "uuid") ||
		    uuid_parse(json_get_string(item, "uuid"), u) != 0)
			if (uuid_generate(u) != 0)
				return DB_ERR_FAILED;
		uuid_parse(json_get_string(item, "elementTypeUuid"), et);
		p[0] = DB_STR(u);
		p[1] = DB_I64((int64_t)hid);
		p[2] = DB_I64((int64_t)wo_id);
		p[3] = bind_member(item, expenditure_fields, "tstamp", ts);
		p[4] = DB_STR(et);
		p[5] = bind_member(item, expenditure_fields, "itemCount", NULL);
		p[6] = bind_member(item, expenditure_fields, "message", NULL);
		if ((rc = db_exec(db, expenditure_insert_sql, p, 7, NULL,
		    NULL)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

static void
history_params(const cJSON *body, char bufs[][BIND_BUF_LEN],
    struct db_param *p)
{
	size_t i;

	for (i = 0; i < HISTORY_NCOLS; i++)
		p[i] = bind_member(body, history_fields, history_columns[i],
		    bufs[i]);
}

static int
history_add_tx(struct db *db, void *arg, struct write_refusal *why)
{
	struct work_order_write *w = arg;
	struct db_param p[2 + HISTORY_NCOLS];
	char bufs[HISTORY_NCOLS][BIND_BUF_LEN];
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_lock(db, w->path_uuid, &wo_id, why)) != DB_OK ||
	    (rc = work_order_same_parent(w->body, w->path_uuid,
	    why)) != DB_OK ||
	    (rc = history_check_refs(db, w->body, why)) != DB_OK)
		return rc;
	p[0] = DB_STR(w->uuid);
	p[1] = DB_I64((int64_t)wo_id);
	history_params(w->body, bufs, p + 2);
	if ((rc = db_exec(db, history_insert_sql, p, 2 + HISTORY_NCOLS, NULL,
	    &w->id)) != DB_OK ||
	    (rc = history_write_lists(db, w->body, w->id, wo_id, 0)) != DB_OK)
		return rc;
	return work_order_recompute_all(db, wo_id);
}

static const struct work_order_write_def history_add_def = {
	.path_param = "uuid",
	.path_what = "Work Order",
	.fields = history_fields,
	.kind = WRITE_CREATE,
	.apply = history_add_tx,
};

int
work_order_history_add(struct request *rq)
{
	return work_order_write_run(rq, &history_add_def);
}

static int
history_edit_tx(struct db *db, void *arg, struct write_refusal *why)
{
	struct work_order_write *w = arg;
	struct db_param p[1 + HISTORY_NCOLS];
	char bufs[HISTORY_NCOLS][BIND_BUF_LEN], wo_uuid[UUID_STR_LEN + 1];
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_child_lock(db, history_find_sql,
	    history_relock_sql, "History entry", w->path_uuid, &w->id,
	    &wo_id, wo_uuid, why)) != DB_OK ||
	    (rc = work_order_same_parent(w->body, wo_uuid, why)) != DB_OK ||
	    (rc = history_check_refs(db, w->body, why)) != DB_OK)
		return rc;
	history_params(w->body, bufs, p);
	p[HISTORY_NCOLS] = DB_I64((int64_t)w->id);
	if ((rc = db_exec(db, history_update_sql, p, 1 + HISTORY_NCOLS, NULL,
	    NULL)) != DB_OK ||
	    (rc = history_write_lists(db, w->body, w->id, wo_id, 1)) != DB_OK)
		return rc;
	return work_order_recompute_all(db, wo_id);
}

static const struct work_order_write_def history_edit_def = {
	.path_param = "uuid",
	.path_what = "History entry",
	.fields = history_fields,
	.kind = WRITE_CHANGE,
	.apply = history_edit_tx,
};

int
work_order_history_edit(struct request *rq)
{
	return work_order_write_run(rq, &history_edit_def);
}

static int
history_delete_tx(struct db *db, void *arg, struct write_refusal *why)
{
	struct work_order_write *w = arg;
	char wo_uuid[UUID_STR_LEN + 1];
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_child_lock(db, history_find_sql,
	    history_relock_sql, "History entry", w->path_uuid, &w->id,
	    &wo_id, wo_uuid, why)) != DB_OK ||
	    (rc = db_exec(db, history_delete_sql, (struct db_param[]){
	    DB_I64((int64_t)w->id) }, 1, NULL, NULL)) != DB_OK)
		return rc;
	return work_order_recompute_all(db, wo_id);
}

static const struct work_order_write_def history_delete_def = {
	.path_param = "uuid",
	.path_what = "History entry",
	.kind = WRITE_CHANGE,
	.apply = history_delete_tx,
};

int
work_order_history_delete(struct request *rq)
{
	return work_order_write_run(rq, &history_delete_def);
}
