// Find (issue 17) over the large Region loaded in three accounts: argv[2] a JSON file of the loaded
// snapshot (bench.mjs writes the one it loaded from moto), else the synthetic Region of the same size;
// argv[3] runs. Needs --expose-gc. Each account is a fresh parse of the snapshot (its own objects, as
// after three loads), keyed as the store keys several profiles (profile/Region). Prints one JSON line:
// per query, the median ms from the typed text to the results (parseQuery + find over the three
// indexes), the time to build the find indexes (done as Find's input opens), and the heap of the
// three loaded indexes.
const fs = require('node:fs');
const path = require('node:path');
const outDir = path.resolve(__dirname, '..', '..', 'out');
const { parseQuery } = require(path.join(outDir, 'src', 'domain', 'find', 'query.js'));
const { find, prepareFind, resultCount } = require(path.join(outDir, 'src', 'domain', 'find', 'match.js'));
const { RegionIndex } = require(path.join(outDir, 'src', 'domain', 'model.js'));
const file = process.argv[2] && process.argv[2] !== '-' ? process.argv[2] : undefined;
const runs = Number(process.argv[3] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

let text;
if (file) text = fs.readFileSync(file, 'utf8');
else {
  const { syntheticRegion } = require(path.join(outDir, 'test', 'harness', 'syntheticRegion.js'));
  text = JSON.stringify(syntheticRegion({ vpcs: 30, groups: 2500, rules: 22500, clusters: 200, instancesPerCluster: 3, seed: 7 }));
}
global.gc();
const before = process.memoryUsage().heapUsed;
const scopes = ['prod', 'staging', 'dev'].map((profile) => {
  const snap = JSON.parse(text);
  return { key: `${profile}/${snap.region}`, idx: new RegionIndex(snap) };
});
global.gc();
const modelBytes = process.memoryUsage().heapUsed - before;
const groups = scopes.reduce((n, s) => n + s.idx.snapshot.groups.length, 0);
const rules = scopes.reduce((n, s) => n + s.idx.snapshot.rules.length, 0);
const someGroup = scopes[0].idx.snapshot.groups[Math.floor(scopes[0].idx.snapshot.groups.length / 2)];
const someVpc = scopes[0].idx.snapshot.vpcs.find((v) => !v.isDefault) ?? scopes[0].idx.snapshot.vpcs[0];
const inVpc = (someVpc?.cidrBlocks[0] ?? '10.3.0.0/16').replace(/\.0\.0\/16$/, '.7.9');
const queries = [
  inVpc,
  `${inVpc} port:5432`,
  'port:5432',
  'world',
  someGroup.groupId,
  `group:${someGroup.groupName}`,
  'tag:env=prod',
  '"private subnet" 3306/tcp',
];

/** Wall and CPU milliseconds of fn, median over the runs after a first (warming) call. */
function time(fn) {
  const wall = [];
  const cpu = [];
  let value;
  let firstMs = 0;
  for (let i = 0; i < runs + 1; i++) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    value = fn();
    const ms = performance.now() - t;
    const c = process.cpuUsage(c0);
    if (i === 0) firstMs = ms;
    else {
      wall.push(ms);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  return { ms: median(wall), cpuMs: median(cpu), firstMs, value };
}

// The find index of each loaded index, built as Find's input opens (src/commands/find.ts), before the first keystroke.
const p0 = performance.now();
for (const s of scopes) prepareFind(s.idx);
const prepareMs = performance.now() - p0;

const out = [];
for (const q of queries) {
  const t = time(() => {
    const parsed = parseQuery(q);
    if ('error' in parsed) throw new Error(`${q}: ${parsed.error}`);
    return resultCount(find(parsed, scopes));
  });
  out.push({ query: q, ms: t.ms, cpuMs: t.cpuMs, firstMs: t.firstMs, results: t.value });
}
// The floor on this machine right now (the bench shares it): one bare loop over the same rules, one string comparison each.
const floor = time(() => {
  let n = 0;
  for (const s of scopes)
    for (const g of s.idx.snapshot.groups) for (const r of s.idx.rulesOf(g.groupId)) if (r.peer.kind === 'cidr4' && r.peer.cidr === '0.0.0.0/0') n++;
  return n;
});
console.log(
  JSON.stringify({
    groups,
    rules,
    accounts: scopes.length,
    modelBytes,
    queries: out,
    prepareMs,
    floorMs: floor.ms,
    floorCpuMs: floor.cpuMs,
    source: file ? 'loaded' : 'synthetic',
  }),
);
