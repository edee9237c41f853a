// `npm test`: every test layer, in order; a layer that cannot start fails the run (never skipped).
//   unit   - plain Node mocha (domain, store, AWS layer on a fake client)
//   aws    - the AWS layer through the real SDK clients against a real moto server
//   vscode - the extension-host suite inside a real VS Code (code-server + headless Chromium)
//   ui     - a real VS Code driven like a person, with screenshots
// Choose layers with TEST_LAYERS=unit,aws (default: all). Prints "N passed, N failed" at the end.
import { spawn } from 'node:child_process';

const ALL = ['unit', 'aws', 'vscode', 'ui'];
const layers = (process.env.TEST_LAYERS ?? ALL.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
const commands = {
  unit: ['npx', ['mocha', '--config', '.mocharc.unit.json']],
  aws: ['npx', ['mocha', '--config', '.mocharc.aws.json']],
  vscode: ['node', ['out/test/harness/runCodeServer.js']],
  ui: ['node', ['out/test/ui/run.js']],
};

function run(layer) {
  const [cmd, args] = commands[layer];
  return new Promise((resolve) => {
    let out = '';
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    p.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    p.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    p.on('exit', (code) => {
      const passing = [...out.matchAll(/^\s*(\d+) passing/gm)].reduce((n, m) => n + Number(m[1]), 0);
      const failing = [...out.matchAll(/^\s*(\d+) failing/gm)].reduce((n, m) => n + Number(m[1]), 0);
      resolve({ layer, code: code ?? 1, passing, failing });
    });
  });
}

const results = [];
for (const layer of layers) {
  if (!commands[layer]) {
    console.error(`Unknown test layer ${layer}; known: ${ALL.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== test layer: ${layer} ===`);
  const started = Date.now();
  const r = await run(layer);
  r.seconds = ((Date.now() - started) / 1000).toFixed(1);
  // A layer that exits non-zero without reporting a failing test could not run: count it as a failure.
  if (r.code !== 0 && r.failing === 0) r.failing = 1;
  if (r.code === 0 && r.passing === 0) {
    console.error(`Layer ${layer} ran no test.`);
    r.code = 1;
    r.failing = 1;
  }
  results.push(r);
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.layer.padEnd(7)} ${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.passing} passed, ${r.failing} failed (${r.seconds} s)`);
const passed = results.reduce((n, r) => n + r.passing, 0);
const failed = results.reduce((n, r) => n + r.failing, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
