export { currentContext, runWithContext, type RequestContext } from './context/request-context';
export { createLogger, LOG_LEVELS, type LogLevelName } from './logging/create-logger';
export { PinoLoggerService } from './logging/pino-logger.service';
export { REDACT_PATHS, REDACTED } from './logging/redaction';
export type { CheckOutcome, HealthCheck, ReadinessReport } from './health/health-check';
export { HealthChecks } from './health/health-checks';
export { provideHealthCheck } from './health/provide-health-check';
export { natsHealthCheck } from './health/nats-health-check';
export { postgresHealthCheck } from './health/postgres-health-check';
export { DEFAULT_CHECK_TIMEOUT_MS, runHealthChecks, type CheckFailure } from './health/run-health-checks';
export { REQUEST_ID_HEADER, resolveRequestId } from './http/request-id';
export { trackExchange, type ExchangeReporter } from './http/request-observer.middleware';
export { HttpMetrics } from './metrics/http-metrics';
export { metricsRegistry } from './metrics/metrics-registry';
export { ObservabilityError, ObservabilityErrorCode } from './observability.error';
export { ObservabilityModule } from './observability.module';
export type { ObservabilityOptions } from './observability.options';
export { OBSERVABILITY_OPTIONS, ROOT_LOGGER } from './observability.tokens';
export { startHttpService, type HttpServiceOptions } from './service/start-http-service';
export {
  defineServiceBootstrap,
  launchHttpService,
  runServiceMain,
  type LaunchOptions,
  type ServiceBootstrap,
  type ServiceBootstrapFn,
  type StartupGate,
  type ServiceIo,
} from './service/launch-http-service';
