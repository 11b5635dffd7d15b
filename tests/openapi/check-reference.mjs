#!/usr/bin/env node
// check-reference: the API reference page as a reader sees it.  Headless
// Chromium (Debian's /usr/bin/chromium) opens URL, runs its script and
// hands back the DOM; every operation of the OpenAPI document must be
// there, drawn under its title (summary).  TAP on stdout.
//   node check-reference.mjs docs/openapi.yaml http://127.0.0.1:28080/docs/
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';

const [docFile, url] = process.argv.slice(2);
if (!docFile || !url) {
  console.error('usage: check-reference.mjs OPENAPI.yaml URL');
  process.exit(2);
}
const doc = YAML.parse(readFileSync(docFile, 'utf8'));
const operations = [];
for (const [path, item] of Object.entries(doc.paths || {})) {
  for (const [method, op] of Object.entries(item)) {
    if (op && typeof op === 'object' && op.operationId) operations.push({ id: op.operationId, title: op.summary, what: `${method.toUpperCase()} ${path}` });
  }
}

console.log('1..2');
// A fresh profile, and no background traffic: this machine has no outside
// network and Chromium would keep trying.
const profile = mkdtempSync(join(tmpdir(), 'pms-chromium-'));
let dom = '';
try {
  dom = execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--virtual-time-budget=15000', '--dump-dom', url],
  { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120000, stdio: ['ignore', 'pipe', 'ignore'] });
} catch (e) {
  console.log(`# chromium: ${String(e.message).split('\n')[0]}`);
} finally {
  rmSync(profile, { recursive: true, force: true });
}

// The operations Redoc drew: <div id="operation/ID" ...> ... <h2>TITLE</h2>.
const drawn = new Map();
for (const m of dom.matchAll(/id="operation\/([^"]+)"[^>]*>(?:(?!id="operation\/)[\s\S])*?<h2[^>]*>([\s\S]*?)<\/h2>/g)) {
  drawn.set(m[1], m[2].replace(/<[^>]*>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").trim());
}
const missing = operations.filter((o) => drawn.get(o.id) !== (o.title || '').trim());
if (operations.length > 0 && missing.length === 0) {
  console.log(`ok - ${url} drew all ${operations.length} operations under their titles`);
} else {
  console.log(`not ok - ${url} drew ${operations.length - missing.length} of ${operations.length} operations under their titles`);
  for (const o of missing.slice(0, 20)) console.log(`#   ${o.what} (${o.id}): expected "${o.title}", drawn ${drawn.has(o.id) ? `"${drawn.get(o.id)}"` : 'nothing'}`);
}
// The page is a reader's: it must not ask anything of the outside world.
const outside = dom.match(/(?:src|href)="(?:https?:)?\/\/(?!127\.0\.0\.1|localhost)[^"]*\.(?:js|css)[^"]*"/);
if (dom !== '' && !outside) console.log('ok - the page loads no script or style from outside');
else console.log(`not ok - the page loads ${outside ? outside[0] : '(no DOM came back)'}`);
process.exit(operations.length > 0 && missing.length === 0 && dom !== '' && !outside ? 0 : 1);
