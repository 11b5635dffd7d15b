#!/usr/bin/env node
// build-reference: the API reference page, one self-contained HTML file.
//   node build-reference.mjs docs/openapi.yaml build/docs/index.html
// Redocly CLI bundles the document (every $ref of other files resolved)
// and Redoc, from the installed redoc package, renders it in the browser.
// Both are written into the page: it must work where the stack runs, with
// no outside network.  The operations are drawn by the script, not
// pre-rendered, so a browser showing them proves the page works.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [doc, out] = process.argv.slice(2);
if (!doc || !out) {
  console.error('usage: build-reference.mjs OPENAPI.yaml OUT.html');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
mkdirSync(dirname(out), { recursive: true });
const bundled = `${out}.bundle.json`;
execFileSync(join(here, 'node_modules/.bin/redocly'), ['bundle', doc, '--ext', 'json', '-o', bundled],
  { stdio: 'pipe' });
const spec = readFileSync(bundled, 'utf8');
rmSync(bundled);
JSON.parse(spec);

// Text inside <script> must not close it early.
const inScript = (s) => s.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
const redoc = readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'), 'utf8');
const title = (JSON.parse(spec).info || {}).title || 'API reference';
const escape = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<noscript>This reference is drawn by JavaScript; the document itself is docs/openapi.yaml.</noscript>
<div id="redoc"></div>
<script>${inScript(redoc)}</script>
<script>
Redoc.init(${inScript(spec)}, { hideDownloadButton: false, expandResponses: "" },
  document.getElementById("redoc"));
</script>
</body>
</html>
`;
const outside = html.match(/(?:src|href)="(?:https?:)?\/\/[^"]*"/);
if (outside) throw new Error(`the page would load ${outside[0]}`);
const tmp = `${out}.tmp`;
writeFileSync(tmp, html);
renameSync(tmp, out);
console.log(`reference: ${out} (${Math.round(html.length / 1024)} KiB, Redoc ${require('redoc/package.json').version}, nothing loaded from outside)`);
