/*
 * bind: owns the step from a checked JSON value to an SQL parameter.  The
 * field table that validated a body is the one that binds it, so a value
 * is converted only where its field's kind says so (SPEC 5: uuids to lower
 * case in uuid fields; date-times to MySQL's form in date-time fields).
 */
#include <string.h>

#include "bind.h"
#include "datetime.h"
#include "json.h"
#include "log.h"
#include "uuid.h"

struct db_param
bind_value(const cJSON *value, const struct field *f, char buf[BIND_BUF_LEN])
{
	int64_t n;

	if (value == NULL || cJSON_IsNull(value))
		return DB_NULL;
	switch (f->kind) {
	case FIELD_UUID:
		if (cJSON_IsString(value) &&
		    uuid_parse(value->valuestring, buf) == 0)
			return DB_STR(buf);
		break;
	case FIELD_DATETIME:
		if (cJSON_IsString(value) &&
		    strlen(value->valuestring) == DATETIME_STR_LEN) {
			memcpy(buf, value->valuestring, DATETIME_STR_LEN + 1);
			buf[10] = ' ';
			return DB_STR(buf);
		}
		break;
	case FIELD_DATE:
	case FIELD_ENUM:
	case FIELD_STRING:
	case FIELD_EMAIL:
		if (cJSON_IsString(value))
			return DB_STR(value->valuestring);
		break;
	case FIELD_CENTS:
		if (json_cents(value, &n) == 0)
			return DB_I64(n);
		break;
	case FIELD_INT:
		if (json_int_in(value, INT64_MIN, INT64_MAX, &n) == 0)
			return DB_I64(n);
		break;
	case FIELD_NUMBER:
		if (cJSON_IsNumber(value))
			return DB_DOUBLE(value->valuedouble);
		break;
	case FIELD_BOOL:
		if (cJSON_IsBool(value))
			return DB_I64(cJSON_IsTrue(value) ? 1 : 0);
		break;
	case FIELD_ARRAY:
	case FIELD_OBJECT:
		break;
	}
	/* Only reachable when a value skipped its validation: a bug. */
	log_error("bind: %s is not a valid %d", f->name ? f->name : "?",
	    (int)f->kind);
	return DB_NULL;
}

struct db_param
bind_member(const cJSON *obj, const struct field *fields, const char *name,
    char buf[BIND_BUF_LEN])
{
	const struct field *f;

	for (f = fields; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return bind_value(json_get(obj, name), f, buf);
	log_error("bind: no field %s in its table", name);
	return DB_NULL;
}
