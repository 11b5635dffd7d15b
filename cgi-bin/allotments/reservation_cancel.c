/* STUB until its step lands: reservation_cancel (see allotments.h). */
#include "allotments.h"
#include "envelope.h"
#include "request.h"

int
reservation_cancel(struct request *rq)
{
	return respond_error(rq, "NOT_FOUND");
}
