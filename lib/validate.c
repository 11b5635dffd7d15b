/*
 * validate: owns the declarative checking of request bodies.  A handler
 * declares a table of fields (name, kind, flags, bounds); validate_object()
 * walks it against a parsed object and records EVERY problem, each with
 * the JSON path of the field ("installments[1].amountCents") and a stable
 * reason, so a 400 can list them all.  Members not in the table are
 * unknown fields; server-set and forbidden members are refused.  The
 * reason words are part of the API (clients and envelope.c read them).
 *
 * Bounds: for STRING length and ARRAY count, a bound of 0 (or less) means
 * "no bound on that side", so { .min = 1 } is "non-empty".  For INT, both
 * 0 means any integer a JSON number holds exactly (|n| <= 2^53-1), else
 * [min, max] literally, so [-5, 0] stays expressible.  NUMBER: both 0
 * means any finite number, else [dmin, dmax].
 *
 * Array items: .items (non-NULL) makes every item an object checked
 * against it; otherwise each item is a scalar of .item_kind, using the
 * field's .one_of for FIELD_ENUM items.  Note that item_kind 0 is
 * FIELD_UUID, the default of a table that does not say.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "datetime.h"
#include "json.h"
#include "uuid.h"
#include "validate.h"

#define VALIDATE_SAFE_INT 9007199254740991LL	/* 2^53 - 1 */
#define VALIDATE_EMAIL_MAX 254
#define VALIDATE_EMAIL_LOCAL_MAX 64
#define VALIDATE_DNS_LABEL_MAX 63

/* The table of an OBJECT declared without .items: every member is unknown. */
static const struct field validate_no_fields[] = { { .name = NULL } };

static int validate_members(const cJSON *obj, const struct field *fields,
    const char *prefix, struct validation *v);

/*
 * A path longer than FIELD_PATH_MAX (client-chosen keys can be long) ends
 * in "..." so that a cut name is never mistaken for a whole one; the cut
 * backs up to a character boundary so the path stays valid UTF-8.
 */
static void
validate_mark_cut(char out[FIELD_PATH_MAX], int n)
{
	size_t pos = FIELD_PATH_MAX - 4;

	if (n >= 0 && n < FIELD_PATH_MAX)
		return;
	while (pos > 0 && ((unsigned char)out[pos] & 0xc0) == 0x80)
		pos--;
	memcpy(out + pos, "...", 4);
}

void
validation_add(struct validation *v, const char *field, enum reason r)
{
	int n;

	if (v == NULL)
		return;
	if (v->count >= VALIDATION_MAX_ISSUES) {
		v->overflow = 1;
		return;
	}
	n = snprintf(v->issue[v->count].field, FIELD_PATH_MAX, "%s",
	    field != NULL ? field : "");
	validate_mark_cut(v->issue[v->count].field, n);
	v->issue[v->count].reason = r;
	v->count++;
}

const char *
reason_name(enum reason r)
{
	switch (r) {
	case REASON_REQUIRED:		return "required";
	case REASON_UNKNOWN_FIELD:	return "unknown_field";
	case REASON_SERVER_SET:		return "server_set";
	case REASON_WRONG_TYPE:		return "wrong_type";
	case REASON_BAD_UUID:		return "bad_uuid";
	case REASON_BAD_DATE:		return "bad_date";
	case REASON_BAD_DATETIME:	return "bad_datetime";
	case REASON_NOT_ALLOWED_VALUE:	return "not_allowed_value";
	case REASON_TOO_SHORT:		return "too_short";
	case REASON_TOO_LONG:		return "too_long";
	case REASON_BAD_EMAIL:		return "bad_email";
	case REASON_BAD_CENTS:		return "bad_cents";
	case REASON_OUT_OF_RANGE:	return "out_of_range";
	case REASON_TOO_FEW_ITEMS:	return "too_few_items";
	case REASON_TOO_MANY_ITEMS:	return "too_many_items";
	case REASON_NOT_AN_OBJECT:	return "not_an_object";
	case REASON_BEFORE_START:	return "before_start";
	case REASON_IN_PAST:		return "in_past";
	case REASON_DUPLICATE:		return "duplicate";
	case REASON_MISMATCH:		return "mismatch";
	case REASON_INVALID:		return "invalid";
	}
	/* A value outside the enum (a bug in a caller) still gets a word. */
	return "invalid";
}

