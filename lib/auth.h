/*
 * auth: the two ways a caller proves who it is.
 *  - PMS: X-API-Key, looked up by its SHA-256 (api_keys), with a role and an
 *    establishment scope.  401 missing/unknown/revoked, 403 role too low.
 *  - AMAGE: device-uuid + api-key + api-sign (SPEC 3.1): client lookup,
 *    device restriction, +-300 s, constant-time HMAC compare, and replay
 *    refusal for POST and DELETE (amage_seen_signatures).  Every failure is
 *    HTTP 400 with errorCode 401.
 * Each returns 0 or the catalogue code of the failure (for respond_error).
 */
#ifndef PMS_AUTH_H
#define PMS_AUTH_H

#include "request.h"
#include "router.h"

/* Checks rq against the route's auth kind; 0 or a catalogue code. */
const char *auth_check(struct request *rq, enum route_auth kind);

/* The role an api_keys.role value grants: "manager", else agent. */
enum role auth_role_parse(const char *s);

/* NULL when role may call a route of kind, else the code (FORBIDDEN). */
const char *auth_role_refusal(enum route_auth kind, enum role role);

/* 1 when the authenticated key may act on establishment_id. */
int auth_scope_allows(const struct request *rq, const char *establishment_id);

#endif
