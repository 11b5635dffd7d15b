/*
 * validate: a small declarative validator for request bodies (the kcgi
 * "validator table" idea).  A handler declares its fields and their kinds;
 * validate_object() checks a parsed JSON object against the table and
 * reports EVERY bad field (not only the first) into a struct validation,
 * with JSON paths such as "installments[1].amountCents".  Unknown fields
 * and server-set fields are errors too.  validate_decode() does the same
 * walk and also stores each checked value into the caller's struct, so a
 * handler never reads the cJSON tree again.
 *
 * The table format.  One struct field per member, designated initializers
 * only (positional ones trip -Wmissing-field-initializers), ended by
 * { .name = NULL }:
 *
 *   struct block {
 *           int kind;                 enum field_state kind_state;
 *           int32_t from;             enum field_state from_state;
 *           int32_t until;            enum field_state until_state;
 *   };
 *   static const struct field block_fields[] = {
 *           { .name = "kind", .kind = FIELD_ENUM, .flags = F_REQUIRED,
 *             .one_of = "ooo oos",
 *             FIELD_AT(struct block, kind),
 *             FIELD_STATE(struct block, kind_state) },
 *           ...
 *           { .name = NULL }
 *   };
 *
 *  - name, kind, flags: what the member is; one_of (ENUM), min/max
 *    (STRING length, INT range, ARRAY count), dmin/dmax (NUMBER),
 *    item_kind (ARRAY of scalars: always name it, 0 is FIELD_UUID) and
 *    items (OBJECT, or ARRAY of objects) as documented in validate.c.
 *  - Destination (validate_decode only; every member 0 = none, so older
 *    tables keep working unchanged):
 *      FIELD_AT(type, member)          where the value goes;
 *      FIELD_STATE(type, member)       an enum field_state that says
 *                                      whether it went there;
 *      FIELD_ARRAY_AT(type, member, count)
 *                                      a fixed array member and an int
 *                                      count: capacity and element size
 *                                      come from the member's own type.
 *    Decoded types by kind:
 *      UUID       char[37], canonical lower case
 *      DATE       int32_t, days since 1970-01-01 (datetime.h)
 *      DATETIME   int64_t, seconds since 1970-01-01T00:00:00
 *      ENUM       int, index of the word in .one_of (0 = first)
 *      STRING     const char *, borrowed from the parsed tree
 *      EMAIL      const char *, borrowed from the parsed tree
 *      CENTS      int64_t (digit strings never go through double)
 *      INT        int64_t
 *      NUMBER     double
 *      BOOL       int, 0 or 1
 *      OBJECT     a nested struct, filled through .items, whose own
 *                 FIELD_AT offsets are relative to that nested struct
 *      ARRAY      elements of a fixed array: objects through .items
 *                 (offsets relative to one element), or scalars of
 *                 .item_kind with the types above; the count member gets
 *                 the number of elements stored.  More elements than the
 *                 array holds is too_many_items.
 *    A value is written only when its state becomes FIELD_SET: whatever
 *    the caller put there before (a default) stays otherwise.
 */
#ifndef PMS_VALIDATE_H
#define PMS_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

enum field_kind {
	FIELD_UUID,		/* 8-4-4-4-12 hex, any case */
	FIELD_DATE,		/* YYYY-MM-DD, real calendar date */
	FIELD_DATETIME,		/* YYYY-MM-DDTHH:MM:SS (AMAGE, local) */
	FIELD_ENUM,		/* string, one of the space-separated .one_of */
	FIELD_STRING,		/* string, length in code points in [min, max] */
	FIELD_EMAIL,		/* string, plausible address, <= 254 bytes */
	FIELD_CENTS,		/* digit string or integral number (json_cents) */
	FIELD_INT,		/* integral JSON number in [min, max] */
	FIELD_NUMBER,		/* any finite JSON number in [dmin, dmax] */
	FIELD_BOOL,		/* true or false */
	FIELD_ARRAY,		/* array with [min, max] items, each .item_kind
				   (or objects checked against .items) */
	FIELD_OBJECT,		/* object checked against .items */
};

/* flags */
#define F_REQUIRED	0x01	/* must be present and not null */
#define F_NULLABLE	0x02	/* JSON null is accepted (decoded: FIELD_NULL) */
#define F_SERVER_SET	0x04	/* set by the server: present (non-null) = error */
#define F_FORBIDDEN	0x08	/* must not be sent at all, even null (AMAGE id on add) */

/*
 * What validate_decode found for one field.  FIELD_ABSENT is 0, so a
 * zeroed struct starts "nothing sent".  FIELD_INVALID means an issue was
 * reported for this field (or inside it: an OBJECT or ARRAY is FIELD_SET
 * only when everything in it is valid); a cross-field rule uses a value
 * only when its state is FIELD_SET.
 */
enum field_state {
	FIELD_ABSENT = 0,	/* not sent */
	FIELD_NULL,		/* sent as null, and the table allows it */
	FIELD_SET,		/* valid: the value was written */
	FIELD_INVALID,		/* reported in the struct validation */
};

/*
 * Destinations.  Offsets are stored plus one so that 0 keeps meaning "no
 * destination" and a member at offset 0 stays usable; the sizes let
 * validate_decode refuse a table whose member does not fit its kind.
 */
#define FIELD_AT(type, member)						\
	.at = offsetof(type, member) + 1,				\
	.size = sizeof(((type *)0)->member)
#define FIELD_STATE(type, member)					\
	.state_at = offsetof(type, member) + 1
