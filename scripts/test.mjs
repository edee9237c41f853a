// `npm test`: every test layer, in order; a layer that cannot start fails the run (never skipped).
//   lint   - eslint (typescript-eslint) on src/ and test/, and `prettier --check`
//   unit   - plain Node mocha (domain, store, AWS layer on a fake client, the layer rules)
//   aws    - the AWS layer through the real SDK clients against a real moto server
//   vscode - the extension-host suite inside a real VS Code (code-server + headless Chromium)
//   ui     - a real VS Code driven like a person, with screenshots
// vscode and ui run once per test VS Code (test/harness/codeServer.ts VSCODE_BUILDS: the oldest the
// extension claims in engines.vscode, and the current one), as the layers vscode@1.99.3,
// vscode@1.139.1, ui@1.99.3, ui@1.139.1; "vscode" or "ui" alone means every version.
// Choose layers with TEST_LAYERS=unit,aws,ui@1.139.1 (default: all) and narrow the mocha suites with MOCHA_GREP.
// Under CI=true both are refused (a leftover value would run a subset and still pass), and so is
// any pending test (`it` without a body, `this.skip()`), counted across every layer.
// Prints the layers that ran and those that did not, then "N passed, N failed" at the end.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** The test VS Codes, from the compiled harness (npm test's pretest compiles it). */
function vscodeVersions() {
  try {
    return createRequire(import.meta.url)('../out/test/harness/codeServer.js').VSCODE_BUILDS.map((b) => b.vscode);
  } catch (err) {
    console.error(`[test] cannot read the test VS Code versions from out/test/harness/codeServer.js (run npm run compile-tests): ${err.message}`);
    process.exit(2);
  }
}
const VERSIONS = vscodeVersions();
const ALL = ['lint', 'unit', 'aws', ...['vscode', 'ui'].flatMap((l) => VERSIONS.map((v) => `${l}@${v}`))];
const ci = /^(true|1)$/i.test(process.env.CI ?? '');
const requested = (process.env.TEST_LAYERS ?? '').trim();
const layers =
  requested && requested !== 'all'
    ? requested
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .flatMap((l) => (l === 'vscode' || l === 'ui' ? VERSIONS.map((v) => `${l}@${v}`) : [l]))
    : ALL;
const grep = process.env.MOCHA_GREP ?? '';

for (const layer of layers) {
  if (!ALL.includes(layer)) {
    console.error(`Unknown test layer ${layer}; known: ${ALL.join(', ')}`);
    process.exit(2);
  }
}

/** Under CI, mocha itself refuses `.only` and pending tests too (the extension-host suite is counted below). */
const mochaCi = ci ? ['--forbid-only', '--forbid-pending'] : [];
/** MOCHA_GREP narrows the plain mocha layers as it narrows the extension-host suite (test/vscode/index.ts). */
const mochaGrep = grep ? ['--grep', grep] : [];
/** Each layer is one or more steps; a lint step counts as one check, a mocha step by its own counts. */
const steps = {
  lint: [
    { name: 'eslint', cmd: 'npx', args: ['eslint', '--max-warnings', '0', 'src', 'test'], check: true },
    { name: 'prettier', cmd: 'npx', args: ['prettier', '--check', '.'], check: true },
  ],
  unit: [{ name: 'mocha', cmd: 'npx', args: ['mocha', '--config', '.mocharc.unit.json', ...mochaGrep, ...mochaCi] }],
  aws: [{ name: 'mocha', cmd: 'npx', args: ['mocha', '--config', '.mocharc.aws.json', ...mochaGrep, ...mochaCi] }],
  ...Object.fromEntries(
    VERSIONS.flatMap((v) => [
      [`vscode@${v}`, [{ name: 'extension host', cmd: 'node', args: ['out/test/harness/runCodeServer.js'], env: { AURORA_SG_VSCODE: v } }]],
      [`ui@${v}`, [{ name: 'ui', cmd: 'node', args: ['out/test/ui/run.js'], env: { AURORA_SG_VSCODE: v } }]],
    ]),
  ),
};

const narrowed = [];
if (requested && ALL.some((l) => !layers.includes(l))) narrowed.push(`TEST_LAYERS=${requested}`);
if (grep) narrowed.push(`MOCHA_GREP=${JSON.stringify(grep)}`);

