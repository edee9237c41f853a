// The arguments of the four association commands, from `unknown` to typed: a tree node (a cluster,
// a DB instance, a group shown under a database) or an object such as { region, clusterId, groupIds }
// / { region, dbInstanceId, groupId }. Bad input is refused here with a specific UserError, before
// anything is read or asked; what is missing is asked for by the command.
import type { DbCluster, DbInstance, RegionIndex } from '../domain/model';
import type { DatabaseKind } from '../ops/databaseGroups';
import { UserError } from '../ops/userError';
import { groupIdList, isNode, regionArg } from './args';

export interface DatabaseArgs {
  readonly kind: DatabaseKind;
  /** Not yet checked against the Region pattern (pickRegion does that). */
  readonly region?: string;
  /** The cluster id or DB instance id; asked for when missing. */
  readonly id?: string;
  /** The groups to associate (asked for when missing) or to remove. */
  readonly groupIds?: readonly string[];
}

export interface RemoveArgs extends DatabaseArgs {
  readonly id: string;
  readonly groupIds: readonly string[];
}

/** The argument that names the database, per kind. */
export const idField = (kind: DatabaseKind) => (kind === 'cluster' ? 'clusterId' : 'dbInstanceId');

function objectArgs(arg: unknown, kind: DatabaseKind): Record<string, unknown> {
  if (arg === undefined || arg === null) return {};
  if (typeof arg !== 'object' || Array.isArray(arg)) {
    throw new UserError(`The arguments must be a tree node or an object such as { region, ${idField(kind)}, groupIds }.`);
  }
  return arg as Record<string, unknown>;
}

// One Region parser for every command's arguments (args.ts): a value whose String() throws is refused too.
const region = regionArg;

/** A required id: text, not blank. */
function id(v: unknown, name: string): string {
  if (typeof v !== 'string' || !v.trim()) throw new UserError(`The argument "${name}" is required.`);
  return v.trim();
}

/** associateWithCluster / associateWithInstance: a database node, or { region, clusterId | dbInstanceId, groupIds }. */
export function associateArgs(kind: DatabaseKind, arg: unknown): DatabaseArgs {
  if (isNode(arg)) {
    // A cluster takes a cluster node or one of its instances; an instance takes its node. Any other node asks.
    const nodeId =
      kind === 'cluster'
        ? arg.kind === 'cluster'
          ? arg.clusterId
          : arg.kind === 'dbInstance'
            ? arg.clusterId
            : undefined
        : arg.kind === 'dbInstance'
          ? arg.instanceId
          : undefined;
    return { kind, region: arg.region, id: nodeId === undefined ? undefined : id(nodeId, idField(kind)) };
  }
  const a = objectArgs(arg, kind);
  const given = a[idField(kind)];
  return {
    kind,
    region: region(a.region),
    id: given === undefined || given === null || given === '' ? undefined : id(given, idField(kind)),
    groupIds: a.groupIds === undefined ? undefined : groupIdList(a.groupIds, 'groupIds'),
  };
}

/** disassociateFromCluster / disassociateFromInstance: a group node under the database, or { region, clusterId | dbInstanceId, groupId | groupIds }. */
export function removeArgs(kind: DatabaseKind, arg: unknown): RemoveArgs {
  let out: RemoveArgs;
  if (isNode(arg)) {
    const via = arg.kind === 'group' ? arg.via : undefined;
    out = {
      kind,
      region: arg.region,
      id: id(kind === 'cluster' ? via?.clusterId : via?.instanceId, idField(kind)),
      groupIds: arg.kind === 'group' ? groupIdList([arg.groupId], 'The groups to remove') : [],
    };
  } else {
    const a = objectArgs(arg, kind);
    const groups = a.groupIds ?? (a.groupId !== undefined ? [a.groupId] : []);
    out = { kind, region: region(a.region), id: id(a[idField(kind)], idField(kind)), groupIds: groupIdList(groups, 'The groups to remove') };
  }
  if (!out.groupIds.length) throw new UserError('No group was given to remove.');
  return out;
}

/** The database an id names, as the loaded Region knows it; refused when the Region has none such. */
export function knownDatabase(idx: RegionIndex, kind: DatabaseKind, region: string, dbId: string): DbCluster | DbInstance {
  const d = kind === 'cluster' ? idx.clustersById.get(dbId) : idx.instancesById.get(dbId);
  if (!d) throw new UserError(`${kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${dbId} is not in ${region}. Refresh the tree or check the id.`);
  return d;
}
