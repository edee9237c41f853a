// The AWS-like replay server in its own process (so its CPU is not the extension's): argv moto-url region.
// Prints one JSON line {url, sizes} when ready; then reads JSON lines on stdin:
//   {"latencyMs": 150, "ratePerSecond": 20, "burst": 100}  reconfigure (answers {"ok":true, ...stats})
//   {"stats": true}                                           answers the call counts so far
const path = require('node:path');
const { startReplayServer, REPLAYED } = require(path.resolve(__dirname, '..', '..', 'out/test/harness/replayServer.js'));
(async () => {
  const [upstream, region] = process.argv.slice(2);
  const s = await startReplayServer(upstream, region);
  const sizes = Object.fromEntries(Object.keys(REPLAYED).map((a) => [a, s.size(a)]));
  console.log(JSON.stringify({ url: s.url, sizes }));
  let buf = '';
  process.stdin.on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const m = JSON.parse(line);
      if (!m.stats) s.configure(m);
      console.log(JSON.stringify({ ok: true, calls: { ...s.calls }, throttled: s.throttled.count, peak: s.peakConcurrency.value }));
      if (!m.stats) {
        for (const k of Object.keys(s.calls)) delete s.calls[k];
        s.throttled.count = 0;
        s.peakConcurrency.value = 0;
      }
    }
  });
  process.stdin.on('end', () => void s.close().then(() => process.exit(0)));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
