/*
 * pms-admin output: results on stdout, one line per object of key=value
 * pairs (a value made only of safe characters bare, any other quoted with
 * \" \\ and \xHH escapes, "-" for none), and on stderr the one message of
 * a failure, prefixed "pms-admin: <group> <verb>: " (or "<group>: " for
 * a one-word command).  admin_exit() maps a
 * database result to that message and to the exit status, so every
 * command fails the same way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"

void
admin_warn(const struct admin *ad, const char *fmt, ...)
{
	va_list ap;

	fputs("pms-admin: ", stderr);
	if (ad != NULL && ad->cmd != NULL && ad->cmd->verb != NULL)
		fprintf(stderr, "%s %s: ", ad->cmd->group, ad->cmd->verb);
	else if (ad != NULL && ad->cmd != NULL)
		fprintf(stderr, "%s: ", ad->cmd->group);	/* night-audit */
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* At most 80 bytes of s for a message, control bytes shown as '?'. */
const char *
admin_shown(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len && i < 80; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

/* Printed bare when every byte is one of these; quoted otherwise. */
static int
kv_plain(const char *s)
{
	int plain = *s != '\0' && strcmp(s, "-") != 0;

	for (; *s != '\0' && plain; s++)
		plain = strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@+,", *s) != NULL;
	return plain;
}

/*
 * Appends key=value to the current stdout line: bare when plain, else in
 * double quotes with \" \\ and \xHH escapes; SQL NULL prints as "-".
 */
void
kv_put(int *n, const char *key, const char *value)
{
	const unsigned char *p;

	if ((*n)++ > 0)
		putchar(' ');
	printf("%s=", key);
	if (value == NULL)
		putchar('-');
	else if (kv_plain(value))
		fputs(value, stdout);
	else {
		putchar('"');
		for (p = (const unsigned char *)value; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				printf("\\%c", *p);
			else if (*p < 0x20 || *p == 0x7f)
				printf("\\x%02x", *p);
			else
				putchar(*p);
		}
		putchar('"');
	}
}

void
kv_put_u64(int *n, const char *key, uint64_t value)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)value);
	kv_put(n, key, buf);
}

/*
 * The exit status for rc, with one message on stderr when it failed.  why
 * explains ADMIN_REFUSED and DB_ERR_DUPLICATE (set before the step that can
 * fail so); the server's own duplicate text follows for the latter.
 */
int
admin_exit(const struct admin *ad, int rc, const char *why)
{
	return admin_exit_for(ad, NULL, rc, why);
}

/*
 * admin_exit for one of several objects a command works on (the night
 * audit's establishments): its message starts "<about>: ".
 */
int
admin_exit_for(const struct admin *ad, const char *about, int rc,
    const char *why)
{
	const char *a = about != NULL ? about : "", *sep = about != NULL ?
	    ": " : "";

	switch (rc) {
	case DB_OK:
		break;
	case ADMIN_REFUSED:
		admin_warn(ad, "%s%s%s", a, sep, why);
		break;
	case DB_ERR_DUPLICATE:
		admin_warn(ad, "%s%s%s (%s)", a, sep, why, db_error(ad->db));
		break;
	case DB_ERR_UNAVAILABLE:
		admin_warn(ad, "%s%sdatabase unavailable (%s); nothing was "
		    "written", a, sep, db_error(ad->db));
		break;
	case DB_ERR_RETRY:
		admin_warn(ad, "%s%sthe database kept reporting conflicts after "
		    "%d attempts; nothing was written, try again", a, sep,
		    DB_TX_ATTEMPTS);
		break;
	case DB_ERR_NOMEM:
		admin_warn(ad, "%s%sout of memory", a, sep);
		break;
	default:
		admin_warn(ad, "%s%sdatabase error %u: %s", a, sep,
		    db_errno(ad->db), db_error(ad->db));
		break;
	}
	return rc == DB_OK ? ADMIN_EXIT_OK : ADMIN_EXIT_FAIL;
}

/*
 * The reason of a duplicate for a row unique by id and by (establishment,
 * field): a generated id (id NULL) cannot be the clash, so it is not named.
 */
void
admin_why_duplicate(char *why, size_t whylen, const char *what,
    const char *id, const char *field, const char *value,
    const char *establishment)
{
	if (id != NULL)
		snprintf(why, whylen, "a %s with id %s, or with %s '%s' in "
		    "establishment %s, already exists", what, id, field, value,
		    establishment);
	else
		snprintf(why, whylen, "a %s with %s '%s' already exists in "
		    "establishment %s", what, field, value, establishment);
}
