// Opens the real VS Code (code-server) with the extension on a large Region and times the tree:
// argv moto-url region vpc-name groups. Prints one JSON line.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const root = path.resolve(__dirname, '..', '..');
const { startCodeServer, launchBrowser, openWorkbench, remoteUri, workbenchUrl } = require(path.join(root, 'out/test/harness/codeServer.js'));
const wb = require(path.join(root, 'out/test/ui/workbench.js'));
(async () => {
  const [url, region, vpcName] = process.argv.slice(2);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-sg-render-'));
  const workspace = path.join(scratch, 'ws');
  fs.mkdirSync(workspace);
  // No request timeout: on a slow machine moto, single-threaded, can take longer than the extension's
  // 30 s default to answer a big Region's reads (the load would then fail, not be timed).
  const cs = await startCodeServer({
    workspace,
    scratchDir: scratch,
    env: {},
    settings: { 'auroraSg.endpoint': url, 'auroraSg.regions': [region], 'auroraSg.requestTimeoutSeconds': 0 },
  });
  const browser = await launchBrowser();
  try {
    const logs = [];
    const page = await openWorkbench(
      browser,
      workbenchUrl(cs, workspace, [
        ['extensionDevelopmentPath', remoteUri(cs, root)],
        ['skipWelcome', 'true'],
      ]),
      { onLog: (_t, a) => logs.push(String(a)) },
    );
    await wb.waitForWorkbench(page);
    const t0 = Date.now();
    await wb.openView(page, 'Aurora Security Groups');
    await wb.waitForRow(page, 'VPCs', {}, 600_000);
    const firstRowsMs = Date.now() - t0;
    await wb.expandRow(page, 'VPCs', { level: 2 });
    const vpc = await wb.waitForRow(page, vpcName, { level: 3 });
    // The tree fills in as the reads answer (progressive loading): wait for the whole load (the
    // Region row's description stops saying "loading"), so the expansion times the tree, not moto's
    // DescribeSecurityGroups answer.
    const regionRow = wb.treeRow(page, region, { level: 1 });
    await wb.retry(
      'the Region loaded in full',
      async () => {
        const d = await wb.rowDescription(regionRow);
        if (!d || /\bloading\b/.test(d)) throw new Error(`the Region row says "${d}"`);
      },
      600_000,
      250,
    );
    const t1 = Date.now();
    await vpc.click();
    await wb.waitForRow(page, /^bench-\d+$/, { level: 4 }, 120_000);
    const expandMs = Date.now() - t1;
    await wb.screenshot(page, 'bench-500-groups');
    console.log(JSON.stringify({ firstRowsMs, expandMs }));
  } finally {
    await browser.close();
    await cs.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
