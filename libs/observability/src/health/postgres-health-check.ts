import type { HealthCheck } from './health-check';

/**
 * A database is ready when a trivial query round-trips. `query` runs it through
 * the service's own pool (e.g. `() => dataSource.query('SELECT 1')`), so the
 * check exercises the same connections the service uses.
 */
export function postgresHealthCheck(name: string, query: () => Promise<unknown>): HealthCheck {
  return {
    name,
    async check() {
      await query();
    },
  };
}
