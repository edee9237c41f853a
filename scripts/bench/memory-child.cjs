// Heap retained by the loaded model of a Region: argv moto-url region. Needs --expose-gc.
const path = require('node:path');
const { createGateway } = require(path.resolve(__dirname, '..', '..', 'out/src/aws/index.js'));
const { RegionIndex } = require(path.resolve(__dirname, '..', '..', 'out/src/domain/model.js'));
(async () => {
  const [url, region] = process.argv.slice(2);
  const gw = createGateway({ endpoint: url });
  await gw.loadRegion(region); // warm: SDK modules and clients are not the model
  global.gc();
  const before = process.memoryUsage().heapUsed;
  const snap = await gw.loadRegion(region);
  const idx = new RegionIndex(snap);
  global.gc();
  const after = process.memoryUsage().heapUsed;
  console.log(JSON.stringify({ modelBytes: after - before, groups: snap.groups.length, rules: snap.rules.length, keep: !!idx }));
  gw.dispose();
})();
