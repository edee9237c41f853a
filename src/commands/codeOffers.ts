// The "Copy as Code" offer and the drift warning of a database group-list confirmation (associate,
// remove): the whole new list as code, and "Copy as Code Instead" when a tool manages the database.
import { databaseGroupsChange, driftWarning, managedBy } from '../domain/code';
import type { DbCluster, DbInstance, RegionIndex } from '../domain/model';
import type { Ext } from '../ext';
import type { CodeOffer } from '../ui/prompter';

export function databaseListOffer(
  ext: Ext,
  idx: RegionIndex,
  kind: 'cluster' | 'instance',
  db: DbCluster | DbInstance,
  id: string,
  after: readonly string[],
  title: string,
): { drift: string; code: CodeOffer } {
  const managed = managedBy(db.tags, ext.settings.managedByTags);
  return {
    drift: driftWarning(`${kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${id}`, managed),
    code: {
      title: `${title} (the whole list: ${after.join(', ')})`,
      region: idx.snapshot.region,
      changes: () => [databaseGroupsChange(kind, db, id, after, idx)],
      instead: !!managed,
    },
  };
}
