// The analysis on a synthetic Region of 2,500 groups and 60,000 rules: argv runs. Needs --expose-gc.
// Every run analyses a fresh copy of the Region parsed from JSON (new objects and flat strings, as
// after a load from AWS). Prints one JSON line: the first call in this fresh process (V8 has not
// optimised the pass yet), the medians of the later calls of findings() and of whoCanReach over
// every cluster, and heap figures.
const path = require('node:path');
const outDir = path.resolve(__dirname, '..', '..', 'out');
const out = path.join(outDir, 'src', 'domain');
const { findings, whoCanReach } = require(path.join(out, 'analysis', 'index.js'));
const { RegionIndex } = require(path.join(out, 'model.js'));
const { NetworkIndex } = require(path.join(out, 'network.js'));
const { syntheticNetwork, syntheticRegion } = require(path.join(outDir, 'test', 'harness', 'syntheticRegion.js'));
const runs = Number(process.argv[2] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const text = JSON.stringify(syntheticRegion({ vpcs: 30, groups: 2500, rules: 60000, clusters: 200, instancesPerCluster: 3, seed: 7 }));
// The network part (issue 15): 600 subnets, 60 route tables, 60 ACLs of 20 entries; a Map does not survive JSON, so the prefix lists are kept apart.
const netSnap = syntheticNetwork(JSON.parse(text), { subnetsPerVpc: 20, aclEntries: 20 });
const netText = JSON.stringify({ ...netSnap, prefixLists: [...netSnap.prefixLists] });
const netOf = () => {
  const n = JSON.parse(netText);
  return new NetworkIndex({ ...n, prefixLists: new Map(n.prefixLists) });
};
global.gc();
const before = process.memoryUsage().heapUsed;
let snap = JSON.parse(text);
let idx = new RegionIndex(snap);
global.gc();
const modelBytes = process.memoryUsage().heapUsed - before;

const fTimes = [];
const rTimes = [];
const fnTimes = [];
const rnTimes = [];
let netCount = 0;
let netCounts = {};
let firstMs = 0;
let count = 0;
let heapBytes = 0;
for (let i = 0; i < runs + 1; i++) {
  if (i > 0) {
    snap = JSON.parse(text);
    idx = new RegionIndex(snap);
  }
  global.gc();
  const h0 = process.memoryUsage().heapUsed;
  let t = performance.now();
  const list = findings(idx);
  const f = performance.now() - t;
  const h1 = process.memoryUsage().heapUsed;
  t = performance.now();
  for (const c of snap.clusters) whoCanReach(idx, { clusterId: c.clusterId });
  const r = performance.now() - t;
  // The same with the network read: routes, ACLs and public accessibility in every answer.
  const net = netOf();
  global.gc();
  t = performance.now();
  const withNet = findings(idx, { network: net });
  const fn = performance.now() - t;
  t = performance.now();
  for (const c of snap.clusters) whoCanReach(idx, { clusterId: c.clusterId }, { network: net });
  const rn = performance.now() - t;
  netCount = withNet.length;
  netCounts = {};
  for (const x of withNet)
    if (x.kind === 'db-port-world' || x.kind.startsWith('acl-')) netCounts[`${x.kind} ${x.severity}`] = (netCounts[`${x.kind} ${x.severity}`] ?? 0) + 1;
  if (i === 0) firstMs = f;
  else {
    fTimes.push(f);
    rTimes.push(r);
    fnTimes.push(fn);
    rnTimes.push(rn);
  }
  heapBytes = Math.max(heapBytes, h1 - h0);
  count = list.length;
}
console.log(
  JSON.stringify({
    groups: snap.groups.length,
    rules: snap.rules.length,
    clusters: snap.clusters.length,
    findings: count,
    findingsMs: median(fTimes),
    findingsFirstMs: firstMs,
    reachMs: median(rTimes),
    findingsNetMs: median(fnTimes),
    reachNetMs: median(rnTimes),
    findingsNet: netCount,
    netCounts,
    heapBytes,
    modelBytes,
  }),
);
