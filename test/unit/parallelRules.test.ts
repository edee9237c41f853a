// The parallel rules read of a Region's load (src/aws/reads.ts readRegionRules): through real SDK
// clients whose `send` is a fake that pages, filters by group id and can throttle or hold a call.
import * as assert from 'node:assert/strict';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import type { RegionClients } from '../../src/aws/clients';
import { readRegion, RULES_BATCH } from '../../src/aws/reads';

const REGION = 'us-east-1';

interface Call {
  readonly command: string;
  readonly input: Record<string, unknown>;
  readonly signal?: AbortSignal;
}

interface Account {
  groups: { GroupId: string; GroupName: string; VpcId: string }[];
  rules: { SecurityGroupRuleId: string; GroupId: string; IpProtocol: string; FromPort: number; ToPort: number; CidrIpv4: string }[];
}

function account(groups: number, rulesPerGroup: number): Account {
  const a: Account = { groups: [], rules: [] };
  for (let g = 0; g < groups; g++) a.groups.push({ GroupId: `sg-${g}`, GroupName: `g${g}`, VpcId: 'vpc-1' });
  // Rules listed in an order unrelated to the groups' (AWS promises no order).
  for (let k = 0; k < rulesPerGroup; k++)
    for (let g = groups - 1; g >= 0; g--)
      a.rules.push({ SecurityGroupRuleId: `sgr-${g}-${k}`, GroupId: `sg-${g}`, IpProtocol: 'tcp', FromPort: k, ToPort: k, CidrIpv4: `10.0.${k}.0/24` });
  return a;
}

interface Hooks {
  /** Runs before a filtered DescribeSecurityGroupRules call answers; may throw (a throttling answer) or wait. */
  filtered?: (call: Call, ids: string[]) => void | Promise<void>;
  /** Fail DescribeSecurityGroups with this error. */
  groupsError?: Error;
}

