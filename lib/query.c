/*
 * query: the query parameters of the read endpoints (query.h), shared by
 * the families that list or filter.  A value too long for its kind or
 * badly percent-encoded is simply not of that kind; an empty value counts
 * as absent.
 */
#include <string.h>

#include "auth.h"
#include "datetime.h"
#include "envelope.h"
#include "query.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"

/* Longer than any valid value of the kinds below. */
#define QUERY_VALUE_MAX 64
/* Digits a query_int value may have (its bounds are far below 10^18). */
#define QUERY_INT_DIGITS 18

/*
 * The raw value of name into buf: 1 present and non-empty, 0 absent or
 * empty, -1 unreadable (too long, bad encoding).
 */
static int
query_raw(const struct request *rq, const char *name, char *buf, size_t len)
{
	int rc = request_query_param(rq, name, buf, len);

	if (rc == 1 && buf[0] == '\0')
		rc = 0;
	return rc;
}

int
query_uuid(const struct request *rq, const char *name, int required,
    char out[UUID_STR_LEN + 1], struct validation *v)
{
	char buf[QUERY_VALUE_MAX];
	int raw, rc = 0;

	out[0] = '\0';
	raw = query_raw(rq, name, buf, sizeof(buf));
	if (raw == 0 && required) {
		validation_add(v, name, REASON_REQUIRED);
		rc = -1;
	} else if (raw != 0 && (raw < 0 || uuid_parse(buf, out) != 0)) {
		out[0] = '\0';
		validation_add(v, name, REASON_BAD_UUID);
		rc = -1;
	}
	return rc;
}

int
query_date_optional(const struct request *rq, const char *name,
    int32_t *days, int *present, struct validation *v)
{
	char buf[QUERY_VALUE_MAX];
	int raw, rc = 0;

	raw = query_raw(rq, name, buf, sizeof(buf));
	*present = raw != 0;
	if (raw != 0 && (raw < 0 || date_parse(buf, days) != 0)) {
		validation_add(v, name, REASON_BAD_DATE);
		rc = -1;
	}
	return rc;
}

int
query_date(const struct request *rq, const char *name, int32_t *days,
    struct validation *v)
{
	int present, rc;

	rc = query_date_optional(rq, name, days, &present, v);
	if (rc == 0 && !present) {
		validation_add(v, name, REASON_REQUIRED);
		rc = -1;
	}
	return rc;
}

int
query_int(const struct request *rq, const char *name, int64_t def,
    int64_t min, int64_t max, int64_t *out, struct validation *v)
{
	char buf[QUERY_VALUE_MAX];
	size_t i, n = 0;
	int64_t value = 0;
	int raw, rc = 0;

	*out = def;
	if ((raw = query_raw(rq, name, buf, sizeof(buf))) == 0)
		goto done;
	if (raw > 0)
		n = strspn(buf, "0123456789");
	if (raw < 0 || buf[n] != '\0') {
		validation_add(v, name, REASON_WRONG_TYPE);
		rc = -1;
		goto done;
	}
	/* Leading zeros do not count towards the digits. */
	for (i = strspn(buf, "0"); i < n; i++) {
		if (n - i > QUERY_INT_DIGITS) {
			value = max + 1;
			break;
		}
		value = value * 10 + (buf[i] - '0');
	}
	if (value < min || value > max) {
		validation_add(v, name, REASON_OUT_OF_RANGE);
		rc = -1;
		goto done;
	}
	*out = value;
done:
	return rc;
}

int
query_enum(const struct request *rq, const char *name, const char *one_of,
    int *index, struct validation *v)
{
	char buf[QUERY_VALUE_MAX];
	int raw, rc = 0;

	*index = -1;
	if ((raw = query_raw(rq, name, buf, sizeof(buf))) == 0)
		goto done;
	if (raw < 0 || (*index = enum_index(buf, one_of)) < 0) {
		validation_add(v, name, REASON_NOT_ALLOWED_VALUE);
		rc = -1;
	}
done:
	return rc;
}

int
query_page(const struct request *rq, int64_t *page, int64_t *size,
    struct validation *v)
{
	int rc;

	rc = query_int(rq, "page", 1, 1, QUERY_PAGE_MAX, page, v);
	return query_int(rq, "size", QUERY_PAGE_DEFAULT_SIZE, 1,
	    QUERY_PAGE_MAX_SIZE, size, v) != 0 ? -1 : rc;
}

int
query_refused(struct request *rq, const struct validation *v,
    const char *establishment)
{
	if (v->count > 0)
		respond_validation(rq, v);
	else if (!auth_scope_allows(rq, establishment))
		respond_error(rq, "OUT_OF_SCOPE");
	else
		return 0;
	return 1;
}
