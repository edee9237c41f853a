// The walkthrough's plan as code (src/domain/code): each action of the steps still to do as one
// change, groups created in the same plan referred to by their resource.
import type { CodeChange, CodeGroupRef } from '../code';
import type { RegionIndex } from '../model';
import type { ExecSpec, GroupRef } from './cli';

const ref = (g: GroupRef): CodeGroupRef => (g.groupId ? { groupId: g.groupId, groupName: g.groupName } : { groupName: g.groupName });
const byId =
  (idx: RegionIndex | undefined) =>
  (id: string): CodeGroupRef => ({ groupId: id, groupName: idx?.groupsById.get(id)?.groupName ?? id });

/** The changes the actions make, in order (reads make none). `idx` names existing groups and gives a cluster's engine. */
export function walkthroughChanges(execs: readonly ExecSpec[], idx?: RegionIndex): CodeChange[] {
  const named = byId(idx);
  return execs.flatMap((e): CodeChange[] => {
    switch (e.op) {
      case 'createGroup':
        return [{ op: 'group', group: { groupName: e.groupName }, vpcId: e.vpcId, description: e.description }];
      case 'authorizeIngress':
        return [
          {
            op: 'rule',
            group: ref(e.group),
            isEgress: false,
            protocol: 'tcp',
            fromPort: e.port,
            toPort: e.port,
            peer:
              e.peer.kind === 'group'
                ? e.peer.group.groupId
                  ? { kind: 'group', groupId: e.peer.group.groupId }
                  : { kind: 'newGroup', group: ref(e.peer.group) }
                : e.peer,
            description: e.description,
          },
        ];
      case 'setClusterGroups': {
        const c = idx?.clustersById.get(e.clusterId);
        return [{ op: 'databaseGroups', kind: 'cluster', id: e.clusterId, groups: [...e.current.map(named), ref(e.add)], ...(c ? { engine: c.engine } : {}) }];
      }
      case 'setDbInstanceGroups': {
        const i = idx?.instancesById.get(e.instanceId);
        return [
          {
            op: 'databaseGroups',
            kind: 'instance',
            id: e.instanceId,
            groups: [...e.current.map(named), ref(e.add)],
            ...(i ? { engine: i.engine, ...(i.instanceClass ? { instanceClass: i.instanceClass } : {}) } : {}),
          },
        ];
      }
      case 'setEc2Groups':
        return [
          {
            op: 'interfaceGroups',
            networkInterfaceId: e.networkInterfaceId,
            instanceId: e.instanceId,
            groups: [...e.current.map(named), ref(e.add)],
            current: [...e.current],
          },
        ];
      case 'read':
        return [];
    }
  });
}
