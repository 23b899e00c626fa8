import {
  ensureStream,
  PROVISIONER_CONSUMER,
  PROVISIONING_COMMANDS_SUBJECT,
  PROVISIONING_STREAM,
  PROVISIONING_STREAM_DEFINITION,
} from '@sysmanage/contracts';
import { AckPolicy, type Consumer, DeliverPolicy, type NatsConnection, nanos, NatsError } from 'nats';

export interface ConsumerSettings {
  ackWaitMs: number;
  maxAttempts: number;
}

// JetStream API error codes: stream not found (the stream was deleted meanwhile), consumer not found.
const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

function isNotFound(error: unknown): boolean {
  const code = error instanceof NatsError ? error.api_error?.err_code : undefined;
  return code === STREAM_NOT_FOUND || code === CONSUMER_NOT_FOUND;
}

/**
 * The durable pull consumer `provisioner`, created when missing and updated to
 * the current ack wait / delivery bound otherwise. max_deliver is one more
 * than the job's attempts, so the delivery after the last attempt (the process
 * died during it) can still record the tenant as failed.
 */
export async function ensureProvisioningConsumer(
  nc: NatsConnection,
  settings: ConsumerSettings,
): Promise<Consumer> {
  const jsm = await nc.jetstreamManager();
  await ensureStream(jsm, PROVISIONING_STREAM_DEFINITION);
  const tuning = { ack_wait: nanos(settings.ackWaitMs), max_deliver: settings.maxAttempts + 1 };
  try {
    await jsm.consumers.info(PROVISIONING_STREAM, PROVISIONER_CONSUMER);
    await jsm.consumers.update(PROVISIONING_STREAM, PROVISIONER_CONSUMER, tuning);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(PROVISIONING_STREAM, {
      durable_name: PROVISIONER_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: PROVISIONING_COMMANDS_SUBJECT,
      ...tuning,
    });
  }
  return nc.jetstream().consumers.get(PROVISIONING_STREAM, PROVISIONER_CONSUMER);
}
