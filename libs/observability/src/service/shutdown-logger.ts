import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../observability.tokens';

/**
 * Says when and why a service stops, so a restart in the logs has a visible
 * cause. Only the start of the shutdown: Nest runs the modules' shutdown hooks
 * in no order we control, so "complete" could not honestly be said here; each
 * dependency logs its own close.
 */
@Injectable()
export class ShutdownLogger implements BeforeApplicationShutdown {
  private readonly log: Logger;

  constructor(@Inject(ROOT_LOGGER) logger: Logger) {
    this.log = logger.child({ context: 'Shutdown' });
  }

  beforeApplicationShutdown(signal?: string): void {
    this.log.info({ signal: signal ?? null }, signal ? `shutting down on ${signal}` : 'shutting down');
  }
}
