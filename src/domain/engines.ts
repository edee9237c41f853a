// Database engines: how to name them and their default ports, and the usual database ports.

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
