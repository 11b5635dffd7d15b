/*
 * pms-admin's internal header: what main.c (the command table and the
 * dispatch) shares with the files of the command groups.
 *
 * A command declares its options as a lib/validate.h field table, the same
 * kind of table a request handler declares for a body; args.c turns the
 * command line into a JSON object and lets validate_object() check it, so
 * the tool and the server agree on what a uuid, a date or an email is.
 * rules.c holds the few checks lib/ has no kind for (time zones, currency
 * codes, numeric ids, printable text).  output.c writes the key=value
 * result lines and the one message of a failure (one per establishment
 * for the night audit, which goes on with the others).  Exit status: 0 success,
 * 1 failure, 2 usage error (nothing was sent to the database).
 */
#ifndef PMS_ADMIN_H
#define PMS_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "datetime.h"
#include "db.h"
#include "uuid.h"
#include "validate.h"

#define ADMIN_EXIT_OK		0
#define ADMIN_EXIT_FAIL		1
#define ADMIN_EXIT_USAGE	2

/*
 * What a transaction body returns when a referenced row is missing or does
 * not fit; positive, so db_transaction hands it back as is.
 */
#define ADMIN_REFUSED		1

#define ADMIN_WHY_MAX		320
#define ADMIN_NAME_MAX		200	/* VARCHAR(200) columns */
#define ADMIN_CODE_MAX		32	/* codes and unit numbers */
#define ADMIN_REF_NAME_MAX	255	/* amage_references.name */
#define ADMIN_ARGS_MAX		256	/* options on one command line */

#define ADMIN_REF_KINDS "type contract contract_scope account department " \
	"user contractor customer location place_of_work element_type asset"

/* A value check: 0, or -1 and the reason in why. */
typedef int (*admin_check_fn)(const char *value, char *why, size_t whylen);

/* A check lib/ has no field kind for, on the value of option name. */
struct admin_rule {
	const char *name;
	admin_check_fn check;
};

/* One option word as given, in command-line order. */
struct admin_arg {
	const struct field *field;
	const char *raw;	/* the value as typed; NULL for a flag */
	int nth;		/* which value of a repeated option */
};

struct admin;

struct command {
	const char *group;		/* "api-key" */
	const char *verb;		/* "add"; NULL for "help" */
	int (*run)(struct admin *);
	const struct field *fields;	/* the options; { .name = NULL } ends */
	const struct admin_rule *rules;	/* { NULL } ends; or NULL */
	int (*check)(struct admin *);	/* cross-option rules, or NULL */
	int needs_db;
	const char *usage;		/* the whole line after "pms-admin " */
};

struct admin {
	const struct command *cmd;
	cJSON *opts;		/* checked options: strings, arrays, true */
	int nargs;
	struct admin_arg args[ADMIN_ARGS_MAX];
	struct config cfg;	/* borrowed by db for its reconnects */
	struct db *db;
};

/* args.c: the command line, checked against the command's tables. */
int args_parse(struct admin *ad, int argc, char **argv);
void args_free(struct admin *ad);
const char *args_str(const struct admin *ad, const char *name);
const char *args_str_nth(const struct admin *ad, const char *name, int nth);
int args_count(const struct admin *ad, const char *name);
int args_seen_before(const struct admin *ad, const char *name, int nth);
int args_id_or_new(const struct admin *ad, char out[UUID_STR_LEN + 1]);

/* rules.c: value checks lib/ has no kind for, and the words of lib's. */
int rule_text(const char *s, char *why, size_t whylen);
int rule_zone(const char *s, char *why, size_t whylen);
int rule_currency(const char *s, char *why, size_t whylen);
int rule_id(const char *s, char *why, size_t whylen);
void rule_reason(const struct field *f, enum reason r, char *why,
    size_t whylen);

