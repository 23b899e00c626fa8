import { Logger } from '@nestjs/common';
import type { Consumer, JsMsg, NatsConnection } from 'nats';
import type { JobRunner } from './job-runner';
import { describeError } from './provisioner-error';
import { settleMessage } from './settle-message';
import { ensureProvisioningConsumer } from './provisioning-consumer';
import { retryDelayMs, type WorkerSettings } from './worker-settings';

/** How long one pull waits for a message; bounds how long stop() waits for the loop. */
const PULL_EXPIRES_MS = 2_000;

/**
 * Pulls provisioning commands one at a time from the durable consumer and
 * settles each only after JobRunner recorded its outcome. While a job runs,
 * `working()` heartbeats keep JetStream from redelivering it; if the process
 * dies, the heartbeats stop and the message comes back after ack_wait.
 */
export class ProvisioningWorker {
  private readonly logger = new Logger('ProvisioningWorker');
  private stopping = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly runner: JobRunner,
    private readonly settings: WorkerSettings,
  ) {}

  async start(): Promise<void> {
    const consumer = await ensureProvisioningConsumer(this.nc, this.settings);
    this.logger.log(
      `consuming provisioning commands (ack wait ${this.settings.ackWaitMs} ms, ${this.settings.maxAttempts} attempts)`,
    );
    this.loop = this.consume(consumer);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  private async consume(consumer: Consumer): Promise<void> {
    let failures = 0;
    while (!this.stopping && !this.nc.isClosed()) {
      try {
        const msg = await consumer.next({ expires: PULL_EXPIRES_MS });
        failures = 0;
        if (msg) await this.handle(msg);
      } catch (error) {
        failures += 1;
        if (this.stopping || this.nc.isClosed()) break;
        // NATS restarting or the stream being recreated: wait and pull again.
        const delay = retryDelayMs({ ...this.settings, backoffBaseMs: 500, backoffMaxMs: 10_000 }, failures);
        this.logger.warn(
          `pulling from the provisioning consumer failed (${describeError(error)}); retrying in ${delay} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private handle(msg: JsMsg): Promise<void> {
    return settleMessage(msg, this.runner, this.settings, this.logger);
  }
}
