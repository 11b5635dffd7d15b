/* STUB until its step lands: allotment_get (see allotments.h). */
#include "allotments.h"
#include "envelope.h"
#include "request.h"

int
allotment_get(struct request *rq)
{
	return respond_error(rq, "NOT_FOUND");
}
