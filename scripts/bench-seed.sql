-- bench-seed.sql: the establishment `make bench` measures the PMS rows on
-- (loaded by scripts/bench.sh, never by make run or make test): 200 units
-- in 10 unit types, and one manager key scoped to it.
-- DEMO ONLY: the key below is public, for the local bench.
INSERT IGNORE INTO establishments (id, name, time_zone, business_date) VALUES
  ('99999999-9999-4999-8999-999999999999', 'Bench Hotel', 'Europe/Paris', UTC_DATE());

INSERT IGNORE INTO unit_types (id, establishment_id, code, name)
  SELECT CONCAT('9999aaaa-0000-4000-8000-', LPAD(seq, 12, '0')),
         '99999999-9999-4999-8999-999999999999', CONCAT('T', seq),
         CONCAT('Bench type ', seq)
  FROM seq_1_to_10;

-- Unit n (1..200) is of type ((n - 1) mod 10) + 1.
INSERT IGNORE INTO units (id, establishment_id, unit_type_id, number)
  SELECT CONCAT('9999bbbb-0000-4000-8000-', LPAD(seq, 12, '0')),
         '99999999-9999-4999-8999-999999999999',
         CONCAT('9999aaaa-0000-4000-8000-', LPAD(((seq - 1) MOD 10) + 1, 12, '0')),
         CONCAT('B', seq)
  FROM seq_1_to_200;

INSERT IGNORE INTO api_keys (key_sha256, label, role, all_establishments) VALUES
  (SHA2('bench-manager-0123456789abcdef0123456789abcdef0123', 256),
   'bench manager (DEMO ONLY)', 'manager', 0);
INSERT IGNORE INTO api_key_scopes (api_key_id, establishment_id)
  SELECT id, '99999999-9999-4999-8999-999999999999' FROM api_keys
  WHERE key_sha256 = SHA2('bench-manager-0123456789abcdef0123456789abcdef0123', 256);

-- The hot allotment's establishment (bench row "pickup, hot allotment"):
-- 3 unit types of 3000 units, so one definite allotment can hold 3000
-- rooms a night of each type (the pickups of a 10 s run take < 1500), a
-- rate plan and a guest profile; the same DEMO ONLY key is scoped to it.
-- bench.sh creates the allotment over HTTP and empties its pickups
-- before each run (the allocation stays committed: nothing else moves).
INSERT IGNORE INTO establishments (id, name, time_zone, business_date) VALUES
  ('99999999-9999-4999-8999-999999999998', 'Bench Groups Hotel', 'Europe/Paris', UTC_DATE());

INSERT IGNORE INTO unit_types (id, establishment_id, code, name)
  SELECT CONCAT('9998aaaa-0000-4000-8000-', LPAD(seq, 12, '0')),
         '99999999-9999-4999-8999-999999999998', CONCAT('G', seq),
         CONCAT('Bench group type ', seq)
  FROM seq_1_to_3;

INSERT IGNORE INTO units (id, establishment_id, unit_type_id, number)
  SELECT CONCAT('9998bbbb-0000-4000-8000-', LPAD(seq, 12, '0')),
         '99999999-9999-4999-8999-999999999998',
         CONCAT('9998aaaa-0000-4000-8000-', LPAD(((seq - 1) MOD 3) + 1, 12, '0')),
         CONCAT('G', seq)
  FROM seq_1_to_9000;

INSERT IGNORE INTO rate_plans (id, establishment_id, code, name, currency) VALUES
  ('9998cccc-0000-4000-8000-000000000001', '99999999-9999-4999-8999-999999999998',
   'GROUP', 'Bench group rate', 'EUR');
INSERT IGNORE INTO guest_profiles (id, establishment_id, full_name, email) VALUES
  ('9998dddd-0000-4000-8000-000000000001', '99999999-9999-4999-8999-999999999998',
   'Bench Group Guest', 'group@example.org');

INSERT IGNORE INTO api_key_scopes (api_key_id, establishment_id)
  SELECT id, '99999999-9999-4999-8999-999999999998' FROM api_keys
  WHERE key_sha256 = SHA2('bench-manager-0123456789abcdef0123456789abcdef0123', 256);
