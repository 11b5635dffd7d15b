/*
 * bind: a validated JSON value as an SQL parameter, by the kind its field
 * declares, never by what the value looks like.  A uuid field is bound in
 * canonical lower case and a date-time field with MySQL's ' ' separator;
 * every other string goes as sent, byte for byte, even when it happens to
 * look like a uuid or a timestamp.
 */
#ifndef PMS_BIND_H
#define PMS_BIND_H

#include <cjson/cJSON.h>

#include "db.h"
#include "validate.h"

/* Room a bound value may need of its own (a canonical uuid, a date-time). */
#define BIND_BUF_LEN 40

/*
 * value (a member already checked against f; NULL or JSON null bind SQL
 * NULL) as a parameter.  Strings are borrowed from value, or written to
 * buf when the kind rewrites them, so both must outlive the statement.
 */
struct db_param bind_value(const cJSON *value, const struct field *f,
    char buf[BIND_BUF_LEN]);

/* Member `name` of obj, bound by its entry in fields (SQL NULL when the
   table has no such entry: a caller bug, logged). */
struct db_param bind_member(const cJSON *obj, const struct field *fields,
    const char *name, char buf[BIND_BUF_LEN]);

#endif
