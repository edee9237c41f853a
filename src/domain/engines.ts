// Database engines: how to name them and their default ports, and the usual database ports.
import type { DbClusterKind } from './model';

const ENGINE_LABELS: Readonly<Record<string, string>> = {
  'aurora-mysql': 'Aurora MySQL',
  'aurora-postgresql': 'Aurora PostgreSQL',
  aurora: 'Aurora MySQL 5.6',
  mysql: 'MySQL',
  postgres: 'PostgreSQL',
  mariadb: 'MariaDB',
};

/** 'Aurora MySQL' for 'aurora-mysql'; unknown engines as AWS names them. */
export const engineLabel = (engine: string): string => (Object.hasOwn(ENGINE_LABELS, engine) ? ENGINE_LABELS[engine] : engine);

/**
 * Which kind of DB cluster DescribeDBClusters returned: 'aurora' for the aurora-* engines,
 * 'multi-az' for an RDS Multi-AZ DB cluster (engine mysql / postgres, DBClusterInstanceClass set:
 * RDS API Reference, DBCluster.DBClusterInstanceClass "Valid for Cluster Type: Multi-AZ DB
 * clusters only"). Any other engine with a cluster instance class is Multi-AZ too; the rest Aurora.
 */
export function clusterKindOf(engine: string, dbClusterInstanceClass?: string): DbClusterKind {
  const e = engine.toLowerCase();
  if (e.startsWith('aurora')) return 'aurora';
  return dbClusterInstanceClass || e === 'mysql' || e === 'postgres' ? 'multi-az' : 'aurora';
}

/** 'Aurora DB cluster' or 'Multi-AZ DB cluster' ('DB cluster' when the cluster is not known). */
export const clusterKindLabel = (kind: DbClusterKind | undefined): string =>
  kind === 'aurora' ? 'Aurora DB cluster' : kind === 'multi-az' ? 'Multi-AZ DB cluster' : 'DB cluster';

/** 'Aurora MySQL' for an Aurora cluster; 'Multi-AZ MySQL' for an RDS Multi-AZ DB cluster of engine mysql. */
export const clusterEngineLabel = (c: { readonly kind: DbClusterKind; readonly engine: string }): string =>
  c.kind === 'multi-az' ? `Multi-AZ ${engineLabel(c.engine)}` : engineLabel(c.engine);

/**
 * An RDS Custom instance (engine custom-oracle-ee, custom-sqlserver-se, ...): its security groups
 * cannot be changed with ModifyDBInstance (RDS API Reference, ModifyDBInstanceMessage
 * VpcSecurityGroupIds: "This setting doesn't apply to RDS Custom DB instances").
 */
export const isRdsCustom = (engine: string): boolean => engine.toLowerCase().startsWith('custom-');

/** Why an RDS Custom instance's groups are not changed here (see isRdsCustom): a UserError's text. */
export const rdsCustomRefusal = (instanceId: string, engine: string): string =>
  `${instanceId} is an RDS Custom DB instance (${engine}): RDS does not change the security groups of RDS Custom instances ` +
  '(ModifyDBInstance VpcSecurityGroupIds does not apply to them). Nothing was changed.';

/**
 * The engine's default port, for a database that reports none: 5432 for PostgreSQL engines
 * (postgres, aurora-postgresql), 1433 for SQL Server, 1521 for Oracle, 50000 for Db2, and 3306
 * for everything else (mysql, aurora-mysql, the legacy 'aurora' MySQL 5.6 engine, mariadb).
 */
export function defaultPortFor(engine: string): number {
  const e = engine.toLowerCase();
  if (e.includes('postgres')) return 5432;
  if (e.startsWith('sqlserver')) return 1433;
  if (e.startsWith('oracle')) return 1521;
  if (e.startsWith('db2')) return 50000;
  return 3306;
}

/** Engine ports of common databases: MySQL/Aurora MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Redis, Redshift. */
export const DATABASE_PORTS: readonly number[] = [3306, 5432, 1433, 1521, 27017, 6379, 5439];

/** Whether the port is a usual database port (see DATABASE_PORTS) or one of `extra`. */
export function isDatabasePort(port: number, extra: readonly number[] = []): boolean {
  return DATABASE_PORTS.includes(port) || extra.includes(port);
}