function fakeClients(acc: Account, hooks: Hooks = {}) {
  const calls: Call[] = [];
  let inFlight = 0;
  const peak = { filtered: 0 };
  const page = <T>(items: T[], input: Record<string, unknown>) => {
    const size = Number(input.MaxResults ?? 1000);
    const offset = input.NextToken ? Number(String(input.NextToken).split(':')[1]) : 0;
    const more = offset + size < items.length;
    return { items: items.slice(offset, offset + size), NextToken: more ? `t:${offset + size}` : undefined };
  };
  const send = async (cmd: { constructor: { name: string }; input: Record<string, unknown> }, options?: { abortSignal?: AbortSignal }) => {
    const command = cmd.constructor.name.replace(/Command$/, '');
    const call = { command, input: { ...cmd.input }, signal: options?.abortSignal };
    calls.push(call);
    const filtered = command === 'DescribeSecurityGroupRules' && !!(cmd.input.Filters as unknown[] | undefined)?.length;
    if (filtered) peak.filtered = Math.max(peak.filtered, ++inFlight);
    try {
      await new Promise((r) => setImmediate(r));
    } finally {
      if (filtered) inFlight--;
    }
    if (command === 'DescribeSecurityGroups') {
      if (hooks.groupsError) throw hooks.groupsError;
      const p = page(acc.groups, cmd.input);
      return { SecurityGroups: p.items, NextToken: p.NextToken, $metadata: {} };
    }
    if (command === 'DescribeSecurityGroupRules') {
      const filters = (cmd.input.Filters as { Name: string; Values: string[] }[] | undefined) ?? [];
      const ids = filters.find((f) => f.Name === 'group-id')?.Values;
      let list = acc.rules;
      if (ids) {
        assert.ok(ids.length <= 200, 'a filter takes at most 200 values');
        await hooks.filtered?.(call, ids);
        const set = new Set(ids);
        list = list.filter((r) => set.has(r.GroupId));
      }
      const p = page(list, cmd.input);
      return { SecurityGroupRules: p.items, NextToken: p.NextToken, $metadata: {} };
    }
    // Every other read of the load: nothing in it.
    return { $metadata: {} };
  };
  const config = { region: REGION, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' } };
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  (ec2 as any).send = send;
  (rds as any).send = send;
  const clients: RegionClients = { region: REGION, ec2, rds };
  return { clients, calls, peak };
}

const filteredCalls = (calls: Call[]) => calls.filter((c) => c.command === 'DescribeSecurityGroupRules' && (c.input.Filters as unknown[] | undefined)?.length);
const idsOf = (c: Call) => (c.input.Filters as { Values: string[] }[])[0]!.Values;

describe('reads: the parallel rules read of a big Region (issue 16)', () => {
  // 250 groups in pages of 100, 3 rules each: the first rules page (100) comes back full.
  const acc = account(250, 3);
  const o = { ec2PageSize: 100, rulesRetryDelayMs: 0 };

  it('reads by group-id batches once the first page comes back full: the same rules as the chain, no duplicates, in the groups order', async () => {
    const chain = await readRegion(fakeClients(acc).clients, { ...o, rulesStrategy: 'chain' });
    const { clients, calls, peak } = fakeClients(acc);
    const snap = await readRegion(clients, o);
    const ids = snap.rules.map((r) => r.ruleId);
    assert.equal(new Set(ids).size, ids.length, 'no rule twice');
    assert.deepEqual([...ids].sort(), chain.rules.map((r) => r.ruleId).sort(), 'the same rules as the one chain');
    assert.deepEqual(
      snap.rules.slice().sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
      chain.rules.slice().sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
    );
    // The batches split the groups, in the groups read's order, each at most RULES_BATCH ids.
    const batches = filteredCalls(calls).filter((c) => !c.input.NextToken);
    assert.deepEqual(batches.flatMap(idsOf).sort(), acc.groups.map((g) => g.GroupId).sort());
    assert.ok(batches.every((c) => idsOf(c).length <= RULES_BATCH));
    assert.ok(peak.filtered > 1, 'batches in flight together');
    // Stable: the groups' order, and a second load gives the same order.
    const groupOrder = new Map(acc.groups.map((g, i) => [g.GroupId, i]));
    const positions = snap.rules.map((r) => groupOrder.get(r.groupId)!);
    assert.ok(
      positions.every((p, i) => i === 0 || Math.floor(p / RULES_BATCH) >= Math.floor(positions[i - 1]! / RULES_BATCH)),
      'in batch order',
    );
    const again = await readRegion(fakeClients(acc).clients, o);
    assert.deepEqual(
      again.rules.map((r) => r.ruleId),
      ids,
    );
  });

  it('a small Region (the first page not full) and the chain strategy read one token chain, no batches', async () => {
    const small = account(10, 2);
    const a = fakeClients(small);
    const snap = await readRegion(a.clients, { ec2PageSize: 100 });
    assert.equal(snap.rules.length, 20);
    assert.equal(filteredCalls(a.calls).length, 0);
    const b = fakeClients(acc);
    assert.equal((await readRegion(b.clients, { ...o, rulesStrategy: 'chain' })).rules.length, 750);
    assert.equal(filteredCalls(b.calls).length, 0);
  });

  it('a throttled batch is asked again (fewer batches at once from then on) and the result is complete', async () => {
    let throttled = 0;
    const { clients, calls } = fakeClients(acc, {
      filtered: (c, ids) => {
        if (ids.includes('sg-120') && !c.input.NextToken && throttled++ === 0)
          throw Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' });
      },
    });
    const snap = await readRegion(clients, o);
    assert.equal(throttled, 2, 'the batch was asked twice');
    assert.equal(snap.failures, undefined);
    assert.equal(snap.rules.length, 750);
    assert.equal(new Set(snap.rules.map((r) => r.ruleId)).size, 750);
    assert.equal(filteredCalls(calls).filter((c) => idsOf(c).includes('sg-120') && !c.input.NextToken).length, 2);
  });

  it('cancellation is passed on to every batch in flight', async () => {
    const abort = new AbortController();
    let firstSeen!: () => void;
    const seen = new Promise<void>((r) => (firstSeen = r));
    const { clients, calls } = fakeClients(acc, {
      filtered: (c) => {
        firstSeen();
        // Held until cancelled, as a slow answer would be.
        return new Promise<void>((_r, reject) => {
          const fail = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
          if (c.signal?.aborted) fail();
          c.signal?.addEventListener('abort', fail);
        });
      },
    });
    const load = readRegion(clients, { ...o, abortSignal: abort.signal });
    await seen;
    abort.abort();
    await assert.rejects(load, { name: 'AbortError' });
    const batches = filteredCalls(calls);
    assert.ok(batches.length > 0);
    assert.ok(batches.every((c) => c.signal?.aborted));
  });

  it('when the groups read fails, the rules are read by the chain from the first page', async () => {
    const { clients, calls } = fakeClients(acc, { groupsError: Object.assign(new Error('not allowed'), { name: 'UnauthorizedOperation' }) });
    const snap = await readRegion(clients, o);
    assert.equal(snap.rules.length, 750);
    assert.deepEqual(
      snap.failures?.map((f) => f.read),
      ['groups'],
    );
    assert.equal(filteredCalls(calls).length, 0);
  });
});
