import { Inject, Injectable } from '@nestjs/common';
import { ObservabilityError, ObservabilityErrorCode } from '../observability.error';
import { OBSERVABILITY_OPTIONS } from '../observability.tokens';
import type { ObservabilityOptions } from '../observability.options';
import type { HealthCheck } from './health-check';

/**
 * The checks `/health/ready` runs: those given to forRoot plus those modules
 * register once their dependency exists (a DataSource, a NATS connection), which
 * is usually after the module graph is declared.
 */
@Injectable()
export class HealthChecks {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions) {
    for (const check of options.checks) this.register(check);
  }

  register(check: HealthCheck): void {
    if (this.checks.has(check.name)) {
      // Two checks with one name would hide each other's result in the report.
      throw new ObservabilityError(
        ObservabilityErrorCode.DUPLICATE_CHECK,
        `health check "${check.name}" is already registered`,
      );
    }
    this.checks.set(check.name, check);
  }

  list(): HealthCheck[] {
    return [...this.checks.values()];
  }
}