/* output.c: stdout results, stderr messages, exit statuses. */
void admin_warn(const struct admin *ad, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *admin_shown(const char *s, char *buf, size_t len);
void kv_put(int *n, const char *key, const char *value);
void kv_put_u64(int *n, const char *key, uint64_t value);
int admin_exit(const struct admin *ad, int rc, const char *why);
int admin_exit_for(const struct admin *ad, const char *about, int rc,
    const char *why);
void admin_why_duplicate(char *why, size_t whylen, const char *what,
    const char *id, const char *field, const char *value,
    const char *establishment);

/*
 * establishments.c, and the coded rows of an establishment (unit types,
 * rate plans): an id, a code unique in the establishment, a name.
 */
struct coded_row {
	const char *what;		/* "unit type", in messages */
	const char *insert_sql;		/* id, establishment, code, name[, currency] */
	int nparams;			/* 4, or 5 with the currency */
	/* What else the insert's transaction does (the unit type's
	   inventory rows), or NULL: 0, ADMIN_REFUSED (why set) or a DB
	   status. */
	int (*then)(struct db *db, const char *id, const char *establishment,
	    char *why, size_t whylen);
};

extern const struct field establishment_add_fields[];
extern const struct admin_rule establishment_add_rules[];
int establishment_add(struct admin *ad);
int establishment_list(struct admin *ad);
int establishment_require(struct db *db, const char *id, char *why,
    size_t whylen);
int establishment_business_date(struct db *db, const char *id,
    int32_t *days, char *why, size_t whylen);
/* One establishment of a command that works on each: an exit status,
   its failure reported. */
typedef int (*admin_establishment_fn)(struct admin *ad, const char *id,
    void *ctx);
int establishment_each(struct admin *ad, admin_establishment_fn fn,
    void *ctx);
int coded_add(struct admin *ad, const struct coded_row *row);

/* units.c */
extern const struct field unit_type_add_fields[];
extern const struct field unit_add_fields[];
extern const struct field unit_state_fields[];
int unit_type_add(struct admin *ad);
int unit_add(struct admin *ad);
int unit_activate(struct admin *ad);
int unit_deactivate(struct admin *ad);

/* night_audit.c */
extern const struct field night_audit_fields[];
int night_audit(struct admin *ad);

/*
 * allotment_cutoff.c: releases the allotments of establishment_id due at
 * business_date (cutoff armed, cutoff date <= business_date, tentative or
 * definite), one transaction each, and records their results (SPEC 2.4).
 * print_lines: one key=value line per allotment.  *cut: how many this
 * call released.  Each failure is reported on stderr and the others go
 * on: 0, or the status of the last failure.
 */
extern const struct field allotment_cutoff_fields[];
int allotment_cutoff(struct admin *ad);
int allotment_cutoff_due(struct admin *ad, const char *establishment_id,
    int32_t business_date, int print_lines, int *cut);

/*
 * contract_extend.c: the night audit's job for long-stay contracts: each
 * active contract of the establishment whose period goes on past the
 * nights it holds takes the nights the horizon now reaches, one
 * transaction each.  *extended: the contracts this call extended.  Each
 * failure (a night without room included) is reported on stderr and the
 * others go on: 0, or the status of the last failure.
 */
int contract_extend_due(struct admin *ad, const char *establishment_id,
    int32_t business_date, int *extended);

/* rate_plans_guests.c */
extern const struct field rate_plan_add_fields[];
extern const struct admin_rule rate_plan_add_rules[];
extern const struct field guest_add_fields[];
int rate_plan_add(struct admin *ad);
int guest_add(struct admin *ad);

/* revoke.c: one shape for api-key revoke and amage-client revoke. */
struct revocation {
	const char *update_sql, *select_sql;	/* the table's two statements */
	const char *what;			/* "API key", "AMAGE client" */
	int64_t id;
	int changed;				/* out: 0 when already revoked */
	char revoked_at[DATETIME_STR_LEN + 1];	/* out */
	char why[ADMIN_WHY_MAX];
};

extern const struct field revoke_fields[];
extern const struct admin_rule revoke_rules[];
int admin_revoke(struct admin *ad, struct revocation *r);

/* api_keys.c */
extern const struct field api_key_add_fields[];
int api_key_add_check(struct admin *ad);
int api_key_add(struct admin *ad);
int api_key_revoke(struct admin *ad);
int api_key_list(struct admin *ad);

/* amage.c: AMAGE signing clients and referenced objects. */
extern const struct field amage_client_add_fields[];
extern const struct field amage_ref_add_fields[];
int amage_client_add(struct admin *ad);
int amage_client_revoke(struct admin *ad);
int amage_ref_add(struct admin *ad);

#endif
