/*
 * GET /v1/long-stay-contracts/{id}: the contract as contract_json_load
 * reads it.  Any authenticated key: 400 for an id that is not a uuid, 404
 * CONTRACT_NOT_FOUND, 403 OUT_OF_SCOPE outside the key's establishments.
 */
#include "contracts.h"
#include "request.h"
#include "resource.h"

int
contract_get(struct request *rq)
{
	return respond_resource(rq, contract_json_load, "CONTRACT_NOT_FOUND");
}
