-- The per-1000-ids counts of work orders (schema/004) in 16 rows per
-- block instead of one.  Every insert of a work order updated its block's
-- single row, so on Galera two adds on two nodes always conflicted in
-- certification (1213 at COMMIT, retried until the attempts ran out:
-- make test-cluster saw 503s).  The row is now picked by the new id
-- modulo 16: concurrent inserts have different ids (on Galera each node
-- steps its own AUTO_INCREMENT offset), so they rarely meet on one row.
-- count sums every row; list sums a block's rows first.
ALTER TABLE work_order_id_blocks
  ADD COLUMN shard TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER block,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (block, shard);

DROP TRIGGER work_orders_count_block;
CREATE TRIGGER work_orders_count_block AFTER INSERT ON work_orders FOR EACH ROW
  INSERT INTO work_order_id_blocks (block, shard, n)
  VALUES (NEW.id DIV 1000, NEW.id % 16, 1)
  ON DUPLICATE KEY UPDATE n = n + 1;
