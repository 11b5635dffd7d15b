-- demo-seed.sql: the demo data set of SPEC section 5, loaded into database
-- pms by scripts/stack.sh on every start, after the migrations.  Idempotent:
-- INSERT IGNORE only, so a row that exists (and its business date) is kept.
-- Tests and docs rely on exactly these ids; add nothing else here.
--
-- DEMO ONLY: the API keys and the AMAGE secret below are public and meant
-- for the local stack; real ones come from the admin tool (bin/pms-admin).

-- Establishments: business date = the UTC date of the first load.
INSERT IGNORE INTO establishments (id, name, time_zone, business_date) VALUES
  ('11111111-1111-4111-8111-111111111111', 'Demo Hotel Paris', 'Europe/Paris', UTC_DATE()),
  ('22222222-2222-4222-8222-222222222222', 'Demo Hotel Lyon',  'Europe/Paris', UTC_DATE());

INSERT IGNORE INTO unit_types (id, establishment_id, code, name) VALUES
  ('aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'DBL', 'Double room'),
  ('aaaaaaaa-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111', 'SGL', 'Single room'),
  ('aaaaaaaa-0000-4000-8000-000000000003', '22222222-2222-4222-8222-222222222222', 'DBL', 'Double room');

-- Units 01..10 Paris DBL (101..110), 11..15 Paris SGL (201..205),
-- 16..19 Lyon DBL (101..104).
INSERT IGNORE INTO units (id, establishment_id, unit_type_id, number) VALUES
  ('bbbbbbbb-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', '101'),
  ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', '102'),
  ('bbbbbbbb-0000-4000-8000-000000000003', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', '103'),
  ('bbbbbbbb-0000-4000-8000-000000000004', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', '104'),
  ('bbbbbbbb-0000-4000-8000-000000000005', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', '105'),
  ('bbbbbbbb-0000-4000-8000-000000000006', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', '106'),
  ('bbbbbbbb-0000-4000-8000-000000000007', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', '107'),
  ('bbbbbbbb-0000-4000-8000-000000000008', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', '108'),
  ('bbbbbbbb-0000-4000-8000-000000000009', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', '109'),
  ('bbbbbbbb-0000-4000-8000-000000000010', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001', '110'),
  ('bbbbbbbb-0000-4000-8000-000000000011', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000002', '201'),
  ('bbbbbbbb-0000-4000-8000-000000000012', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000002', '202'),
  ('bbbbbbbb-0000-4000-8000-000000000013', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000002', '203'),
  ('bbbbbbbb-0000-4000-8000-000000000014', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000002', '204'),
  ('bbbbbbbb-0000-4000-8000-000000000015', '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000002', '205'),
  ('bbbbbbbb-0000-4000-8000-000000000016', '22222222-2222-4222-8222-222222222222', 'aaaaaaaa-0000-4000-8000-000000000003', '101'),
  ('bbbbbbbb-0000-4000-8000-000000000017', '22222222-2222-4222-8222-222222222222', 'aaaaaaaa-0000-4000-8000-000000000003', '102'),
  ('bbbbbbbb-0000-4000-8000-000000000018', '22222222-2222-4222-8222-222222222222', 'aaaaaaaa-0000-4000-8000-000000000003', '103'),
  ('bbbbbbbb-0000-4000-8000-000000000019', '22222222-2222-4222-8222-222222222222', 'aaaaaaaa-0000-4000-8000-000000000003', '104');

INSERT IGNORE INTO rate_plans (id, establishment_id, code, name, currency) VALUES
  ('cccccccc-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'BAR', 'Best available rate', 'EUR'),
  ('cccccccc-0000-4000-8000-000000000002', '22222222-2222-4222-8222-222222222222', 'BAR', 'Best available rate', 'EUR');

INSERT IGNORE INTO guest_profiles (id, establishment_id, full_name, email) VALUES
  ('dddddddd-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'Demo Guest Paris', 'guest.paris@example.com'),
  ('dddddddd-0000-4000-8000-000000000002', '22222222-2222-4222-8222-222222222222', 'Demo Guest Lyon',  'guest.lyon@example.com');

-- DEMO ONLY API keys, stored as SHA-256 (hex) like real ones, each scoped
-- to its establishment.
INSERT IGNORE INTO api_keys (key_sha256, label, role, all_establishments) VALUES
  (SHA2('demo-manager-paris-0123456789abcdef0123456789abcdef', 256), 'DEMO ONLY manager Paris', 'manager', 0),
  (SHA2('demo-agent-paris-0123456789abcdef0123456789abcdef01', 256), 'DEMO ONLY agent Paris',   'agent',   0),
  (SHA2('demo-manager-lyon-0123456789abcdef0123456789abcdef', 256),  'DEMO ONLY manager Lyon',  'manager', 0);

INSERT IGNORE INTO api_key_scopes (api_key_id, establishment_id)
  SELECT id, '11111111-1111-4111-8111-111111111111' FROM api_keys
   WHERE key_sha256 IN (SHA2('demo-manager-paris-0123456789abcdef0123456789abcdef', 256),
                        SHA2('demo-agent-paris-0123456789abcdef0123456789abcdef01', 256));
INSERT IGNORE INTO api_key_scopes (api_key_id, establishment_id)
  SELECT id, '22222222-2222-4222-8222-222222222222' FROM api_keys
   WHERE key_sha256 = SHA2('demo-manager-lyon-0123456789abcdef0123456789abcdef', 256);

-- DEMO ONLY AMAGE client (no device restriction: no amage_client_devices rows).
INSERT IGNORE INTO amage_clients (api_key, secret, name) VALUES
  ('demo-amage-client', 'demo-amage-secret-0123456789abcdef', 'DEMO ONLY AMAGE client');

-- AMAGE referenced objects.
INSERT IGNORE INTO amage_references (kind, uuid, name) VALUES
  ('user',         'ffffffff-0000-4000-8000-000000000001', 'Demo user 1'),
  ('user',         'ffffffff-0000-4000-8000-000000000002', 'Demo user 2'),
  ('element_type', 'ffffffff-0000-4000-8000-000000000011', 'Demo element type 1'),
  ('element_type', 'ffffffff-0000-4000-8000-000000000012', 'Demo element type 2'),
  ('asset',        'ffffffff-0000-4000-8000-000000000021', 'Demo asset 1'),
  ('asset',        'ffffffff-0000-4000-8000-000000000022', 'Demo asset 2'),
  ('type',         'ffffffff-0000-4000-8000-000000000031', 'Demo work-order type'),
  ('location',     'ffffffff-0000-4000-8000-000000000041', 'Demo location');
