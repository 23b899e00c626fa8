import type { StreamDefinition } from '../nats/ensure-stream';

/** JetStream work-queue stream of provisioning commands: each command is processed once. */
export const PROVISIONING_STREAM = 'PROVISIONING';
export const PROVISIONING_COMMANDS_SUBJECT = 'sysmanage.provisioning.commands';
/** The provisioner's durable pull consumer on PROVISIONING_STREAM. */
export const PROVISIONER_CONSUMER = 'provisioner';

/** The stream as every service creates it: work-queue retention, file storage (ensureStream's defaults). */
export const PROVISIONING_STREAM_DEFINITION: StreamDefinition = {
  name: PROVISIONING_STREAM,
  subjects: [PROVISIONING_COMMANDS_SUBJECT],
};
