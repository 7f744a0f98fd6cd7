'use strict';
// Shared plumbing of the interop tests: command line, a renkei started on a free
// 127.0.0.1 port with a temporary data directory, plain HTTP calls to it, and a tiny
// sequential test runner printing "N passed, N failed".
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');

function parseArgs(argv, defaults = {}) {
  const out = { server: null, mode: 'v2', verbose: false, ...defaults };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--server') out.server = argv[++i];
    else if (a === '--mode') out.mode = argv[++i];
    else if (a === '--verbose' || a === '-v') out.verbose = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!out.server) throw new Error('usage: node <test>.js --server PATH_TO_RENKEI [--mode v2|ld] [-v]');
  return out;
}

// Fails loudly (never skips) when `npm ci` has not been run in tests/interop.
function requireInstalled(name) {
  try {
    return require(name);
  } catch (e) {
    if (e.code === 'MODULE_NOT_FOUND') {
      console.error(`FAIL: npm package '${name}' is not installed; run ` +
        `'(cd tests/interop && npm ci --no-audit --no-fund)' first (scripts/test.sh does).`);
      process.exit(2);
    }
    throw e;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startRenkei(binary, { verbose = false } = {}) {
  if (!fs.existsSync(binary)) throw new Error(`renkei binary not found: ${binary}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-interop-'));
  const port = await freePort();
  const proc = spawn(binary, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir,
    '--log-level', verbose ? 'info' : 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d) => { log += d; if (verbose) process.stderr.write(d); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((r) => proc.on('exit', (code, sig) => { exited = { code, sig }; r(exited); }));
  const url = `http://127.0.0.1:${port}`;
  // An upper bound only: a debug build under a loaded CI machine can take long to start.
  const deadline = Date.now() + 60000;
  for (;;) {
    if (exited) throw new Error(`renkei exited early (${JSON.stringify(exited)}):\n${log}`);
    try {
      const r = await fetch(`${url}/version`);
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`renkei did not answer /version:\n${log}`); }
    await sleep(50);
  }
  async function stop() {
    if (!exited) {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
      await exitPromise;
      clearTimeout(t);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    return exited;
  }
  return { url, port, host: '127.0.0.1', dataDir, stop, log: () => log };
}

// Plain HTTP against renkei (not through the client library under test).
async function http(base, method, p, { headers = {}, body } = {}) {
  const h = { ...headers };
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  }
  const r = await fetch(base + p, { method, headers: h, body: payload });
  const text = await r.text();
  let json;
  try { json = text.length ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: r.status, headers: r.headers, text, json };
}

function runner() {
  const tests = [];
  const test = (name, fn) => tests.push({ name, fn });
  async function run({ timeoutMs = 50000, teardown } = {}) {
    let passed = 0;
    let failed = 0;
    const timer = setTimeout(() => {
      console.error(`FAIL: overall time limit of ${timeoutMs} ms exceeded`);
      process.exit(3);
    }, timeoutMs);
    const t0 = Date.now();
    for (const t of tests) {
      try {
        await t.fn();
        passed++;
        console.log(`ok    ${t.name}`);
      } catch (e) {
        failed++;
        const why = e instanceof Error ? e.stack : `${e && e.name || 'error'}: ${JSON.stringify(e)}`;
        console.log(`FAIL  ${t.name}\n      ${String(why).split('\n').join('\n      ')}`);
      }
    }
    if (teardown) {
      try { await teardown(); } catch (e) { failed++; console.log(`FAIL  teardown: ${e && e.stack || e}`); }
    }
    clearTimeout(timer);
    console.log(`${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return failed === 0 && passed > 0 ? 0 : 1;
  }
  return { test, run };
}

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

module.exports = { parseArgs, requireInstalled, freePort, sleep, startRenkei, http, runner, assert, ISO_MS };
