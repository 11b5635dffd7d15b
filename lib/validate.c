/*
 * validate: owns the declarative checking and decoding of request bodies.
 * A handler declares a table of fields (name, kind, flags, bounds, and
 * optionally where each value goes); one walk checks a parsed object
 * against it, records EVERY problem, each with the JSON path of the field
 * ("installments[1].amountCents") and a stable reason, so a 400 can list
 * them all, and, for validate_decode(), stores each valid value and its
 * state into the caller's struct.  Checking and decoding are the same
 * step (the uuid parsed to check it is the uuid stored), so a value that
 * validated cannot fail to decode later.  Members not in the table are
 * unknown fields; server-set and forbidden members are refused.  The
 * reason words are part of the API (clients and envelope.c read them).
 *
 * Bounds: for STRING length and ARRAY count, a bound of 0 (or less) means
 * "no bound on that side", so { .min = 1 } is "non-empty".  For INT, both
 * 0 means any integer a JSON number holds exactly (|n| <= 2^53-1), else
 * [min, max] literally, so [-5, 0] stays expressible.  NUMBER: both 0
 * means any finite number, else [dmin, dmax].  When decoding, an ARRAY
 * also stops at the capacity of its destination.
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

/*
 * One decoded value on its way to its destination.  Every member starts
 * at the union's address, so copying decoded_size(kind) bytes from the
 * union copies exactly the member that kind fills.
 */
union decoded {
	char uuid[UUID_STR_LEN + 1];	/* UUID */
	int32_t days;			/* DATE */
	int64_t i64;			/* DATETIME seconds, CENTS, INT */
	int index;			/* ENUM index, BOOL 0/1 */
	const char *str;		/* STRING, EMAIL: borrowed */
	double num;			/* NUMBER */
};

static int validate_members(const cJSON *obj, const struct field *fields,
    unsigned char *dest, const char *prefix, struct validation *v);

/* Bytes a kind stores; 0 for ARRAY and OBJECT, which go through .items. */
static size_t
decoded_size(enum field_kind kind)
{
	switch (kind) {
	case FIELD_UUID:
		return UUID_STR_LEN + 1;
	case FIELD_DATE:
		return sizeof(int32_t);
	case FIELD_DATETIME:
	case FIELD_CENTS:
	case FIELD_INT:
		return sizeof(int64_t);
	case FIELD_ENUM:
	case FIELD_BOOL:
		return sizeof(int);
	case FIELD_STRING:
	case FIELD_EMAIL:
		return sizeof(const char *);
	case FIELD_NUMBER:
		return sizeof(double);
	case FIELD_ARRAY:
	case FIELD_OBJECT:
		break;
	}
	return 0;
}

/* The byte at offset + 1 `at` of dest, or NULL for "no destination". */
static unsigned char *
field_slot(unsigned char *dest, size_t at)
{
	return dest != NULL && at != 0 ? dest + at - 1 : NULL;
}

/* memcpy, not a typed store: the table's offsets carry no type. */
static void
field_set_state(unsigned char *dest, const struct field *f,
    enum field_state state)
{
	unsigned char *p = field_slot(dest, f->state_at);

	if (p != NULL)
		memcpy(p, &state, sizeof(state));
}

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
	case REASON_UNKNOWN_REFERENCE:	return "unknown_reference";
	case REASON_BEYOND_HORIZON:	return "beyond_horizon";
	case REASON_TOO_PRECISE:	return "too_precise";
	case REASON_OUT_OF_ORDER:	return "out_of_order";
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
enum_index(const char *s, const char *one_of)
{
	const char *p;
	size_t len;
	int index = 0;

	if (s == NULL || one_of == NULL || (len = strlen(s)) == 0)
		return -1;
	for (p = one_of; *p != '\0'; ) {
		size_t tok;

		while (*p == ' ')
			p++;
		if ((tok = strcspn(p, " ")) == 0)
			break;
		if (tok == len && strncmp(p, s, len) == 0)
			return index;
		index++;
		p += tok;
	}
	return -1;
}

