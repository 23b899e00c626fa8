import type { Logger } from 'pino';
import type { HealthCheck } from './health/health-check';

export interface ObservabilityOptions {
  /** Service name: the `service` label of every metric. */
  service: string;
  /** The root logger (createLogger); access lines and check failures go here. */
  logger: Logger;
  /** Readiness checks known up front; more can be added through HealthChecks.register. */
  checks: HealthCheck[];
  /** Per-check timeout of /health/ready, default 2 s. */
  readyTimeoutMs?: number;
}
