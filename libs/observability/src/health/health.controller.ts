import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Logger } from 'pino';
import { OBSERVABILITY_OPTIONS, ROOT_LOGGER } from '../observability.tokens';
import type { ObservabilityOptions } from '../observability.options';
import type { ReadinessReport } from './health-check';
import { HealthChecks } from './health-checks';
import { DEFAULT_CHECK_TIMEOUT_MS, runHealthChecks } from './run-health-checks';

@Controller('health')
export class HealthController {
  private readonly log: Logger;
  private readonly timeoutMs: number;

  constructor(
    private readonly checks: HealthChecks,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions,
  ) {
    this.log = logger.child({ context: HealthController.name });
    this.timeoutMs = options.readyTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  }

  /** Liveness: the process runs and its event loop answers; dependencies do not matter here. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every dependency check passes within its timeout, else 503 naming the failures. */
  @Get('ready')
  async ready(): Promise<ReadinessReport> {
    const report = await runHealthChecks(this.checks.list(), this.timeoutMs, ({ name, error }) =>
      this.log.warn({ check: name, err: error }, `readiness check "${name}" failed`),
    );
    if (report.status !== 'ok') {
      throw new HttpException(report, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return report;
  }
}
