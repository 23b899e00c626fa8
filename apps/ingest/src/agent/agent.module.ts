import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { NATS_CONNECTION } from '@sysmanage/contracts';
import { ROOT_LOGGER } from '@sysmanage/observability';
import { EnrollmentRedeemer } from '@sysmanage/tenancy';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CredentialEvents } from '../auth/credential-events';
import { HostAuthenticator } from '../auth/host-authenticator';
import { HostCredentialCache } from '../auth/host-credential-cache';
import { registryCredentialLoader } from '../auth/registry-credential-loader';
import { IngestPublisher } from '../publish/ingest-publisher';
import { AgentMetrics } from './agent-metrics';
import { AgentProblemFilter } from './agent-problem.filter';
import { readAgentSettings } from './agent-settings';
import { AgentController, AgentFallbackController } from './agent.controller';
import { AGENT_OPTIONS, ENROLLMENT_REDEMPTION, HOST_AUTHENTICATOR, INGEST_PUBLISHER } from './agent.tokens';
import { MessageIntakeService } from './message-intake.service';
import { RegistrationService, type AgentOptions } from './registration.service';

/** Subscribes the credential cache to host and tenant events; creates INGEST at start when it can. */
@Injectable()
class AgentLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log: Logger;
  private events: CredentialEvents | null = null;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly cache: HostCredentialCache,
    @Inject(INGEST_PUBLISHER) private readonly publisher: IngestPublisher,
    @Inject(ROOT_LOGGER) private readonly root: Logger,
  ) {
    this.log = childLogger(root, 'AgentApi');
  }

  async onApplicationBootstrap(): Promise<void> {
    this.events = new CredentialEvents(this.nc, this.cache, childLogger(this.root, 'CredentialEvents'));
    await this.events.start();
    await this.publisher
      .ensureStream()
      .catch((error: unknown) =>
        this.log.warn({ err: error }, 'INGEST stream not ensured at start; retried at the first batch'),
      );
  }

  onApplicationShutdown(): void {
    this.events?.stop();
  }
}

function childLogger(parent: Logger, context: string): Logger {
  return parent.child({ context });
}

/**
 * The agent API: `POST /api/v1/agent/register` (Nest) and the providers
 * MessagesEndpoint serves `POST /api/v1/agent/messages` with. Needs TENANT_DATABASES.
 */
@Module({})
export class AgentModule {
  static forRoot(config: SysManageConfig, env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const settings = readAgentSettings(env, config.registry.poolSize);
    const options: AgentOptions = { multitenant: config.multitenancy.enabled, settings };
    return {
      module: AgentModule,
      controllers: [AgentController, AgentFallbackController],
      providers: [
        { provide: AGENT_OPTIONS, useValue: options },
        AgentMetrics,
        AgentProblemFilter,
        {
          provide: ENROLLMENT_REDEMPTION,
          inject: [DataSource],
          useFactory: (registry: DataSource) => new EnrollmentRedeemer(registry),
        },
        {
          provide: HostCredentialCache,
          inject: [DataSource],
          useFactory: (registry: DataSource) =>
            new HostCredentialCache(registryCredentialLoader(registry), settings.credentialCache),
        },
        {
          provide: HOST_AUTHENTICATOR,
          inject: [HostCredentialCache, AgentMetrics, ROOT_LOGGER],
          useFactory: (cache: HostCredentialCache, metrics: AgentMetrics, root: Logger) =>
            new HostAuthenticator(cache, childLogger(root, 'HostAuthenticator'), (hit) =>
              metrics.credentialLookup(hit),
            ),
        },
        {
          provide: INGEST_PUBLISHER,
          inject: [NATS_CONNECTION, ROOT_LOGGER],
          useFactory: (nc: NatsConnection, root: Logger) =>
            new IngestPublisher(nc, childLogger(root, 'IngestPublisher')),
        },
        RegistrationService,
        MessageIntakeService,
        AgentLifecycle,
      ],
    };
  }
}
