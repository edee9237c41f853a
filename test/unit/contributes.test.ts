// package.json "contributes": every string resolves in package.nls.json, nothing is contributed twice,
// and the menus offer a change of a database's groups only on a database AWS would change now.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clusterContext, DB_STATES, dbState, groupContext, instanceContext } from '../../src/tree/contextValues';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: Contributes; capabilities?: unknown };
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}
interface Contributes {
  commands: { command: string; title: string; category: string }[];
  menus: Record<string, MenuEntry[]>;
  [k: string]: unknown;
}

/** Every string under contributes, with its key path. */
function strings(x: unknown, at: string[] = []): [string[], string][] {
  if (typeof x === 'string') return [[at, x]];
  if (Array.isArray(x)) return x.flatMap((v, i) => strings(v, [...at, String(i)]));
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => strings(v, [...at, k]));
  return [];
}

/** The `viewItem` part of an Access-view `when` clause, evaluated for one context value (== and =~ only). */
function offeredOn(when: string | undefined, contextValue: string): boolean {
  const prefix = 'view == auroraSg.explorer && ';
  if (!when?.startsWith(prefix)) return false;
  const clause = when.slice(prefix.length);
  const eq = /^viewItem == (\S+)$/.exec(clause);
  if (eq) return contextValue === eq[1];
  const re = /^viewItem =~ \/(.*)\/$/.exec(clause);
  if (re) return new RegExp(re[1]).test(contextValue);
  throw new Error(`unexpected when clause: ${when}`);
}

describe('package.json contributes', () => {
  const c = pkg.contributes;

  it('every user-facing string is a %key% of package.nls.json, and every key is used', () => {
    const userFacing = new Set(['title', 'category', 'name', 'contextualTitle', 'contents', 'description', 'markdownDescription', 'patternErrorMessage']);
    const used = new Set<string>();
    // The manifest's other user-facing strings (capabilities.untrustedWorkspaces.description) are localized the same way.
    for (const [at, s] of [...strings(c), ...strings(pkg.capabilities, ['capabilities'])]) {
      const ref = /^%([^%]+)%$/.exec(s);
      if (ref) {
        assert.ok(ref[1] in nls, `${at.join('.')}: ${s} is not in package.nls.json`);
        used.add(ref[1]);
      } else {
        assert.ok(!userFacing.has(at[at.length - 1]), `${at.join('.')} is a literal: ${s}`);
      }
    }
    assert.deepEqual(
      Object.keys(nls).filter((k) => !used.has(k)),
      [],
      'unused keys',
    );
  });

  it('no command and no menu entry is contributed twice', () => {
    const ids = c.commands.map((x) => x.command);
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
    );
    for (const [menu, entries] of Object.entries(c.menus)) {
      const keys = entries.map((e) => JSON.stringify([e.command, e.when, e.group]));
      assert.deepEqual(
        keys.filter((k, i) => keys.indexOf(k) !== i),
        [],
        menu,
      );
      for (const e of entries) assert.ok(ids.includes(e.command), `${menu}: ${e.command} is not a contributed command`);
    }
  });

  it('Cancel Loading shows only while loading', () => {
    const cmd = c.commands.find((x) => x.command === 'auroraSg.cancelLoading');
    assert.ok(cmd);
    assert.equal(nls[cmd.title.slice(1, -1)], 'Cancel Loading');
    assert.deepEqual(
      c.menus['view/title'].filter((e) => e.command === 'auroraSg.cancelLoading').map((e) => e.when),
      ['view == auroraSg.explorer && auroraSg.loading'],
    );
    assert.deepEqual(
      c.menus.commandPalette.filter((e) => e.command === 'auroraSg.cancelLoading').map((e) => e.when),
      ['auroraSg.loading'],
    );
  });

  describe('menus follow the database state', () => {
    const menu = c.menus['view/item/context'];
    const commandsOn = (contextValue: string) => [...new Set(menu.filter((e) => offeredOn(e.when, contextValue)).map((e) => e.command))].sort();
    const changes = [
      'auroraSg.associateWithCluster',
      'auroraSg.associateWithInstance',
      'auroraSg.disassociateFromCluster',
      'auroraSg.disassociateFromInstance',
      'auroraSg.openWalkthrough',
    ];
    const rows = (status: string) => ({
      cluster: clusterContext(status),
      standalone: instanceContext(false, status),
      member: instanceContext(true, status),
      clusterLink: groupContext({ found: true, isDefault: false, via: 'cluster', dbStatus: status }),
      instanceLink: groupContext({ found: true, isDefault: false, via: 'instance', dbStatus: status }),
    });

    it('an available database offers what it offered before the states', () => {
      const r = rows('available');
      assert.deepEqual(commandsOn(r.cluster), [
        'auroraSg.allowMyIp',
        'auroraSg.associateWithCluster',
        'auroraSg.copyArn',
        'auroraSg.copyId',
        'auroraSg.explainPath',
        'auroraSg.openInConsole',
        'auroraSg.openWalkthrough',
        'auroraSg.refresh',
        'auroraSg.whoCanReach',
      ]);
      assert.deepEqual(commandsOn(r.standalone), [
        'auroraSg.allowMyIp',
        'auroraSg.associateWithInstance',
        'auroraSg.copyArn',
        'auroraSg.copyId',
        'auroraSg.explainPath',
        'auroraSg.openInConsole',
        'auroraSg.openWalkthrough',
        'auroraSg.refresh',
        'auroraSg.whoCanReach',
      ]);
      assert.ok(commandsOn(r.member).includes('auroraSg.associateWithInstance'));
      assert.ok(!commandsOn(r.member).includes('auroraSg.openWalkthrough'));
      assert.ok(commandsOn(r.clusterLink).includes('auroraSg.disassociateFromCluster'));
      assert.ok(commandsOn(r.instanceLink).includes('auroraSg.disassociateFromInstance'));
      for (const link of [r.clusterLink, r.instanceLink]) {
        for (const cmd of ['auroraSg.addInboundRule', 'auroraSg.addOutboundRule', 'auroraSg.revealGroup', 'auroraSg.copyId', 'auroraSg.refresh'])
          assert.ok(commandsOn(link).includes(cmd), `${cmd} on ${link}`);
      }
    });

    // RDS Custom: ModifyDBInstanceMessage VpcSecurityGroupIds "doesn't apply to RDS Custom DB instances" (RDS API Reference).
    for (const status of ['available', 'modifying', 'stopped', '']) {
      it(`an RDS Custom instance (${status || 'not loaded'}) is offered no change of its groups, and every read`, () => {
        const custom = instanceContext(false, status, true);
        assert.match(custom, /^dbInstance\.custom\./);
        const reads = commandsOn(rows(status).standalone).filter((cmd) => !changes.includes(cmd));
        assert.deepEqual(commandsOn(custom), reads);
        assert.ok(reads.includes('auroraSg.whoCanReach') && reads.includes('auroraSg.copyId'));
        const link = groupContext({ found: true, isDefault: false, via: 'instance', dbStatus: status, custom: true });
        assert.equal(link, 'groupLink.instance.custom');
        assert.deepEqual(
          commandsOn(link),
          commandsOn(rows('available').instanceLink).filter((cmd) => !changes.includes(cmd)),
          "its group rows keep the group's own commands (rules, reveal, copy), not Remove",
        );
      });
    }

    for (const status of ['modifying', 'backing-up', 'stopped', 'failed', 'deleting', '']) {
      it(`a database that is ${status || 'not loaded'} offers no change of its groups, and every read`, () => {
        const now = rows(status);
        const before = rows('available');
        for (const k of Object.keys(now) as (keyof typeof now)[]) {
          assert.deepEqual(
            commandsOn(now[k]),
            commandsOn(before[k]).filter((cmd) => !changes.includes(cmd)),
            `${k} (${now[k]})`,
          );
        }
      });
    }
  });
});

