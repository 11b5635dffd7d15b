-- Idempotency-Key (SPEC 2.1): the first answer of a write, kept 24 h per
-- (kind of key, key id, Idempotency-Key).  The row is inserted at the
-- start of the write's own transaction and gets its answer before COMMIT,
-- so a write and its key commit together or not at all, and a concurrent
-- repeat waits on the row, then replays it.  auth_kind: 1 = PMS api_keys,
-- 2 = AMAGE amage_clients (two id spaces).
CREATE TABLE idempotency_keys (
  auth_kind   TINYINT UNSIGNED NOT NULL,
  key_id      BIGINT UNSIGNED NOT NULL,
  idem_key    VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  fingerprint CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  status      SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  response    MEDIUMBLOB NULL,
  created_at  DATETIME NOT NULL,
  PRIMARY KEY (auth_kind, key_id, idem_key),
  KEY ix_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
