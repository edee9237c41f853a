// Runs inside the real VS Code extension host (either launcher): mocha over out/test/vscode/*.test.js.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // Under CI an `.only` or a pending test fails the run, as in the plain mocha layers (scripts/test.mjs).
  const ci = /^(true|1)$/i.test(process.env.CI ?? '');
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec', grep: process.env.MOCHA_GREP, forbidOnly: ci, forbidPending: ci });
  const dir = __dirname;
  for (const f of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort())
    mocha.addFile(path.join(dir, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      console.log(`[vscode] ${mocha.suite.total()} tests defined, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
