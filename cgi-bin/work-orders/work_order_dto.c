/*
 * The WorkOrderDto, declared once: WORK_ORDER_DTO below lists every field
 * in the seed's order with its JSON name, its column, its kind and bounds,
 * and whether the client writes it or the server keeps it.  Everything
 * else is expanded from that one list at compile time:
 *  - the validator tables of add and edit (server-kept fields are accepted
 *    when well-formed and ignored, SPEC 3);
 *  - the column lists and placeholders of the INSERT and UPDATE, and the
 *    binding of each value by its declared kind (bind.h);
 *  - the JSON kept in the `dto` column, whose SQL expression the triggers
 *    of the newest DTO migration carry (a unit test checks that file
 *    against work_order_dto_trigger_sql(), so the two cannot drift).
 * Also: the stored JSON spliced into answers, and the reference checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "json.h"
#include "uuid.h"
#include "work_order.h"

/*
 * X(role, KIND, "jsonName", "column", extra initializers...)
 * role CLIENT: written by add and edit; SERVER: kept by the server.
 * KIND: the FIELD_ kind without its prefix.  Every field is nullable.
 */
#define NUM_BOUNDS .dmin = 0, .dmax = 1e15
#define WORK_ORDER_DTO(X) \
	X(CLIENT, STRING, "name", "name", .max = 255) \
	X(CLIENT, STRING, "description", "description", .max = TEXT_MAX_CHARS) \
	X(CLIENT, UUID, "typeUuid", "type_uuid") \
	X(CLIENT, ENUM, "stateName", "state_name", \
	  .one_of = "NEW SCHEDULED IN_PROGRESS ON_HOLD FINISHED VOID") \
	X(CLIENT, ENUM, "priorityName", "priority_name", .one_of = "LOW NORMAL HIGH") \
	X(CLIENT, BOOL, "archived", "archived") \
	X(CLIENT, UUID, "contractUuid", "contract_uuid") \
	X(CLIENT, UUID, "contractScopeUuid", "contract_scope_uuid") \
	X(CLIENT, UUID, "accountUuid", "account_uuid") \
	X(SERVER, DATETIME, "created", "created") \
	X(CLIENT, DATETIME, "beginDate", "begin_date") \
	X(CLIENT, DATETIME, "deadlineDate", "deadline_date") \
	X(CLIENT, STRING, "notes", "notes", .max = TEXT_MAX_CHARS) \
	X(CLIENT, DATETIME, "startDate", "start_date") \
	X(CLIENT, DATETIME, "finishDate", "finish_date") \
	X(CLIENT, UUID, "assignedDepartmentUuid", "assigned_department_uuid") \
	X(CLIENT, UUID, "assignedUserUuid", "assigned_user_uuid") \
	X(CLIENT, UUID, "assignedContractorUuid", "assigned_contractor_uuid") \
	X(CLIENT, UUID, "verifyUserUuid", "verify_user_uuid") \
	X(CLIENT, STRING, "protocolNumber", "protocol_number", .max = 100) \
	X(CLIENT, UUID, "parentUuid", "parent_uuid") \
	X(CLIENT, UUID, "customerUuid", "customer_uuid") \
	X(CLIENT, UUID, "locationUuid", "location_uuid") \
	X(CLIENT, UUID, "placeOfWorkUuid", "place_of_work_uuid") \
	X(CLIENT, NUMBER, "budget", "budget", NUM_BOUNDS) \
	X(CLIENT, NUMBER, "hoursEstimated", "hours_estimated", NUM_BOUNDS) \
	X(CLIENT, NUMBER, "workAmount", "work_amount", NUM_BOUNDS) \
	X(CLIENT, STRING, "workAmountUnit", "work_amount_unit", .max = 50) \
	X(CLIENT, NUMBER, "workUnitMinutesTotal", "work_unit_minutes_total", NUM_BOUNDS) \
	X(CLIENT, NUMBER, "workUnitMinutes", "work_unit_minutes", NUM_BOUNDS) \
	X(CLIENT, NUMBER, "workUnitPrice", "work_unit_price", NUM_BOUNDS) \
	X(SERVER, NUMBER, "progressCompleted", "progress_completed") \
	X(SERVER, BOOL, "elementTypePlanCompleted", "element_type_plan_completed") \
	X(SERVER, NUMBER, "elementTypePlanTotalCount", "element_type_plan_total_count") \
	X(SERVER, NUMBER, "elementTypePlanCompletedCount", "element_type_plan_completed_count") \
	X(SERVER, DATETIME, "progressCompletedUpdated", "progress_completed_updated") \
	X(SERVER, DATETIME, "elementTypePlanUpdated", "element_type_plan_updated")