const sum = (out, word) => [...out.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);

/**
 * Mocha's report of the failed tests (from "N failing" on, at most 60 lines), repeated after the
 * summary: a CI log that keeps only its tail still says which test failed and why.
 */
function failureReport(out) {
  const at = out.search(/^\s*\d+ failing\b/m);
  return at < 0 ? '' : out.slice(at).split('\n').slice(0, 60).join('\n').trimEnd();
}

function run(step) {
  return new Promise((resolve) => {
    let out = '';
    const p = spawn(step.cmd, step.args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...step.env } });
    p.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    p.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    p.on('error', (err) => {
      out += `\n${err.message}\n`;
      console.error(`[test] could not start ${step.cmd}: ${err.message}`);
    });
    p.on('close', (code) => {
      const c = code ?? 1;
      if (step.check) resolve({ code: c, passing: c === 0 ? 1 : 0, failing: c === 0 ? 0 : 1, pending: 0 });
      else resolve({ code: c, passing: sum(out, 'passing'), failing: sum(out, 'failing'), pending: sum(out, 'pending'), failures: failureReport(out) });
    });
  });
}

const results = [];
if (ci && narrowed.length) {
  console.error(`[test] CI=true, but the run is narrowed by ${narrowed.join(' and ')}: CI runs every test. Unset it.`);
  results.push({ layer: 'setup', code: 1, passing: 0, failing: 1, pending: 0, seconds: '0.0', note: `narrowed by ${narrowed.join(', ')}` });
} else {
  for (const layer of layers) {
    console.log(`\n=== test layer: ${layer} ===`);
    const started = Date.now();
    const r = { layer, code: 0, passing: 0, failing: 0, pending: 0, note: '', failures: '' };
    for (const step of steps[layer]) {
      const s = await run(step);
      // A step that exits non-zero without reporting a failing test could not run: count it as a failure.
      if (s.code !== 0 && s.failing === 0) {
        s.failing = 1;
        r.note += ` ${step.name} exited with ${s.code}`;
      }
      if (s.code === 0 && s.passing === 0) {
        console.error(`Layer ${layer} (${step.name}) ran no test.`);
        s.code = 1;
        s.failing = 1;
        r.note += ` ${step.name} ran no test`;
      }
      r.code ||= s.code;
      r.passing += s.passing;
      r.failing += s.failing;
      r.pending += s.pending;
      if (s.failures) r.failures += `${s.failures}\n`;
    }
    if (ci && r.pending > 0) {
      console.error(`Layer ${layer} has ${r.pending} pending test(s): under CI=true every test must run.`);
      r.code = 1;
      r.note += ` ${r.pending} pending`;
    }
    r.seconds = ((Date.now() - started) / 1000).toFixed(1);
    results.push(r);
  }
}

for (const r of results.filter((x) => x.failures)) console.log(`\n=== failures: ${r.layer} ===\n${r.failures.trimEnd()}`);
console.log('\n=== summary ===');
for (const r of results) {
  const pending = r.pending ? `, ${r.pending} pending` : '';
  console.log(
    `${r.layer.padEnd(Math.max(...ALL.map((l) => l.length)))} ${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.passing} passed, ${r.failing} failed${pending} (${r.seconds} s)${r.note ? ` -${r.note}` : ''}`,
  );
}
const ran = results.filter((r) => ALL.includes(r.layer)).map((r) => r.layer);
const notRun = ALL.filter((l) => !ran.includes(l));
console.log(`layers run: ${ran.join(', ') || 'none'}`);
console.log(`layers not run: ${notRun.join(', ') || 'none'}${narrowed.length ? ` (narrowed by ${narrowed.join(', ')})` : ''}`);
if (grep && ran.length) console.log(`mocha suites narrowed by MOCHA_GREP=${JSON.stringify(grep)}: not every test ran`);
const passed = results.reduce((n, r) => n + r.passing, 0);
const failed = results.reduce((n, r) => n + r.failing, 0);
const pending = results.reduce((n, r) => n + r.pending, 0);
console.log(`${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
process.exit(results.length > 0 && results.every((r) => r.code === 0) ? 0 : 1);
