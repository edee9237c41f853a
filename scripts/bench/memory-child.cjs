// Heap retained by the loaded model of a Region: argv moto-url region. Needs --expose-gc.
// The Region is read through the AWS layer, then the model is rebuilt from a copy in a quiet heap,
// so SDK buffers and sockets freed meanwhile cannot distort the figure.
const path = require('node:path');
const { createGateway } = require(path.resolve(__dirname, '..', '..', 'out/src/aws/index.js'));
const { RegionIndex } = require(path.resolve(__dirname, '..', '..', 'out/src/domain/model.js'));
(async () => {
  const [url, region] = process.argv.slice(2);
  const gw = createGateway({ endpoint: url });
  const json = JSON.stringify(await gw.loadRegion(region));
  gw.dispose();
  await new Promise((r) => setTimeout(r, 200));
  global.gc();
  const before = process.memoryUsage().heapUsed;
  const snap = JSON.parse(json);
  const idx = new RegionIndex(snap);
  global.gc();
  const after = process.memoryUsage().heapUsed;
  console.log(JSON.stringify({ modelBytes: after - before, groups: snap.groups.length, rules: snap.rules.length, keep: !!idx && !!snap }));
})();
