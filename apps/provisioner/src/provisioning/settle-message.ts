import type { JsMsg } from 'nats';
import type { Disposition } from './job-runner';
import { describeError } from './provisioner-error';
import { retryDelayMs, type WorkerSettings } from './worker-settings';

/** The parts of JsMsg the worker uses (a fake in unit tests). */
export type SettleableMessage = Pick<JsMsg, 'data' | 'working' | 'ack' | 'nak' | 'term'> & {
  info: Pick<JsMsg['info'], 'redeliveryCount'>;
};

export interface SettleLogger {
  error(message: string): void;
}

/**
 * Runs one delivery and settles it: ack once the outcome is recorded, nak with
 * the backoff delay for a retry, term for a command that can never succeed.
 * Sends `working()` every ack_wait/3 meanwhile, so a long step (a migration)
 * is not redelivered to another worker while this one is alive.
 */
export async function settleMessage(
  msg: SettleableMessage,
  runner: { run(data: Uint8Array): Promise<Disposition> },
  settings: WorkerSettings,
  logger: SettleLogger,
): Promise<void> {
  const heartbeat = setInterval(() => msg.working(), Math.max(500, Math.floor(settings.ackWaitMs / 3)));
  let disposition: Disposition;
  try {
    disposition = await runner.run(msg.data);
  } catch (error) {
    // The registry itself failed (nothing could be recorded): try again later, the job resumes where it was.
    const delayMs = retryDelayMs(settings, msg.info.redeliveryCount + 1);
    logger.error(
      `provisioning command could not be processed (${describeError(error)}); redelivery in ${delayMs} ms`,
    );
    disposition = { kind: 'retry', delayMs };
  } finally {
    clearInterval(heartbeat);
  }
  switch (disposition.kind) {
    case 'ack':
      msg.ack();
      break;
    case 'retry':
      msg.nak(disposition.delayMs);
      break;
    case 'drop':
      logger.error(`dropping provisioning command: ${disposition.reason}`);
      msg.term(disposition.reason);
      break;
  }
}
