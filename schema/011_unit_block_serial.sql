-- Blocks of one unit are serialised on the unit's own row: a block write
-- increments block_serial before it looks for an overlapping block, so two
-- writers of the same unit (on any Galera node) conflict on a written row
-- and the second sees the first's block.
ALTER TABLE units ADD COLUMN block_serial BIGINT UNSIGNED NOT NULL DEFAULT 0;
