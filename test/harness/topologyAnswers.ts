// What the extension answers for a topology of topologies.ts, in the shape of its `expect`, so
// every layer (unit: built snapshots; aws: moto through the gateway; extension host) compares
// the same thing with deepEqual.
import { explainPath, findings, whoCanReach } from '../../src/domain/analysis';
import type { Ec2Instance, RegionIndex } from '../../src/domain/model';
import type { NetworkIndex } from '../../src/domain/network';
import type { Topology } from './topologies';

export function topologyAnswers(t: Topology, idx: RegionIndex, net: NetworkIndex, ec2: readonly Ec2Instance[], clusterId: string): Topology['expect'] {
  const target = { clusterId };
  const out: { -readonly [K in keyof Topology['expect']]: Topology['expect'][K] } = {};
  const e = t.expect;
  if (e.internet) {
    const r = whoCanReach(idx, target, { network: net });
    const from = e.internet.from;
    const s = r.exposure?.internet.find((x) =>
      from.startsWith('pl ') ? x.kind === 'prefixList' && x.source.endsWith(` ${from.slice(3)}`) : x.source === from,
    );
    if (s) {
      const blocked = [...new Set(s.instances.filter((i) => i.state === 'blocked').map((i) => i.blockingKind))];
      out.internet = {
        from,
        state: s.state,
        reached: s.instances.filter((i) => i.state === 'allowed').map((i) => i.instanceId),
        // Asked only where the table names it: every blocked instance must be blocked at that hop.
        ...(e.internet.blockedAt ? { blockedAt: blocked.join('+') as never } : {}),
      };
    }
  }
  if (e.app) {
    const app = ec2.find((i) => i.name === 'app');
    if (app) {
      const p = explainPath(idx, { ec2Instance: app }, target, undefined, { network: net });
      out.app = { verdict: p.verdict, ...(p.blockingHop !== undefined ? { blockedAt: p.hops[p.blockingHop]!.kind as never } : {}) };
    }
  }
  if (e.finding) {
    const f = findings(idx, { network: net, ec2Instances: ec2 }).find((x) => x.kind === e.finding!.kind);
    if (f) out.finding = { kind: f.kind, severity: f.severity };
  }
  return out;
}