#define FIELD_ARRAY_AT(type, member, count)				\
	FIELD_AT(type, member),						\
	.item_size = sizeof(((type *)0)->member[0]),			\
	.count_at = offsetof(type, count) + 1

struct field {
	const char *name;
	enum field_kind kind;
	unsigned flags;
	const char *one_of;		/* FIELD_ENUM: "ooo oos" */
	int64_t min, max;		/* STRING length, INT range, ARRAY count;
					   both 0 = no bound */
	double dmin, dmax;		/* FIELD_NUMBER; both 0 = no bound */
	enum field_kind item_kind;	/* FIELD_ARRAY of scalars */
	const struct field *items;	/* FIELD_OBJECT, or FIELD_ARRAY of objects;
					   terminated by { NULL } */
	/* validate_decode destinations (FIELD_AT, FIELD_STATE, FIELD_ARRAY_AT) */
	size_t at;			/* offset + 1 of the value; 0 = none */
	size_t size;			/* sizeof the value member (whole array) */
	size_t state_at;		/* offset + 1 of an enum field_state */
	size_t item_size;		/* ARRAY: sizeof one element */
	size_t count_at;		/* ARRAY: offset + 1 of an int count */
};

/* Reasons, stable machine words; envelope.c turns them into fr/en text. */
enum reason {
	REASON_REQUIRED = 1,
	REASON_UNKNOWN_FIELD,
	REASON_SERVER_SET,
	REASON_WRONG_TYPE,
	REASON_BAD_UUID,
	REASON_BAD_DATE,
	REASON_BAD_DATETIME,
	REASON_NOT_ALLOWED_VALUE,
	REASON_TOO_SHORT,
	REASON_TOO_LONG,
	REASON_BAD_EMAIL,
	REASON_BAD_CENTS,
	REASON_OUT_OF_RANGE,
	REASON_TOO_FEW_ITEMS,
	REASON_TOO_MANY_ITEMS,
	REASON_NOT_AN_OBJECT,
	/* reasons used by handlers for cross-field rules */
	REASON_BEFORE_START,		/* end date not after start */
	REASON_IN_PAST,
	REASON_DUPLICATE,
	REASON_MISMATCH,
	REASON_UNKNOWN_REFERENCE,	/* no such id in the establishment */
	REASON_BEYOND_HORIZON,		/* a night past the inventory horizon */
	REASON_TOO_PRECISE,		/* more decimals than the field keeps */
	REASON_OUT_OF_ORDER,		/* before the item it must follow */
	REASON_INVALID,			/* keep last: tests walk up to it */
};

#define VALIDATION_MAX_ISSUES 64
#define FIELD_PATH_MAX 128

struct validation_issue {
	char field[FIELD_PATH_MAX];
	enum reason reason;
};

struct validation {
	int count;			/* issues recorded (<= VALIDATION_MAX_ISSUES) */
	int overflow;			/* 1 when more issues were found than kept */
	/*
	 * A cross-field rule that finds the request must not be judged at
	 * all (an establishment outside the key's scope: 403, a database
	 * failure: 503) names the catalogue code to answer instead of the
	 * 400; body_decode answers it and nothing else.
	 */
	const char *refusal;
	struct validation_issue issue[VALIDATION_MAX_ISSUES];
};

/*
 * Checks obj against fields; prefix is the path of obj ("" for the body).
 * Returns the number of issues added to v (0 = valid).  obj not an object:
 * one REASON_NOT_AN_OBJECT issue.  Destinations in the table are ignored.
 */
int validate_object(const cJSON *obj, const struct field *fields,
    const char *prefix, struct validation *v);

/* validate_decode's answer for a table whose destinations do not fit. */
#define VALIDATE_ERR_TABLE (-1)

/*
 * The same checks as validate_object, in one walk that also stores every
 * valid value and every state into dest as the table says (see the top of
 * this file).  Strings in dest are borrowed from obj: keep obj alive while
 * dest is used.  Returns the number of issues found (0 = dest fully
 * decoded), or VALIDATE_ERR_TABLE, before anything is written, when a
 * destination does not fit its kind (a bug in the table, not the body).
 */
int validate_decode(const cJSON *obj, const struct field *fields, void *dest,
    const char *prefix, struct validation *v);

/*
 * 0 when every destination of fields (and of nested tables) fits its
 * kind, else VALIDATE_ERR_TABLE.  Tests of a handler's table may call it.
 */
int validate_table_check(const struct field *fields);

/*
 * Zeroes every value, state and count the table names in dest (values
 * become 0, states FIELD_ABSENT), so nothing borrowed from a tree that is
 * about to be freed stays reachable.  Members not in the table are left.
 */
void validate_clear(const struct field *fields, void *dest);

/* Adds one issue (for cross-field rules in handlers). */
void validation_add(struct validation *v, const char *field, enum reason r);

/* Reason word, e.g. "required", "unknown_field" (used in logs and tests). */
const char *reason_name(enum reason r);

/* Scalar checks, usable alone. Each returns 1 when valid. */
int valid_email(const char *s);
int valid_enum(const char *s, const char *one_of);
/* Index of s among the space-separated words of one_of, or -1. */
int enum_index(const char *s, const char *one_of);
/* The word of one_of at index (as FIELD_ENUM decoded it), into out
   (truncated to outlen); "" past the last word.  Returns out. */
const char *enum_word(const char *one_of, int index, char *out,
    size_t outlen);
/* Length in code points of valid UTF-8 s. */
size_t utf8_length(const char *s);

#endif
