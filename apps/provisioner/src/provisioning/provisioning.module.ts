import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { SysManageConfig, VaultConfig } from '@sysmanage/config';
import { NATS_CONNECTION } from '@sysmanage/contracts';
import { OpenBaoClient } from '@sysmanage/openbao';
import type { NatsConnection } from 'nats';
import type { Logger as PinoLogger } from 'pino';
import { DataSource } from 'typeorm';
import { JobStore } from '../saga/job-store';
import { TenantSagas } from '../saga/tenant-sagas';
import { JobRunner } from './job-runner';
import { ProvisioningWorker } from './provisioning-worker';
import { stepMetrics } from './step-metrics';
import { readWorkerSettings } from './worker-settings';

const WORKER_OPTIONS = Symbol('PROVISIONING_WORKER_OPTIONS');

interface WorkerOptions {
  vault: VaultConfig;
  logger: PinoLogger;
}

/** Builds the OpenBAO client and the worker at bootstrap, stops both at shutdown. */
@Injectable()
class ProvisioningWorkerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Provisioning');
  private worker: ProvisioningWorker | null = null;
  private openBao: OpenBaoClient | null = null;

  constructor(
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly ds: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const settings = readWorkerSettings(process.env);
    if (settings.crashAfterStep !== null)
      this.logger.warn(`TEST HOOK: the process kills itself after step ${settings.crashAfterStep}`);
    const { vault, logger } = this.options;
    this.openBao = await OpenBaoClient.fromConfig(vault, { logger: logger.child({ context: 'OpenBao' }) });
    const store = new JobStore(this.ds);
    const sagas = new TenantSagas({
      store,
      openBao: this.openBao,
      nc: this.nc,
      databaseMount: vault.databaseMountPath,
      kvMount: vault.mountPath,
      migrateTimeoutMs: settings.migrateTimeoutMs,
    });
    const runner = new JobRunner(store, sagas, this.nc, settings, new Logger('JobRunner'), stepMetrics());
    this.worker = new ProvisioningWorker(this.nc, runner, settings);
    await this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
    this.openBao?.close();
  }
}

@Injectable()
class ProvisioningDisabledNotice implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    new Logger('Provisioning').log(
      'provisioning worker not started: multitenancy.enabled is false (collapsed mode has one implicit tenant and nothing to provision)',
    );
  }
}

/**
 * The provisioning saga worker. With multi-tenancy off it does not start (and
 * says why); with it on, the config loader has already required a `vault:` block.
 */
@Module({})
export class ProvisioningModule {
  static forRoot(config: SysManageConfig, logger: PinoLogger): DynamicModule {
    if (!config.multitenancy.enabled || config.vault === null) {
      return { module: ProvisioningModule, providers: [ProvisioningDisabledNotice] };
    }
    return {
      module: ProvisioningModule,
      providers: [
        { provide: WORKER_OPTIONS, useValue: { vault: config.vault, logger } },
        ProvisioningWorkerLifecycle,
      ],
    };
  }
}
