// The context value of every Access tree row: what package.json's menus match (`viewItem`).
// Databases and their attached-group rows carry the database's state as a last segment, so a menu
// can offer a change only where AWS would accept it now (Associate on `cluster.available`, not on
// `cluster.busy`); commands that only read (copy, console, Who Can Reach) match any state by prefix.
// No vscode here: plain strings, unit-testable.

/**
 * A database's state as the menus see it:
 * - available: AWS accepts a change of its security groups now (the commands refuse anything else);
 * - busy: on its way somewhere (modifying, backing-up, rebooting, starting, stopping, upgrading, ...);
 * - stopped: stopped (it must be started before it is changed);
 * - other: failed, incompatible, being deleted, or not loaded.
 */
export type DbState = 'available' | 'busy' | 'stopped' | 'other';

export const DB_STATES: readonly DbState[] = ['available', 'busy', 'stopped', 'other'];

/** The state of a DB cluster or DB instance status as RDS reports it ('available', 'modifying', ...). */
export function dbState(status: string | undefined): DbState {
  if (!status) return 'other';
  if (status === 'available') return 'available';
  if (status === 'stopped') return 'stopped';
  if (/fail|error|incompatible|inaccessible|storage-full|delet/.test(status)) return 'other';
  return 'busy';
}

/** `cluster.available`, `cluster.busy`, `cluster.stopped`, `cluster.other`. */
export function clusterContext(status: string | undefined): string {
  return `cluster.${dbState(status)}`;
}

/**
 * `dbInstance.standalone.<state>` or `dbInstance.member.<state>`. A member's security groups are its
 * cluster's (a change on a member is made on the cluster), so a member carries its cluster's state.
 * An RDS Custom instance (`custom`, not in a cluster) is `dbInstance.custom.<state>`: no menu offers
 * it a group change, since ModifyDBInstance VpcSecurityGroupIds "doesn't apply to RDS Custom" (RDS
 * API Reference, ModifyDBInstanceMessage); the read-only commands match it by the `dbInstance` prefix.
 */
export function instanceContext(member: boolean, status: string | undefined, custom = false): string {
  return `dbInstance.${member ? 'member' : custom ? 'custom' : 'standalone'}.${dbState(status)}`;
}

/**
 * A security group row. Under its VPC: `group`, `group.default`, `group.missing`. Attached to a
 * database: `groupLink.cluster.<state>` / `groupLink.instance.<state>` (the database's state, which
 * decides whether it can be removed now), `groupLink.missing` when the group is not in the Region.
 * Under an RDS Custom instance (`custom`): `groupLink.instance.custom` in any state, which the
 * removal menu never matches (see instanceContext); the group's own commands still do.
 */
export function groupContext(o: {
  readonly found: boolean;
  readonly isDefault: boolean;
  readonly via?: 'cluster' | 'instance';
  readonly dbStatus?: string;
  readonly custom?: boolean;
}): string {
  if (!o.found) return o.via ? 'groupLink.missing' : 'group.missing';
  if (o.via === 'instance' && o.custom) return 'groupLink.instance.custom';
  if (o.via) return `groupLink.${o.via}.${dbState(o.dbStatus)}`;
  return o.isDefault ? 'group.default' : 'group';
}

export const REGION_CONTEXT = 'region';
export const VPC_CONTEXT = 'vpc';

export function sectionContext(section: 'vpcs' | 'clusters' | 'instances'): string {
  return `section.${section}`;
}

/** `readFailure`: a part of the Region that could not be read (a missing permission, most often). */
export function messageContext(error: boolean | undefined, readFailure?: boolean): string {
  return readFailure ? 'readFailure' : error ? 'error' : 'message';
}

export function directionContext(egress: boolean): string {
  return egress ? 'direction.outbound' : 'direction.inbound';
}

export function ruleContext(egress: boolean): string {
  return egress ? 'rule.outbound' : 'rule.inbound';
}