size_t
utf8_length(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	/* Valid UTF-8: one lead byte per code point, continuations are 10xxxxxx. */
	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
valid_enum(const char *s, const char *one_of)
{
	const char *p;
	size_t len;

	if (s == NULL || one_of == NULL || (len = strlen(s)) == 0)
		return 0;
	for (p = one_of; *p != '\0'; ) {
		size_t tok;

		while (*p == ' ')
			p++;
		tok = strcspn(p, " ");
		if (tok == len && strncmp(p, s, len) == 0)
			return 1;
		p += tok;
	}
	return 0;
}

/* One DNS label: [A-Za-z0-9-]{1,63}, no '-' at either end. */
static int
validate_dns_label(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > VALIDATE_DNS_LABEL_MAX || s[0] == '-' ||
	    s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

/*
 * Plausible, not RFC 5321 complete: the point is to catch typing errors,
 * not to prove deliverability.  The local part may hold UTF-8, but no
 * space or control character.
 */
int
valid_email(const char *s)
{
	const char *at, *dom, *p;
	size_t len, i;
	int dots = 0;

	if (s == NULL || (len = strnlen(s, VALIDATE_EMAIL_MAX + 1)) == 0 ||
	    len > VALIDATE_EMAIL_MAX)
		return 0;
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	if (at == s || (size_t)(at - s) > VALIDATE_EMAIL_LOCAL_MAX)
		return 0;
	for (i = 0; s + i < at; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f)
			return 0;
	}
	dom = at + 1;
	for (;;) {
		size_t n;

		p = strchr(dom, '.');
		n = p != NULL ? (size_t)(p - dom) : strlen(dom);
		if (!validate_dns_label(dom, n))
			return 0;
		if (p == NULL)
			break;
		dots++;
		dom = p + 1;
	}
	return dots > 0;
}

/* prefix "" -> "name"; prefix "a[1]" -> "a[1].name". */
static void
validate_path(char out[FIELD_PATH_MAX], const char *prefix, const char *name)
{
	int n;

	if (prefix == NULL || prefix[0] == '\0')
		n = snprintf(out, FIELD_PATH_MAX, "%s", name);
	else
		n = snprintf(out, FIELD_PATH_MAX, "%s.%s", prefix, name);
	validate_mark_cut(out, n);
}

static int
validate_issue(struct validation *v, const char *path, enum reason r)
{
	validation_add(v, path, r);
	return 1;
}

/* A length or count against its bounds (0 = none on that side). */
static enum reason
validate_count(int64_t n, int64_t min, int64_t max, enum reason short_r,
    enum reason long_r)
{
	if (min > 0 && n < min)
		return short_r;
	if (max > 0 && n > max)
		return long_r;
	return 0;
}

static enum reason
validate_int(const cJSON *item, const struct field *f)
{
	int64_t lo = -VALIDATE_SAFE_INT, hi = VALIDATE_SAFE_INT, n;
	double d;

	if (!cJSON_IsNumber(item))
		return REASON_WRONG_TYPE;
	d = item->valuedouble;
	/* Too large to be exact (or inf from 1e999) is a range problem... */
	if (!(d >= -(double)VALIDATE_SAFE_INT && d <= (double)VALIDATE_SAFE_INT))
		return REASON_OUT_OF_RANGE;
	/* ...while 1.5 for an integer is a type problem. */
	if (json_int_in(item, lo, hi, &n) != 0)
		return REASON_WRONG_TYPE;
	if (f->min != 0 || f->max != 0) {
		lo = f->min;
		hi = f->max;
	}
	if (n < lo || n > hi)
		return REASON_OUT_OF_RANGE;
	return 0;
}

static enum reason
validate_number(const cJSON *item, const struct field *f)
{
	double d;

	if (!cJSON_IsNumber(item))
		return REASON_WRONG_TYPE;
	d = item->valuedouble;
	if (!isfinite(d))
		return REASON_OUT_OF_RANGE;
	if ((f->dmin != 0 || f->dmax != 0) && (d < f->dmin || d > f->dmax))
		return REASON_OUT_OF_RANGE;
	return 0;
}

/*
 * A string-valued kind: wrong_type when not a string, else the kind's own
 * reason when check fails.
 */
static enum reason
validate_string_kind(const cJSON *item, enum field_kind kind,
    const struct field *f)
{
	const char *s;
	char uuid[UUID_STR_LEN + 1];
	int32_t days;
	int64_t secs;

	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return REASON_WRONG_TYPE;
	s = item->valuestring;
	switch (kind) {
	case FIELD_UUID:
		return uuid_parse(s, uuid) == 0 ? 0 : REASON_BAD_UUID;
	case FIELD_DATE:
		return date_parse(s, &days) == 0 ? 0 : REASON_BAD_DATE;
	case FIELD_DATETIME:
		return datetime_parse(s, &secs) == 0 ? 0 : REASON_BAD_DATETIME;
	case FIELD_ENUM:
		return valid_enum(s, f->one_of) ? 0 : REASON_NOT_ALLOWED_VALUE;
	case FIELD_EMAIL:
		return valid_email(s) ? 0 : REASON_BAD_EMAIL;
	case FIELD_STRING:
		return validate_count((int64_t)utf8_length(s), f->min, f->max,
		    REASON_TOO_SHORT, REASON_TOO_LONG);
	default:
		return REASON_WRONG_TYPE;
	}
}

/*
 * One non-null scalar value of the given kind (a member, or an array item
 * of .item_kind).  ARRAY and OBJECT only come here as item kinds without a
 * table: then any value of that JSON type passes.
 */
static enum reason
validate_scalar(const cJSON *item, enum field_kind kind, const struct field *f)
{
	int64_t cents;

	switch (kind) {
	case FIELD_UUID:
	case FIELD_DATE:
	case FIELD_DATETIME:
	case FIELD_ENUM:
	case FIELD_STRING:
	case FIELD_EMAIL:
		return validate_string_kind(item, kind, f);
	case FIELD_CENTS:
		if (!cJSON_IsString(item) && !cJSON_IsNumber(item))
			return REASON_WRONG_TYPE;
		return json_cents(item, &cents) == 0 ? 0 : REASON_BAD_CENTS;
	case FIELD_INT:
		return validate_int(item, f);
	case FIELD_NUMBER:
		return validate_number(item, f);
	case FIELD_BOOL:
		return cJSON_IsBool(item) ? 0 : REASON_WRONG_TYPE;
	case FIELD_ARRAY:
		return cJSON_IsArray(item) ? 0 : REASON_WRONG_TYPE;
	case FIELD_OBJECT:
		return cJSON_IsObject(item) ? 0 : REASON_NOT_AN_OBJECT;
	}
	return REASON_WRONG_TYPE;
}

/* An array member: its count, then every item.  Returns issues found. */
static int
validate_array(const cJSON *item, const struct field *f, const char *path,
    struct validation *v)
{
	const cJSON *it;
	char ipath[FIELD_PATH_MAX];
	enum reason r;
	int64_t count = 0;
	int found = 0, n;

	if (!cJSON_IsArray(item))
		return validate_issue(v, path, REASON_WRONG_TYPE);
	for (it = item->child; it != NULL; it = it->next)
		count++;
	if ((r = validate_count(count, f->min, f->max, REASON_TOO_FEW_ITEMS,
	    REASON_TOO_MANY_ITEMS)) != 0)
		found += validate_issue(v, path, r);
	count = 0;
	for (it = item->child; it != NULL; it = it->next, count++) {
		n = snprintf(ipath, sizeof(ipath), "%s[%lld]", path,
		    (long long)count);
		validate_mark_cut(ipath, n);
		if (f->items != NULL || f->item_kind == FIELD_OBJECT)
			found += validate_members(it, f->items != NULL ?
			    f->items : validate_no_fields, ipath, v);
		else if (cJSON_IsNull(it))
			found += validate_issue(v, ipath, REASON_WRONG_TYPE);
		else if ((r = validate_scalar(it, f->item_kind, f)) != 0)
			found += validate_issue(v, ipath, r);
	}
	return found;
}

/* One declared field against obj.  Returns issues found. */
static int
validate_field(const cJSON *obj, const struct field *f, const char *prefix,
    struct validation *v)
{
	const cJSON *item = json_get(obj, f->name);
	char path[FIELD_PATH_MAX];
	enum reason r;

	validate_path(path, prefix, f->name);
	/* The AMAGE id on add: even "id": null is refused. */
	if (f->flags & F_FORBIDDEN)
		return item != NULL ? validate_issue(v, path, REASON_SERVER_SET) : 0;
	if (f->flags & F_SERVER_SET)
		return item != NULL && !cJSON_IsNull(item) ?
		    validate_issue(v, path, REASON_SERVER_SET) : 0;
	if (item == NULL || cJSON_IsNull(item)) {
		if (f->flags & F_REQUIRED)
			return validate_issue(v, path, REASON_REQUIRED);
		if (item != NULL && !(f->flags & F_NULLABLE))
			return validate_issue(v, path, REASON_WRONG_TYPE);
		return 0;
	}
	if (f->kind == FIELD_ARRAY)
		return validate_array(item, f, path, v);
	if (f->kind == FIELD_OBJECT)
		return validate_members(item, f->items != NULL ? f->items :
		    validate_no_fields, path, v);
	if ((r = validate_scalar(item, f->kind, f)) != 0)
		return validate_issue(v, path, r);
	return 0;
}

/*
 * The table in order, then the members the table does not know, in the
 * order the client sent them.  Returns issues found, including any dropped
 * because v was full, so a non-zero result always means invalid.
 */
static int
validate_members(const cJSON *obj, const struct field *fields,
    const char *prefix, struct validation *v)
{
	const struct field *f;
	const cJSON *m;
	char path[FIELD_PATH_MAX];
	int found = 0;

	if (!cJSON_IsObject(obj))
		return validate_issue(v, prefix != NULL ? prefix : "",
		    REASON_NOT_AN_OBJECT);
	for (f = fields; f != NULL && f->name != NULL; f++)
		found += validate_field(obj, f, prefix, v);
	for (m = obj->child; m != NULL; m = m->next) {
		int known = 0;

		for (f = fields; f != NULL && f->name != NULL; f++)
			if (m->string != NULL && strcmp(f->name, m->string) == 0) {
				known = 1;
				break;
			}
		if (!known) {
			validate_path(path, prefix,
			    m->string != NULL ? m->string : "");
			found += validate_issue(v, path, REASON_UNKNOWN_FIELD);
		}
	}
	return found;
}

int
validate_object(const cJSON *obj, const struct field *fields,
    const char *prefix, struct validation *v)
{
	return validate_members(obj, fields, prefix, v);
}
