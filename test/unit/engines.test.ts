// Engine and cluster-kind labels: Aurora and RDS Multi-AZ DB clusters named as what they are, RDS
// Custom recognised (issue 13 defect 9).
import * as assert from 'node:assert/strict';
import { clusterEngineLabel, clusterKindLabel, clusterKindOf, engineLabel, isRdsCustom, rdsCustomRefusal } from '../../src/domain/engines';

describe('engines: DB cluster kinds and RDS Custom', () => {
  it('an aurora-* engine is an Aurora DB cluster; mysql / postgres with a cluster instance class a Multi-AZ DB cluster', () => {
    assert.equal(clusterKindOf('aurora-mysql'), 'aurora');
    assert.equal(clusterKindOf('aurora-postgresql', undefined), 'aurora');
    assert.equal(clusterKindOf('aurora'), 'aurora');
    assert.equal(clusterKindOf('mysql', 'db.m6gd.large'), 'multi-az');
    assert.equal(clusterKindOf('postgres', 'db.r6gd.xlarge'), 'multi-az');
    assert.equal(clusterKindOf('postgres'), 'multi-az', 'RDS has no other cluster of engine postgres');
    assert.equal(clusterKindOf('Aurora-MySQL', 'db.x'), 'aurora', 'case-insensitive, the engine decides first');
  });

  it('labels: the kind per row, never "Aurora" for a Multi-AZ DB cluster', () => {
    assert.equal(clusterKindLabel('aurora'), 'Aurora DB cluster');
    assert.equal(clusterKindLabel('multi-az'), 'Multi-AZ DB cluster');
    assert.equal(clusterKindLabel(undefined), 'DB cluster');
    assert.equal(clusterEngineLabel({ kind: 'aurora', engine: 'aurora-postgresql' }), 'Aurora PostgreSQL');
    assert.equal(clusterEngineLabel({ kind: 'multi-az', engine: 'postgres' }), 'Multi-AZ PostgreSQL');
    assert.equal(clusterEngineLabel({ kind: 'multi-az', engine: 'mysql' }), 'Multi-AZ MySQL');
    assert.doesNotMatch(clusterEngineLabel({ kind: 'multi-az', engine: 'mysql' }), /Aurora/);
    assert.equal(engineLabel('custom-oracle-ee'), 'custom-oracle-ee');
  });

  it('RDS Custom: the custom-* engines, and a refusal that names the instance and why', () => {
    for (const e of ['custom-oracle-ee', 'custom-oracle-ee-cdb', 'custom-sqlserver-se', 'custom-sqlserver-ee', 'custom-sqlserver-web'])
      assert.ok(isRdsCustom(e), e);
    for (const e of ['oracle-ee', 'sqlserver-se', 'mysql', 'postgres', 'aurora-mysql']) assert.ok(!isRdsCustom(e), e);
    assert.match(rdsCustomRefusal('erp', 'custom-oracle-ee'), /^erp is an RDS Custom DB instance \(custom-oracle-ee\): .*Nothing was changed\.$/);
  });
});
