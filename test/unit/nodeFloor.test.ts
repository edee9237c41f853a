// The oldest VS Code the extension claims runs extensions on Node 20 (VS Code 1.99-1.100, Electron
// 34; Node 22 from 1.101). Every package the extension ships (the production dependencies pinned in
// package-lock.json) must run on that Node: an AWS SDK release that needs Node 22 (the SDK's notice:
// releases after the first week of January 2027) must come with engines.vscode ^1.101.0 (README, Tests).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8'));

/** The Node major of the extension host of the oldest VS Code in `engines.vscode` (^1.X.0). */
function hostNodeMajor(enginesVscode: string): number {
  const m = /^\^1\.(\d+)\./.exec(enginesVscode);
  assert.ok(m, `engines.vscode "${enginesVscode}" is not of the form ^1.X.0`);
  const minor = Number(m[1]);
  return minor <= 100 ? 20 : 22;
}

/** The lowest Node major a ">=X[.Y.Z]" (or "^X" / "X || Y") range admits; undefined when not understood. */
function lowestMajor(range: string): number | undefined {
  const majors = range.split('||').map((part) => /(?:>=|\^|~)?\s*v?(\d+)/.exec(part.trim())?.[1]);
  const nums = majors.filter((x): x is string => x !== undefined).map(Number);
  return nums.length ? Math.min(...nums) : undefined;
}

describe('the shipped packages run on the Node of the oldest VS Code claimed', () => {
  it('every production dependency in package-lock.json admits that Node', () => {
    const pkg = read('package.json');
    const lock = read('package-lock.json');
    const node = hostNodeMajor(pkg.engines.vscode);
    const tooNew: string[] = [];
    let checked = 0;
    for (const [where, p] of Object.entries<{ dev?: boolean; engines?: { node?: string }; version?: string }>(lock.packages)) {
      if (!where || p.dev || !p.engines?.node) continue;
      checked++;
      const low = lowestMajor(p.engines.node);
      if (low !== undefined && low > node) tooNew.push(`${where}@${p.version} needs Node ${p.engines.node}`);
    }
    assert.ok(checked > 10, `only ${checked} production packages declare engines.node: is the lock file complete?`);
    assert.deepEqual(tooNew, [], `engines.vscode ${pkg.engines.vscode} runs extensions on Node ${node}`);
  });

  it('the range reader', () => {
    assert.equal(lowestMajor('>=20.0.0'), 20);
    assert.equal(lowestMajor('>=22'), 22);
    assert.equal(lowestMajor('^18.18.0 || ^20.9.0 || >=21.1.0'), 18);
    assert.equal(hostNodeMajor('^1.99.0'), 20);
    assert.equal(hostNodeMajor('^1.101.0'), 22);
  });
});
