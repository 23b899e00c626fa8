import { Inject, Injectable } from '@nestjs/common';
import {
  encodeMessage,
  ensureStream,
  NATS_CONNECTION,
  PROVISIONING_COMMANDS_SUBJECT,
  PROVISIONING_STREAM,
  PROVISIONING_STREAM_DEFINITION,
  type ProvisioningCommand,
} from '@sysmanage/contracts';
import type { NatsConnection } from 'nats';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';

const PUBLISH_TIMEOUT_MS = 5_000;

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Publishes provisioning commands to the PROVISIONING work-queue stream and
 * returns only once JetStream acknowledged them (stored). Creates the stream
 * (file storage, work-queue retention) when it is missing. The job id is the
 * message id, so a retried publish of the same job is deduplicated.
 */
@Injectable()
export class ProvisioningPublisher {
  private streamReady: Promise<void> | null = null;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async publish(command: ProvisioningCommand): Promise<void> {
    try {
      await this.ensureStream();
      await this.nc.jetstream().publish(PROVISIONING_COMMANDS_SUBJECT, encodeMessage(command), {
        msgID: command.jobId,
        expect: { streamName: PROVISIONING_STREAM },
        timeout: PUBLISH_TIMEOUT_MS,
      });
    } catch (error) {
      throw new RegistryError(
        RegistryErrorCode.PROVISIONING_UNAVAILABLE,
        `the provisioning queue did not accept job ${command.jobId}: ${reason(error)}; retry the request`,
      );
    }
  }

  private ensureStream(): Promise<void> {
    this.streamReady ??= this.createStreamIfMissing().catch((error: unknown) => {
      this.streamReady = null; // try again on the next publish
      throw error;
    });
    return this.streamReady;
  }

  private async createStreamIfMissing(): Promise<void> {
    await ensureStream(await this.nc.jetstreamManager(), PROVISIONING_STREAM_DEFINITION);
  }
}
