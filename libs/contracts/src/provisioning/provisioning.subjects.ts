/** JetStream work-queue stream of provisioning commands: each command is processed once. */
export const PROVISIONING_STREAM = 'PROVISIONING';
export const PROVISIONING_COMMANDS_SUBJECT = 'sysmanage.provisioning.commands';
/** The provisioner's durable pull consumer on PROVISIONING_STREAM. */
export const PROVISIONER_CONSUMER = 'provisioner';
