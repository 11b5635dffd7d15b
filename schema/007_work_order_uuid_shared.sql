-- get/by-uuid without a join: the first work order of a uuid (the one
-- holding uuid_key, schema/006) says itself whether later ones share its
-- uuid.  Measured: the LEFT JOIN on work_order_shared_uuids cost the server
-- 8 of ~68 us CPU per get/by-uuid.  A trigger cannot update the table its
-- statement inserts into (error 1442), so the writer sets the flag in the
-- inserting transaction (work-orders add, scripts/load-work-orders.sh);
-- work_order_shared_uuids stays the trigger-kept record it is set from.

ALTER TABLE work_orders
  ADD COLUMN uuid_shared BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE work_orders w
  JOIN work_order_shared_uuids s ON s.uuid = w.uuid_key
  SET w.uuid_shared = TRUE;
