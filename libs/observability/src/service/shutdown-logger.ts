import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../observability.tokens';

/** Says when and why a service stops, so a restart in the logs has a visible cause. */
@Injectable()
export class ShutdownLogger implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly log: Logger;

  constructor(@Inject(ROOT_LOGGER) logger: Logger) {
    this.log = logger.child({ context: 'Shutdown' });
  }

  beforeApplicationShutdown(signal?: string): void {
    this.log.info({ signal: signal ?? null }, signal ? `shutting down on ${signal}` : 'shutting down');
  }

  onApplicationShutdown(): void {
    this.log.info('shutdown complete');
  }
}
