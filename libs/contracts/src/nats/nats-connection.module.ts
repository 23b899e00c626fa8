import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { natsHealthCheck, provideHealthCheck } from '@sysmanage/observability';
import type { NatsConnection } from 'nats';
import { closeNatsConnection, openNatsConnection } from './open-nats-connection';
import {
  NATS_CONNECTION,
  NATS_CONNECTION_OPTIONS,
  type NatsConnectionOptions,
} from './nats-connection.options';

const DEFAULT_DRAIN_TIMEOUT_MS = 5_000;

@Injectable()
class NatsConnectionCloser implements OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(NATS_CONNECTION_OPTIONS) private readonly options: NatsConnectionOptions,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await closeNatsConnection(this.nc, this.options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
  }
}

/**
 * The process's one NATS connection, injectable everywhere as NATS_CONNECTION;
 * drained at shutdown; registered as the `nats` readiness check.
 */
@Module({})
export class NatsConnectionModule {
  static forRoot(options: NatsConnectionOptions): DynamicModule {
    return {
      module: NatsConnectionModule,
      global: true,
      providers: [
        { provide: NATS_CONNECTION_OPTIONS, useValue: options },
        { provide: NATS_CONNECTION, useFactory: () => openNatsConnection(options) },
        NatsConnectionCloser,
        // /health/ready then covers NATS in every service that has ObservabilityModule.
        provideHealthCheck(NATS_CONNECTION, (nc: NatsConnection) => natsHealthCheck(() => nc)),
      ],
      exports: [NATS_CONNECTION],
    };
  }
}
