-- get/by-uuid through a UNIQUE key.  uuids are not unique (the seed allows
-- duplicates), and a lookup through a non-unique index costs the server a
-- range estimate on every execution (measured: ~20 us of ~100 us per
-- get/by-uuid).  So the first work order of each uuid carries it again in
-- uuid_key (unique); later ones leave it NULL and put the uuid in
-- work_order_shared_uuids, which get/by-uuid reads in the same lookup to
-- answer "duplicated entry".  Both are kept by triggers in the inserting
-- statement, whoever inserts.  (Work orders are never deleted and their
-- uuid never changes, so the first row stays first.)

CREATE TABLE work_order_shared_uuids (
  uuid CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE work_orders
  ADD COLUMN uuid_key CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  ADD UNIQUE KEY uq_work_orders_uuid_key (uuid_key);

INSERT INTO work_order_shared_uuids (uuid)
  SELECT uuid FROM work_orders GROUP BY uuid HAVING COUNT(*) > 1;

UPDATE work_orders w
  JOIN (SELECT MIN(id) AS id FROM work_orders GROUP BY uuid) f ON f.id = w.id
  SET w.uuid_key = w.uuid;

-- A concurrent insert of the same new uuid fails on the unique key (1062)
-- and is retried by the application, then sees the first one.
CREATE TRIGGER work_orders_uuid_key BEFORE INSERT ON work_orders FOR EACH ROW
  SET NEW.uuid_key = IF(EXISTS (SELECT 1 FROM work_orders WHERE uuid = NEW.uuid),
                        NULL, NEW.uuid);

CREATE TRIGGER work_orders_shared_uuid AFTER INSERT ON work_orders FOR EACH ROW
  INSERT IGNORE INTO work_order_shared_uuids (uuid)
  SELECT NEW.uuid FROM DUAL WHERE NEW.uuid_key IS NULL;
