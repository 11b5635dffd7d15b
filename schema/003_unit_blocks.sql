-- Out-of-order / out-of-service blocks of a unit (seed
-- units-out-of-service.fr.txt).  Half-open [ooo_from, ooo_until); a NULL
-- ooo_until is open-ended.  A returned-to-service block keeps its row with
-- released_at set and ooo_until cut to the release date.
CREATE TABLE unit_blocks (
  id               CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  unit_id          CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  establishment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  kind             ENUM('ooo','oos') NOT NULL,
  ooo_from         DATE NOT NULL,
  ooo_until        DATE NULL,
  created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  created_by_key   BIGINT UNSIGNED NULL,
  released_at      DATETIME NULL,
  PRIMARY KEY (id),
  KEY ix_unit_blocks_unit (unit_id, ooo_from),
  CONSTRAINT fk_unit_blocks_unit FOREIGN KEY (unit_id) REFERENCES units (id),
  CONSTRAINT fk_unit_blocks_est FOREIGN KEY (establishment_id) REFERENCES establishments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
