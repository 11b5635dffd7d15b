/* STUB until its step lands: confirm and cancel (see allotments.h). */
#include "allotments.h"
#include "envelope.h"
#include "request.h"

int
allotment_confirm(struct request *rq)
{
	return respond_error(rq, "NOT_FOUND");
}

int
allotment_cancel(struct request *rq)
{
	return respond_error(rq, "NOT_FOUND");
}
