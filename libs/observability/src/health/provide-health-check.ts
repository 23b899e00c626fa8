import type { InjectionToken, Provider } from '@nestjs/common';
import type { HealthCheck } from './health-check';
import { HealthChecks } from './health-checks';

let sequence = 0;

/**
 * A provider that, once `dependency` exists, registers the check `build`
 * makes from it with /health/ready, e.g.
 * `provideHealthCheck(DataSource, (ds: DataSource) => postgresHealthCheck('database', () => ds.query('SELECT 1')))`.
 * Without ObservabilityModule in the app (a CLI, a unit test) it does nothing.
 */
export function provideHealthCheck<T>(
  dependency: InjectionToken,
  build: (dependency: T) => HealthCheck,
): Provider {
  sequence += 1;
  return {
    provide: Symbol(`health-check-registration-${sequence}`),
    inject: [{ token: HealthChecks, optional: true }, dependency],
    useFactory: (checks: HealthChecks | undefined, dep: T) => {
      const check = build(dep);
      checks?.register(check);
      return check;
    },
  };
}
