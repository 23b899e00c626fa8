import { pino, stdTimeFunctions, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { ObservabilityError, ObservabilityErrorCode } from '../observability.error';
import { currentContext } from '../context/request-context';
import { REDACT_PATHS, REDACTED } from './redaction';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * The process's root logger: one JSON object per line with `time` (ISO 8601),
 * `level` (name, not number), `service`, `msg`, and the `requestId`/`tenantId`
 * of the current request context when there is one. Secrets are censored by
 * path (see REDACT_PATHS). `destination` defaults to stdout; tests pass a stream
 * to read what was written.
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ObservabilityError(
      ObservabilityErrorCode.INVALID_LOG_LEVEL,
      `log level "${level}" is not one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  const options: LoggerOptions = {
    level,
    base: { service, pid: process.pid },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const ctx = currentContext();
      if (!ctx) return {};
      const fields: Record<string, string> = {};
      if (ctx.requestId !== undefined) fields['requestId'] = ctx.requestId;
      if (ctx.tenantId !== undefined) fields['tenantId'] = ctx.tenantId;
      return fields;
    },
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
  };
  // pino's default destination buffers stdout writes and flushes them on process 'exit';
  // services therefore end through process.exit() (see startHttpService), never a bare signal.
  return destination ? pino(options, destination) : pino(options);
}
