// Time to first rows in the real VS Code (code-server, the default test VS Code) against the replay
// server: argv replay-url region N. Each run is a fresh code-server (fresh user data, so the view is
// closed at start-up) whose extension points at the replay server. The clock is the page's: from the
// press on the activity bar's "Aurora Security Groups" entry (the view opens; the extension activates
// and loads the Region) to the frame in which the Access view shows a VPC row and a DB cluster row
// of the Region; and on to the frame in which the load is whole (the view's "Cancel Loading" title
// action, shown while a load runs, has gone). Prints one JSON line with the medians and every run.
// The test VS Code is AURORA_SG_VSCODE's (test/harness/codeServer.ts vscodeBuild).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..');
const { startCodeServer, launchBrowser, openWorkbench, remoteUri, workbenchUrl, vscodeBuild } = require(path.join(root, 'out/test/harness/codeServer.js'));
const wb = require(path.join(root, 'out/test/ui/workbench.js'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

(async () => {
  const [url, region, n = '3'] = process.argv.slice(2);
  const all = [];
  const whole = [];
  const browser = await launchBrowser();
  try {
    for (let i = 0; i < Number(n); i++) {
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-sg-rows-'));
      const ws = path.join(scratch, 'ws');
      fs.mkdirSync(ws);
      const cs = await startCodeServer({ workspace: ws, scratchDir: scratch, env: {}, settings: { 'auroraSg.endpoint': url, 'auroraSg.regions': [region] } });
      try {
        // Tall enough that the DB clusters section is drawn below the VPCs of the large Region.
        const page = await openWorkbench(
          browser,
          workbenchUrl(cs, ws, [
            ['extensionDevelopmentPath', remoteUri(cs, root)],
            ['skipWelcome', 'true'],
          ]),
          {},
          { width: 1400, height: 2400 },
        );
        await wb.waitForWorkbench(page);
        const item = wb.activityBarItem(page, 'Aurora Security Groups');
        await item.waitFor({ state: 'visible', timeout: 60_000 });
        // A person opens the view a moment after the window is up: let the workbench finish starting
        // (its extension host, the Explorer) so the figure is the view's, not the window's start-up.
        await page.waitForTimeout(3000);
        await page.evaluate(() => {
          document.addEventListener('pointerdown', () => (window.__auroraSgT0 ??= performance.now()), { capture: true, once: true });
        });
        const done = page.evaluate(
          () =>
            new Promise((resolve, reject) => {
              const until = Date.now() + 120_000;
              let firstRows;
              let seenLoading = false;
              const look = () => {
                const rows = [...document.querySelectorAll('.monaco-list-row[aria-level="3"]')].map((r) => r.textContent ?? '');
                // A VPC row shows its id; a DB cluster row its engine's port.
                const t = performance.now() - (window.__auroraSgT0 ?? 0);
                // The load is whole when the view's "Cancel Loading" title action, there while it loads, goes.
                const cancel = !!document.querySelector('.action-label[aria-label^="Cancel Loading"]');
                if (window.__auroraSgT0 !== undefined && cancel) seenLoading = true;
                if (
                  window.__auroraSgT0 !== undefined &&
                  firstRows === undefined &&
                  rows.some((r) => /vpc-[0-9a-f]/.test(r)) &&
                  rows.some((r) => /port \d+/.test(r))
                )
                  firstRows = t;
                if (firstRows !== undefined && seenLoading && !cancel) return resolve({ firstRows, whole: t });
                if (Date.now() > until)
                  return reject(
                    new Error(
                      firstRows === undefined
                        ? `no VPC and DB cluster rows within 120 s (level-3 rows: ${rows.slice(0, 5).join(' | ')})`
                        : `the load was not whole within 120 s (${seenLoading ? 'Cancel Loading still shown' : 'no Cancel Loading action seen'})`,
                    ),
                  );
                requestAnimationFrame(look);
              };
              look();
            }),
        );
        await item.click();
        const r = await done;
        all.push(r.firstRows);
        whole.push(r.whole);
        await page.close();
      } finally {
        await cs.stop();
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify({ vscode: vscodeBuild().vscode, runs: all.length, medianMs: median(all), all, wholeMedianMs: median(whole), whole }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
