/*
 * work-orders: the AMAGE maintenance API behind /rest/amage/v1/work-orders
 * (seed amage-work-orders.pl.txt, SPEC 3).  Every route is signed
 * (SPEC 3.1).  This route table is the family's table of contents.
 */
#include "envelope.h"
#include "router.h"
#include "server.h"
#include "work_order.h"

#define WO "/rest/amage/v1/work-orders"

#define AP WO "/asset-plan/{workOrderUuid}"

static const struct route work_order_routes[] = {
	{ "GET", WO "/count", work_order_count, AUTH_AMAGE },
	{ "GET", WO "/list", work_order_list, AUTH_AMAGE },
	{ "GET", WO "/get/by-uuid/{uuid}", work_order_get, AUTH_AMAGE },
	{ "POST", WO "/add", work_order_add, AUTH_AMAGE },
	{ "POST", WO "/edit/{uuid}", work_order_edit, AUTH_AMAGE },
	{ "POST", WO "/add-history/{uuid}", work_order_history_add, AUTH_AMAGE },
	{ "POST", WO "/edit-history/{uuid}", work_order_history_edit,
	  AUTH_AMAGE },
	{ "DELETE", WO "/delete-history/{uuid}", work_order_history_delete,
	  AUTH_AMAGE },
	{ "POST", WO "/add-workorder-elementtype-plan/{uuid}",
	  work_order_plan_add, AUTH_AMAGE },
	{ "POST", WO "/edit-workorder-elementtype-plan/{uuid}",
	  work_order_plan_edit, AUTH_AMAGE },
	{ "DELETE", WO "/delete-workorder-elementtype-plan/{uuid}",
	  work_order_plan_delete, AUTH_AMAGE },
	{ "POST", AP "/join-asset-to-plan-by-uuid/{uuid}",
	  work_order_asset_join, AUTH_AMAGE },
	{ "POST", AP "/remove-asset-from-plan-by-uuid/{uuid}",
	  work_order_asset_remove, AUTH_AMAGE },
	{ "POST", AP "/remove-asset-plan-by-uuid/{uuid}",
	  work_order_asset_plan_remove, AUTH_AMAGE },
	{ NULL, NULL, NULL, AUTH_NONE }
};

/* The family's error codes (work_order_codes.c). */
extern const struct message work_order_messages[];

static const struct family work_order_family = {
	.name = "work-orders",
	.envelope = ENVELOPE_AMAGE,
	.bounded_context = "maintenance",
	.module = "work-orders",
	.body_types = "application/json text/plain",
	.routes = work_order_routes,
	.messages = work_order_messages,
};

int
main(int argc, char **argv)
{
	return server_main(argc, argv, &work_order_family);
}
