/*
 * validate: a small declarative validator for request bodies (the kcgi
 * "validator table" idea).  A handler declares its fields and their kinds;
 * validate_object() checks a parsed JSON object against the table and
 * reports EVERY bad field (not only the first) into a struct validation,
 * with JSON paths such as "installments[1].amountCents".  Unknown fields
 * and server-set fields are errors too.
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
#define F_NULLABLE	0x02	/* JSON null is accepted (and means absent) */
#define F_SERVER_SET	0x04	/* set by the server: present (non-null) = error */
#define F_FORBIDDEN	0x08	/* must not be sent at all, even null (AMAGE id on add) */

/*
 * Declare tables with designated initializers (positional ones trip
 * -Wmissing-field-initializers) and end them with { .name = NULL }:
 *   { .name = "kind", .kind = FIELD_ENUM, .flags = F_REQUIRED,
 *     .one_of = "ooo oos" },
 * A FIELD_ARRAY without .items takes .item_kind, which defaults to
 * FIELD_UUID (0): always name it.
 */
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
	REASON_INVALID,
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
	struct validation_issue issue[VALIDATION_MAX_ISSUES];
};

/*
 * Checks obj against fields; prefix is the path of obj ("" for the body).
 * Returns the number of issues added to v (0 = valid).  obj not an object:
 * one REASON_NOT_AN_OBJECT issue.
 */
int validate_object(const cJSON *obj, const struct field *fields,
    const char *prefix, struct validation *v);

/* Adds one issue (for cross-field rules in handlers). */
void validation_add(struct validation *v, const char *field, enum reason r);

/* Reason word, e.g. "required", "unknown_field" (used in logs and tests). */
const char *reason_name(enum reason r);

/* Scalar checks, usable alone. Each returns 1 when valid. */
int valid_email(const char *s);
int valid_enum(const char *s, const char *one_of);
/* Length in code points of valid UTF-8 s. */
size_t utf8_length(const char *s);

#endif
