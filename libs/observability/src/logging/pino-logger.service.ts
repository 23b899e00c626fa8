import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

// Nest passes its own stack traces as a string argument; this is how they look.
const STACK_LINE = /\n\s+at /;

/**
 * Nest's LoggerService on top of pino, so Nest's own lines (and every
 * `new Logger(SomeClass.name)`) come out as the same JSON as ours, with the
 * class name in `context`. Nest's convention: the last string argument is the
 * context; `error(message, stack, context)` carries the stack first.
 */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const rest = [...params];
    const fields: Record<string, unknown> = {};
    const last = rest[rest.length - 1];
    if (typeof last === 'string' && !(rest.length === 1 && STACK_LINE.test(last))) {
      fields['context'] = last;
      rest.pop();
    }
    const stack = rest.find((p): p is string => typeof p === 'string' && STACK_LINE.test(p));
    if (stack) fields['stack'] = stack;

    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
