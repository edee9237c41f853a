// Activation in the real VS Code (code-server 1.99.3), N fresh launches: argv N. Prints one JSON line
// with the medians of the extension's own figures (from its log line, written by code-server to a file).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..');
const { startCodeServer, launchBrowser, openWorkbench, remoteUri, workbenchUrl } = require(path.join(root, 'out/test/harness/codeServer.js'));
const wb = require(path.join(root, 'out/test/ui/workbench.js'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
function* walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}
(async () => {
  const n = Number(process.argv[2] ?? 3);
  const own = [];
  const activateOnly = [];
  const host = [];
  const browser = await launchBrowser();
  for (let i = 0; i < n; i++) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-sg-act-'));
    const ws = path.join(scratch, 'ws');
    fs.mkdirSync(ws);
    // A closed endpoint: activation makes no AWS call, so none is needed.
    const cs = await startCodeServer({
      workspace: ws,
      scratchDir: scratch,
      env: {},
      settings: { 'auroraSg.endpoint': 'http://127.0.0.1:9', 'auroraSg.regions': ['us-east-1'] },
    });
    try {
      const page = await openWorkbench(
        browser,
        workbenchUrl(cs, ws, [
          ['extensionDevelopmentPath', remoteUri(cs, root)],
          ['skipWelcome', 'true'],
        ]),
      );
      await wb.waitForWorkbench(page);
      await wb.openView(page, 'Aurora Security Groups');
      let m;
      for (let k = 0; k < 40 && !m; k++) {
        await new Promise((r) => setTimeout(r, 250));
        for (const f of walk(scratch)) {
          if (f.endsWith('.log')) m = /Activated in ([\d.]+) ms \(([\d.]+) ms with module load; VS Code took ([\d.]+) ms/.exec(fs.readFileSync(f, 'utf8')) ?? m;
        }
      }
      if (!m) throw new Error('no activation line in the logs');
      activateOnly.push(Number(m[1]));
      own.push(Number(m[2]));
      host.push(Number(m[3]));
      await page.close();
    } finally {
      await cs.stop();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  await browser.close();
  console.log(JSON.stringify({ runs: n, loadAndActivateMs: median(own), activateMs: median(activateOnly), hostGapMs: median(host), all: own }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