int
valid_enum(const char *s, const char *one_of)
{
	return enum_index(s, one_of) >= 0;
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
validate_int(const cJSON *item, const struct field *f, union decoded *d)
{
	int64_t lo = -VALIDATE_SAFE_INT, hi = VALIDATE_SAFE_INT, n;
	double x;

	if (!cJSON_IsNumber(item))
		return REASON_WRONG_TYPE;
	x = item->valuedouble;
	/* Too large to be exact (or inf from 1e999) is a range problem... */
	if (!(x >= -(double)VALIDATE_SAFE_INT && x <= (double)VALIDATE_SAFE_INT))
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
	d->i64 = n;
	return 0;
}

static enum reason
validate_number(const cJSON *item, const struct field *f, union decoded *d)
{
	double x;

	if (!cJSON_IsNumber(item))
		return REASON_WRONG_TYPE;
	x = item->valuedouble;
	if (!isfinite(x))
		return REASON_OUT_OF_RANGE;
	if ((f->dmin != 0 || f->dmax != 0) && (x < f->dmin || x > f->dmax))
		return REASON_OUT_OF_RANGE;
	d->num = x;
	return 0;
}

/*
 * A string-valued kind: wrong_type when not a string, else the kind's own
 * reason when check fails.  The parse that checks is the one that fills
 * *d, so what validated is what is stored.
 */
static enum reason
validate_string_kind(const cJSON *item, enum field_kind kind,
    const struct field *f, union decoded *d)
{
	const char *s;

	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return REASON_WRONG_TYPE;
	s = item->valuestring;
	d->str = s;	/* STRING and EMAIL; the others overwrite it */
	switch (kind) {
	case FIELD_UUID:
		return uuid_parse(s, d->uuid) == 0 ? 0 : REASON_BAD_UUID;
	case FIELD_DATE:
		return date_parse(s, &d->days) == 0 ? 0 : REASON_BAD_DATE;
	case FIELD_DATETIME:
		return datetime_parse(s, &d->i64) == 0 ? 0 : REASON_BAD_DATETIME;
	case FIELD_ENUM:
		return (d->index = enum_index(s, f->one_of)) >= 0 ? 0 :
		    REASON_NOT_ALLOWED_VALUE;
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
 * of .item_kind), its value into *d when valid.  ARRAY and OBJECT only
 * come here as item kinds without a table: then any value of that JSON
 * type passes, and nothing is decoded.
 */
static enum reason
validate_scalar(const cJSON *item, enum field_kind kind, const struct field *f,
    union decoded *d)
{
	switch (kind) {
	case FIELD_UUID:
	case FIELD_DATE:
	case FIELD_DATETIME:
	case FIELD_ENUM:
	case FIELD_STRING:
	case FIELD_EMAIL:
		return validate_string_kind(item, kind, f, d);
	case FIELD_CENTS:
		if (!cJSON_IsString(item) && !cJSON_IsNumber(item))
			return REASON_WRONG_TYPE;
		return json_cents(item, &d->i64) == 0 ? 0 : REASON_BAD_CENTS;
	case FIELD_INT:
		return validate_int(item, f, d);
	case FIELD_NUMBER:
		return validate_number(item, f, d);
	case FIELD_BOOL:
		d->index = cJSON_IsTrue(item);
		return cJSON_IsBool(item) ? 0 : REASON_WRONG_TYPE;
	case FIELD_ARRAY:
		return cJSON_IsArray(item) ? 0 : REASON_WRONG_TYPE;
	case FIELD_OBJECT:
		return cJSON_IsObject(item) ? 0 : REASON_NOT_AN_OBJECT;
	}
	return REASON_WRONG_TYPE;
}

/*
 * An array member: its count, then every item.  With a destination (the
 * field's FIELD_ARRAY_AT in dest), the first items fill the caller's
 * array, which also bounds the count, and its count member gets the
 * number stored.  Every item is still checked, so a 400 names them all.
 * Returns issues found.
 */
static int
validate_array(const cJSON *item, const struct field *f, unsigned char *dest,
    const char *path, struct validation *v)
{
	unsigned char *base = field_slot(dest, f->at), *elem;
	unsigned char *count_slot = field_slot(dest, f->count_at);
	size_t capacity = base != NULL ? f->size / f->item_size : 0;
	const cJSON *it;
	char ipath[FIELD_PATH_MAX];
	union decoded d;
	enum reason r;
	int64_t count = 0, max = f->max;
	int found = 0, n, stored;

	if (!cJSON_IsArray(item))
		return validate_issue(v, path, REASON_WRONG_TYPE);
	for (it = item->child; it != NULL; it = it->next)
		count++;
	/* The caller's array holds capacity items, whatever .max says. */
	if (base != NULL && (max <= 0 || max > (int64_t)capacity))
		max = (int64_t)capacity;
	if ((r = validate_count(count, f->min, max, REASON_TOO_FEW_ITEMS,
	    REASON_TOO_MANY_ITEMS)) != 0)
		found += validate_issue(v, path, r);
	stored = (int)(count < (int64_t)capacity ? count : (int64_t)capacity);
	if (count_slot != NULL)
		memcpy(count_slot, &stored, sizeof(stored));
	count = 0;
	for (it = item->child; it != NULL; it = it->next, count++) {
		n = snprintf(ipath, sizeof(ipath), "%s[%lld]", path,
		    (long long)count);
		validate_mark_cut(ipath, n);
		elem = count < stored ? base + (size_t)count * f->item_size :
		    NULL;
		if (f->items != NULL || f->item_kind == FIELD_OBJECT)
			found += validate_members(it, f->items != NULL ?
			    f->items : validate_no_fields, elem, ipath, v);
		else if (cJSON_IsNull(it))
			found += validate_issue(v, ipath, REASON_WRONG_TYPE);
		else if ((r = validate_scalar(it, f->item_kind, f, &d)) != 0)
			found += validate_issue(v, ipath, r);
		else if (elem != NULL)
			memcpy(elem, &d, decoded_size(f->item_kind));
	}
	return found;
}

/*
 * One declared field against obj, its value and state into dest when the
 * table gives them.  Returns issues found.
 */
static int
validate_field(const cJSON *obj, const struct field *f, unsigned char *dest,
    const char *prefix, struct validation *v)
{
	const cJSON *item = json_get(obj, f->name);
	unsigned char *slot = field_slot(dest, f->at);
	char path[FIELD_PATH_MAX];
	enum field_state state = FIELD_SET;
	union decoded d;
	enum reason r = 0;
	int found = 0;

	validate_path(path, prefix, f->name);
	if (f->flags & (F_FORBIDDEN | F_SERVER_SET)) {
		/* The AMAGE id on add: even "id": null is refused. */
		if (item != NULL && ((f->flags & F_FORBIDDEN) ||
		    !cJSON_IsNull(item)))
			r = REASON_SERVER_SET;
		state = FIELD_ABSENT;
	} else if (item == NULL || cJSON_IsNull(item)) {
		if (f->flags & F_REQUIRED)
			r = REASON_REQUIRED;
		else if (item != NULL && !(f->flags & F_NULLABLE))
			r = REASON_WRONG_TYPE;
		state = item == NULL ? FIELD_ABSENT : FIELD_NULL;
	} else if (f->kind == FIELD_ARRAY)
		found = validate_array(item, f, dest, path, v);
	else if (f->kind == FIELD_OBJECT)
		found = validate_members(item, f->items != NULL ? f->items :
		    validate_no_fields, slot, path, v);
	else if ((r = validate_scalar(item, f->kind, f, &d)) == 0 &&
	    slot != NULL)
		memcpy(slot, &d, decoded_size(f->kind));
	if (r != 0)
		found += validate_issue(v, path, r);
	field_set_state(dest, f, found != 0 ? FIELD_INVALID : state);
	return found;
}

/*
 * The table in order, then the members the table does not know, in the
 * order the client sent them.  Returns issues found, including any dropped
 * because v was full, so a non-zero result always means invalid.
 */
static int
validate_members(const cJSON *obj, const struct field *fields,
    unsigned char *dest, const char *prefix, struct validation *v)
{
	const struct field *f;
	const cJSON *m;
	char path[FIELD_PATH_MAX];
	int found = 0;

	if (!cJSON_IsObject(obj))
		return validate_issue(v, prefix != NULL ? prefix : "",
		    REASON_NOT_AN_OBJECT);
	for (f = fields; f != NULL && f->name != NULL; f++)
		found += validate_field(obj, f, dest, prefix, v);
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
	return validate_members(obj, fields, NULL, prefix, v);
}

/*
 * [at - 1, at - 1 + n) inside the bound bytes of the enclosing struct?
 * at 0 (no destination) always fits; bound 0 is the caller's top struct,
 * whose size the table does not know.
 */
static int
table_fits(size_t at, size_t n, size_t bound)
{
	return at == 0 || bound == 0 || (at - 1 <= bound &&
	    n <= bound - (at - 1));
}

/* validate_table_check within an enclosing struct of bound bytes. */
static int
table_check_within(const struct field *fields, size_t bound)
{
	const struct field *f;
	int rc = 0;

	for (f = fields; rc == 0 && f != NULL && f->name != NULL; f++) {
		if (!table_fits(f->at, f->size, bound) ||
		    !table_fits(f->state_at, sizeof(enum field_state), bound) ||
		    !table_fits(f->count_at, sizeof(int), bound))
			rc = VALIDATE_ERR_TABLE;
		else if (f->at == 0)
			continue;	/* nothing written, nested ones neither */
		else if (f->kind == FIELD_OBJECT)
			rc = f->items != NULL ? table_check_within(f->items,
			    f->size) : VALIDATE_ERR_TABLE;
		else if (f->kind != FIELD_ARRAY)
			rc = f->size == decoded_size(f->kind) ? 0 :
			    VALIDATE_ERR_TABLE;
		else if (f->item_size == 0 || f->count_at == 0 ||
		    f->size % f->item_size != 0)
			rc = VALIDATE_ERR_TABLE;
		else if (f->items != NULL)
			rc = table_check_within(f->items, f->item_size);
		else
			/* ARRAY and OBJECT items without a table decode to
			   nothing: size 0 never matches. */
			rc = f->item_size == decoded_size(f->item_kind) ? 0 :
			    VALIDATE_ERR_TABLE;
	}
	return rc;
}

int
validate_table_check(const struct field *fields)
{
	return table_check_within(fields, 0);
}

int
validate_decode(const cJSON *obj, const struct field *fields, void *dest,
    const char *prefix, struct validation *v)
{
	if (dest != NULL && validate_table_check(fields) != 0)
		return VALIDATE_ERR_TABLE;
	return validate_members(obj, fields, dest, prefix, v);
}

void
validate_clear(const struct field *fields, void *dest)
{
	const struct field *f;
	unsigned char *p;
	int zero = 0;

	for (f = fields; dest != NULL && f != NULL && f->name != NULL; f++) {
		/* The whole member: a nested struct or array with its states. */
		if ((p = field_slot(dest, f->at)) != NULL)
			memset(p, 0, f->size);
		field_set_state(dest, f, FIELD_ABSENT);
		if ((p = field_slot(dest, f->count_at)) != NULL)
			memcpy(p, &zero, sizeof(zero));
	}
}

/* The word of one_of at index i, into out. */
const char *
enum_word(const char *one_of, int index, char *out, size_t outlen)
{
	const char *p = one_of, *end;
	size_t n;

	while (index-- > 0 && (p = strchr(p, ' ')) != NULL)
		p++;
	if (p == NULL)
		p = "";
	end = strchr(p, ' ');
	n = end != NULL ? (size_t)(end - p) : strlen(p);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}
