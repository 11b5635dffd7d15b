/* units: the family's handlers. */
#ifndef UNITS_H
#define UNITS_H

struct request;

int unit_get(struct request *rq);
int unit_block(struct request *rq);	/* unit_block.c */
int unit_unblock(struct request *rq);

#endif
