#!/usr/bin/env node
// check-responses: every response the integration suite recorded
// (tests/integration/response_log.c, one JSON line each) checked against
// the OpenAPI document, so the document cannot drift from the code.
//   node check-responses.mjs docs/openapi.yaml var/test/responses.jsonl
// Prints TAP: one "ok" when every response is documented (its route,
// method and status) and its body validates against the documented schema
// (ajv, JSON Schema 2020-12), else "not ok" with each kind of failure.
// A URL that matches no path of the document, or a method its path does
// not serve, is checked against the document's x-pms-unrouted answers: by
// the longest path prefix, the statuses (404, 405) and the envelope a
// client gets.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const [docFile, logFile] = process.argv.slice(2);
if (!docFile || !logFile) {
  console.error('usage: check-responses.mjs OPENAPI.yaml RESPONSES.jsonl');
  process.exit(2);
}
const doc = YAML.parse(readFileSync(docFile, 'utf8'));
const DOC_ID = 'openapi';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc, DOC_ID);

// A JSON pointer token, escaped for a URI fragment ajv can resolve.
const token = (t) => encodeURIComponent(String(t).replace(/~/g, '~0').replace(/\//g, '~1'));
const pointer = (tokens) => '#/' + tokens.map(token).join('/');

// Follows an OpenAPI (not JSON Schema) $ref, such as a shared response.
function resolve(obj, at) {
  let seen = 0;
  while (obj && obj.$ref) {
    if (!obj.$ref.startsWith('#/') || ++seen > 16) throw new Error(`unsupported $ref ${obj.$ref}`);
    at = obj.$ref.slice(2).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    obj = at.reduce((o, t) => (o == null ? undefined : o[t]), doc);
  }
  return { obj, at };
}

const routes = Object.entries(doc.paths || {}).map(([template, item]) => ({
  template,
  item,
  re: new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{[^}/]+\}/g, '[^/]+') + '$'),
  // Literal segments first: /list is not /{uuid}.
  literal: template.replace(/\{[^}/]+\}/g, '').length,
})).sort((a, b) => b.literal - a.literal);

// The x-pms-unrouted answers for a path: those of its longest prefix.
function unrouted(path) {
  const map = doc['x-pms-unrouted'] || {};
  const p = Object.keys(map).filter((x) => path.startsWith(x)).sort((a, b) => b.length - a.length)[0];
  return p === undefined ? {} : { responses: map[p], at: ['x-pms-unrouted', p], prefix: p };
}

// The responses object that documents rec, and the pointer to it.  HEAD is
// answered as GET is, without the body.
function responsesFor(rec, route) {
  const m = rec.method.toLowerCase();
  const op = route && (route.item[m] || (m === 'head' ? route.item.get : undefined));
  if (op) return { responses: op.responses, at: ['paths', route.template, route.item[m] ? m : 'get', 'responses'], what: `${rec.method} ${route.template}` };
  const u = unrouted(rec.path);
  const what = route ? `${rec.method} ${route.template} (method not served, ${u.prefix ?? 'no x-pms-unrouted prefix'})`
    : `${rec.method} ${u.prefix ?? rec.path}* (unrouted${u.prefix === undefined ? ', no x-pms-unrouted prefix' : ''})`;
  return { responses: u.responses, at: u.at, what };
}

function check(rec) {
  const path = rec.path.split('?')[0];
  const route = routes.find((r) => r.re.test(path));
  const { responses, at, what } = responsesFor({ ...rec, path }, route);
  if (!responses) return { what, why: 'undocumented route' };
  let entry = responses[String(rec.status)] !== undefined ? String(rec.status)
    : responses[`${String(rec.status)[0]}XX`] !== undefined ? `${String(rec.status)[0]}XX`
    : responses.default !== undefined ? 'default' : undefined;
  if (entry === undefined) return { what, why: `undocumented status ${rec.status}` };
  if (rec.method === 'HEAD') return rec.body === '' ? null : { what, why: 'a body in answer to HEAD' };
  const { obj: response, at: rat } = resolve(responses[entry], [...at, entry]);
  const content = response && response.content;
  if (!content || Object.keys(content).length === 0) {
    return rec.body === '' ? null : { what, why: `status ${rec.status} documented without a body, got one` };
  }
  const type = (rec.headers['content-type'] || '').split(';')[0].trim();
  if (!content[type]) return { what, why: `status ${rec.status}: content type "${type}" not documented` };
  const schema = content[type].schema;
  if (!schema) return null;
  let body;
  try {
    body = JSON.parse(rec.body);
  } catch {
    return { what, why: `status ${rec.status}: body is not JSON` };
  }
  const ref = `${DOC_ID}${pointer([...rat, 'content', type, 'schema'])}`;
  const validate = ajv.getSchema(ref);
  if (!validate) return { what, why: `cannot compile ${ref}` };
  if (validate(body)) return null;
  const errs = validate.errors.slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
  return { what, why: `status ${rec.status}: ${errs.join('; ')}` };
}

const lines = readFileSync(logFile, 'utf8').split('\n').filter((l) => l !== '');
const failures = new Map();
let checked = 0;
for (const line of lines) {
  let rec;
  try {
    rec = JSON.parse(line);
  } catch {
    failures.set('unreadable line', { count: 1, example: line.slice(0, 200) });
    continue;
  }
  checked++;
  let f;
  try {
    f = check(rec);
  } catch (e) {
    f = { what: `${rec.method} ${rec.path}`, why: String(e.message || e) };
  }
  if (!f) continue;
  const key = `${f.what}: ${f.why}`;
  const seen = failures.get(key);
  if (seen) seen.count++;
  else failures.set(key, { count: 1, example: `${rec.method} ${rec.path} -> ${rec.status} ${rec.body.slice(0, 300)}` });
}

const failed = [...failures.values()].reduce((n, f) => n + f.count, 0);
console.log('1..1');
if (checked > 0 && failed === 0) {
  console.log(`ok - all ${checked} recorded responses match ${docFile}`);
} else {
  console.log(`not ok - ${failed} of ${checked} recorded responses do not match ${docFile}`);
  for (const [key, f] of failures) {
    console.log(`#   ${f.count} x ${key}`);
    console.log(`#     e.g. ${f.example.replace(/\n/g, '\\n')}`);
  }
}
process.exit(checked > 0 && failed === 0 ? 0 : 1);
