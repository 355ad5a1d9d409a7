// The phone form's modules and its offline shell agree: index.html loads app.js as a module,
// every module app.js imports (directly or not) is precached by the service worker, and no
// module file lies unused. A module missing from sw.js would break the form with no signal.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const WEB = new URL('../../mobile_forms/web/', import.meta.url);
const read = (name) => readFileSync(new URL(name, WEB), 'utf8');

/** Module files reached from ``entry`` through static `import … from './x.js'` lines. */
function importGraph(entry) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const m of read(name).matchAll(/^(?:import|export)\s[^;]*?from\s+'\.\/([\w-]+\.js)';/gms)) visit(m[1]);
  };
  visit(entry);
  return seen;
}

function precached() {
  const list = read('sw.js').match(/const SHELL = \[([^\]]*)\]/)[1];
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

test('index.html loads app.js as an ES module', () => {
  assert.match(read('index.html'), /<script type="module" src="\/m\/app\.js"><\/script>/);
});

test('orders.html loads orders.js as an ES module, and the service worker keeps the page', () => {
  assert.match(read('orders.html'), /<script type="module" src="\/m\/orders\.js"><\/script>/);
  assert.ok(precached().includes('/m/orders.html'));
});

/** Every module of the form's pages: the survey form (app.js) and the unit's orders page. */
const pageModules = () => [...new Set([...importGraph('app.js'), ...importGraph('orders.js')])];

test('the service worker precaches every module of the form', () => {
  const modules = pageModules().sort();
  assert.ok(modules.length > 10, modules.join(' '));
  const shell = precached();
  assert.deepEqual(modules.filter((name) => !shell.includes('/m/' + name)), []);
  assert.equal(new Set(shell).size, shell.length, 'no file listed twice');
});

test('every .js file next to app.js is one of its modules (or the service worker)', () => {
  const files = readdirSync(WEB).filter((name) => name.endsWith('.js') && name !== 'sw.js').sort();
  assert.deepEqual(files, pageModules().sort());
});

test('the send queue imports nothing: it runs without a browser', () => {
  assert.deepEqual([...importGraph('send_queue.js')], ['send_queue.js']);
});

test('the modules import each other without cycles (each can be read on its own)', () => {
  const imports = (name) => [...read(name).matchAll(/^(?:import|export)\s[^;]*?from\s+'\.\/([\w-]+\.js)';/gms)].map((m) => m[1]);
  const cycles = [];
  const walk = (name, path) => {
    for (const next of imports(name)) {
      if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else walk(next, [...path, next]);
    }
  };
  walk('app.js', ['app.js']);
  assert.deepEqual(cycles, []);
});