describe('contextValues', () => {
  it('sorts RDS statuses into four states', () => {
    const cases: Array<[string | undefined, string]> = [
      ['available', 'available'],
      ['modifying', 'busy'],
      ['backing-up', 'busy'],
      ['rebooting', 'busy'],
      ['starting', 'busy'],
      ['stopping', 'busy'],
      ['upgrading', 'busy'],
      ['creating', 'busy'],
      ['stopped', 'stopped'],
      ['failed', 'other'],
      ['incompatible-network', 'other'],
      ['inaccessible-encryption-credentials', 'other'],
      ['storage-full', 'other'],
      ['deleting', 'other'],
      ['', 'other'],
      [undefined, 'other'],
    ];
    for (const [status, state] of cases) assert.equal(dbState(status), state, String(status));
    assert.deepEqual([...new Set(cases.map(([s]) => dbState(s)))].sort(), [...DB_STATES].sort());
  });

  it('keeps the kind as a prefix', () => {
    assert.equal(clusterContext('modifying'), 'cluster.busy');
    assert.equal(instanceContext(false, 'available'), 'dbInstance.standalone.available');
    assert.equal(instanceContext(true, 'stopped'), 'dbInstance.member.stopped');
    assert.equal(instanceContext(false, 'available', true), 'dbInstance.custom.available');
    assert.equal(groupContext({ found: true, isDefault: true }), 'group.default');
    assert.equal(groupContext({ found: true, isDefault: false }), 'group');
    assert.equal(groupContext({ found: false, isDefault: false, via: 'cluster' }), 'groupLink.missing');
    assert.equal(groupContext({ found: true, isDefault: false, via: 'instance', dbStatus: 'available' }), 'groupLink.instance.available');
  });
});