/* The validator entry of every field. */
#define DTO_FIELD(role, kd, json, col, ...) \
	{ .name = json, .kind = FIELD_##kd, .flags = F_NULLABLE, __VA_ARGS__ },

/* add: `id` must not be sent (seed). */
const struct field work_order_fields[] = {
	{ .name = "id", .kind = FIELD_INT, .flags = F_FORBIDDEN },
	{ .name = "uuid", .kind = FIELD_UUID, .flags = F_NULLABLE },
	WORK_ORDER_DTO(DTO_FIELD)
	{ .name = NULL }
};

/* edit: id and uuid may be posted back as get/by-uuid gave them; the
   handler refuses them when they name another work order. */
const struct field work_order_edit_fields[] = {
	{ .name = "id", .kind = FIELD_INT, .flags = F_NULLABLE, .min = 1,
	  .max = INT64_MAX },
	{ .name = "uuid", .kind = FIELD_UUID, .flags = F_NULLABLE },
	WORK_ORDER_DTO(DTO_FIELD)
	{ .name = NULL }
};

/* Per role: the client-written fields' columns, placeholders, names. */
#define DTO_COLUMN_CLIENT(col)		", " col
#define DTO_COLUMN_SERVER(col)
#define DTO_INSERT_CLIENT(col)		", COALESCE(?, DEFAULT(" col "))"
#define DTO_INSERT_SERVER(col)
#define DTO_SET_CLIENT(col)		", " col " = COALESCE(?, " col ")"
#define DTO_SET_SERVER(col)
#define DTO_NAME_CLIENT(json)		json,
#define DTO_NAME_SERVER(json)
#define DTO_COLUMN(role, kind, json, col, ...)	DTO_COLUMN_##role(col)
#define DTO_INSERT(role, kind, json, col, ...)	DTO_INSERT_##role(col)
#define DTO_SET(role, kind, json, col, ...)	DTO_SET_##role(col)
#define DTO_NAME(role, kind, json, col, ...)	DTO_NAME_##role(json)

/* A column left NULL keeps its default on insert and its value on edit. */
const char work_order_insert_sql[] =
    "INSERT INTO work_orders (uuid, created" WORK_ORDER_DTO(DTO_COLUMN)
    ") VALUES (?, UTC_TIMESTAMP()" WORK_ORDER_DTO(DTO_INSERT) ")";
const char work_order_update_sql[] =
    "UPDATE work_orders SET id = id" WORK_ORDER_DTO(DTO_SET) " WHERE id = ?";

static const char *const work_order_writable[] = {
	WORK_ORDER_DTO(DTO_NAME)
};
_Static_assert(sizeof(work_order_writable) / sizeof(work_order_writable[0]) ==
    WORK_ORDER_NWRITABLE, "WORK_ORDER_NWRITABLE counts the CLIENT fields");

/* The stored JSON: one pair per field, typed as the seed shows it. */
#define DTO_JSON_STRING(col)	"NEW." col
#define DTO_JSON_UUID(col)	"NEW." col
#define DTO_JSON_ENUM(col)	"NEW." col
#define DTO_JSON_NUMBER(col)	"NEW." col
#define DTO_JSON_DATETIME(col)	"DATE_FORMAT(NEW." col ", '%Y-%m-%dT%H:%i:%s')"
/* Through JSON_EXTRACT so they are JSON true/false, not 1/0. */
#define DTO_JSON_BOOL(col) \
	"IF(NEW." col ", JSON_EXTRACT('true', '$'), JSON_EXTRACT('false', '$'))"
#define DTO_JSON(role, kd, json, col, ...) \
	",\n    '" json "', " DTO_JSON_##kd(col)

static const char work_order_dto_expr[] =
    "JSON_COMPACT(JSON_OBJECT(\n    'uuid', NEW.uuid"
    WORK_ORDER_DTO(DTO_JSON) "))";

const char *
work_order_dto_trigger_sql(void)
{
	static char sql[8192];
	int n;

	if (sql[0] != '\0')
		return sql;
	n = snprintf(sql, sizeof(sql),
	    "-- Generated from WORK_ORDER_DTO (cgi-bin/work-orders/work_order_dto.c):\n"
	    "-- the JSON kept in work_orders.dto, rewritten by the statement that\n"
	    "-- changes the row, whoever writes it.  Do not edit: change the table,\n"
	    "-- then write the output of `test_work_order_dto --print` as a new\n"
	    "-- migration.\n"
	    "CREATE OR REPLACE TRIGGER work_orders_dto_insert BEFORE INSERT ON work_orders FOR EACH ROW\n"
	    "  SET NEW.dto = %s;\n\n"
	    "CREATE OR REPLACE TRIGGER work_orders_dto_update BEFORE UPDATE ON work_orders FOR EACH ROW\n"
	    "  SET NEW.dto = %s;\n", work_order_dto_expr, work_order_dto_expr);
	if (n < 0 || (size_t)n >= sizeof(sql))
		sql[0] = '\0';
	return sql;
}

int
work_order_buf_add(struct work_order_buf *buf, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (buf->len + n + 1 > buf->cap) {
		cap = buf->cap ? buf->cap : 2048;
		while (cap < buf->len + n + 1)
			cap *= 2;
		if ((p = realloc(buf->data, cap)) == NULL)
			return -1;
		buf->data = p;
		buf->cap = cap;
	}
	memcpy(buf->data + buf->len, s, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
	return 0;
}

int
work_order_dto_append(struct work_order_buf *buf, const char *id,
    const char *dto, size_t dto_len)
{
	/* The stored dto is a compact JSON object without id: splice it in. */
	if (id == NULL || dto == NULL || dto_len < 2 || dto[0] != '{')
		return -1;
	if (work_order_buf_add(buf, "{\"id\":", 6) != 0 ||
	    work_order_buf_add(buf, id, strlen(id)) != 0 ||
	    work_order_buf_add(buf, dto_len > 2 ? "," : "", dto_len > 2) != 0)
		return -1;
	return work_order_buf_add(buf, dto + 1, dto_len - 1);
}

/* Referenced uuids: JSON name, amage_references kind (NULL: a work order). */
static const struct {
	const char *json, *kind, *label;
} dto_refs[] = {
	{ "typeUuid", "type", "Work order type" },
	{ "contractUuid", "contract", "Contract" },
	{ "contractScopeUuid", "contract_scope", "Contract scope" },
	{ "accountUuid", "account", "Account" },
	{ "assignedDepartmentUuid", "department", "Department" },
	{ "assignedUserUuid", "user", "User" },
	{ "assignedContractorUuid", "contractor", "Contractor" },
	{ "verifyUserUuid", "user", "Verifying user" },
	{ "parentUuid", NULL, "Parent work order" },
	{ "customerUuid", "customer", "Customer" },
	{ "locationUuid", "location", "Location" },
	{ "placeOfWorkUuid", "place_of_work", "Place of work" },
};

/* Two rows: a parent uuid that two work orders share is ambiguous. */
static const char parent_find_sql[] =
    "SELECT 1 FROM work_orders WHERE uuid = ? LIMIT 2";

int
work_order_check_refs(struct db *db, const cJSON *body,
    struct write_refusal *why)
{
	char id[UUID_STR_LEN + 1];
	struct db_rows *rows;
	const char *s;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(dto_refs) / sizeof(dto_refs[0]); i++) {
		s = json_get_string(body, dto_refs[i].json);
		if (dto_refs[i].kind != NULL) {
			rc = work_order_ref_check(db, dto_refs[i].kind,
			    dto_refs[i].label, s, why);
			if (rc != DB_OK)
				return rc;
			continue;
		}
		if (s == NULL || uuid_parse(s, id) != 0)
			continue;	/* absent or null; format checked before */
		rc = db_query(db, parent_find_sql,
		    (struct db_param[]){ DB_STR(id) }, 1, &rows);
		if (rc != DB_OK)
			return rc;
		if (rows->nrows == 0)
			rc = write_refuse(why, "REFERENCE_NOT_FOUND",
			    "%s not found: %s", dto_refs[i].label, id);
		else if (rows->nrows > 1)
			rc = write_refuse(why, "DUPLICATED_ENTRY",
			    "duplicated entry: %s %s", dto_refs[i].label, id);
		db_rows_free(rows);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

void
work_order_params(const cJSON *body, struct work_order_params *wp,
    struct db_param *p)
{
	size_t i;

	for (i = 0; i < WORK_ORDER_NWRITABLE; i++)
		p[i] = bind_member(body, work_order_fields,
		    work_order_writable[i], wp->buf[i]);
}
