-- The inventory model of SPEC 2.2 (docs/inventory.md): one row per unit
-- type and night.  Every write that takes inventory updates the rows it
-- checks (so two writers of one night conflict, on Galera too), and the
-- CHECK makes `available = total - blocked - committed` negative
-- impossible whoever writes.  Rows exist from an establishment's business
-- date to its inventory_through (lib/inventory.c materialises them).
-- inventory_version: written (not only locked) by whoever must serialise
-- with a horizon extension, so the write is in the Galera write set and
-- certifies against the night audit on another node.
ALTER TABLE establishments ADD COLUMN inventory_through DATE NULL,
  ADD COLUMN inventory_version BIGINT UNSIGNED NOT NULL DEFAULT 0;

CREATE TABLE inventory_nights (
  unit_type_id     CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  night            DATE NOT NULL,
  establishment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  total            INT NOT NULL,
  blocked          INT NOT NULL DEFAULT 0,
  committed        INT NOT NULL DEFAULT 0,
  PRIMARY KEY (unit_type_id, night),
  KEY ix_inventory_establishment_night (establishment_id, night),
  CONSTRAINT fk_inventory_unit_type FOREIGN KEY (unit_type_id) REFERENCES unit_types (id),
  CONSTRAINT ck_inventory_available CHECK (blocked >= 0 AND committed >= 0
    AND total >= 0 AND total - blocked - committed >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Blocks are counted per unit type when nights are materialised.
ALTER TABLE unit_blocks ADD KEY ix_unit_blocks_window (establishment_id, ooo_from);
