// The message classes' decorators (class-transformer, class-validator) read
// design-time metadata when they load, so the polyfill comes first.
import 'reflect-metadata';

export { ContractError, ContractErrorCode, type FieldError } from './validation/contract.error';
export { encodeMessage, validateMessage } from './validation/validate-message';
export { subjectToken } from './validation/subject-token';

export { TENANT_SLUG_PATTERN, TenantStatus } from './tenant-events/tenant-status';
export {
  TENANT_EVENTS_WILDCARD,
  TenantEventKind,
  tenantEventSubject,
} from './tenant-events/tenant-events.subjects';
export { TenantEvent } from './tenant-events/tenant-event.message';

export {
  PROVISIONER_CONSUMER,
  PROVISIONING_COMMANDS_SUBJECT,
  PROVISIONING_STREAM,
  PROVISIONING_STREAM_DEFINITION,
} from './provisioning/provisioning.subjects';
export { ProvisioningAction, ProvisioningCommand } from './provisioning/provisioning-command.message';

export {
  INGEST_STREAM,
  INGEST_STREAM_DEFINITION,
  INGEST_STREAM_SUBJECTS,
  ingestSubject,
  ingestTenantFilter,
  ingestWriterConsumer,
} from './ingest/ingest.subjects';
export {
  AGENT_MESSAGE_ID_PATTERN,
  INGEST_MESSAGE_TYPE_PATTERN,
  IngestMessage,
  ingestMessageDedupId,
} from './ingest/ingest-message.message';
export { decodeIngestEnvelope, decodeIngestMessage } from './ingest/decode-ingest-message';
export { parseRfc3339 } from './ingest/rfc3339';
export {
  encodeIngestEnvelope,
  ingestEnvelopeDedupId,
  type IngestEnvelope,
  type IngestEnvelopeItem,
  type SerializedEnvelopeItem,
} from './ingest/ingest-envelope';

export {
  AGENT_LIMITS,
  AGENT_MESSAGE_TYPES,
  type AgentMessageType,
  type HeartbeatPayload,
  type SoftwareInventoryPayload,
  type SoftwarePackagePayload,
  type SystemInfoPayload,
} from './ingest/agent-payloads';
export {
  AGENT_PAYLOAD_RULES,
  MAX_IP_ADDRESSES,
  agentPayloadErrors,
  isAgentMessageType,
  type PayloadField,
  type PayloadRule,
  type PayloadShape,
} from './ingest/agent-payload.rules';

export { MIGRATE_TENANT_SUBJECT, MIGRATOR_QUEUE_GROUP } from './migrate/migrate.subjects';
export {
  MigrateTenantFailure,
  MigrateTenantReply,
  MigrateTenantRequest,
} from './migrate/migrate-tenant.message';
export {
  MIGRATOR_TENANT_VERSIONS_SUBJECT,
  TenantActualVersion,
  TenantVersionsReply,
  TenantVersionsRequest,
} from './migrate/tenant-versions.message';

export { NatsConnectionError, NatsConnectionErrorCode } from './nats/nats-connection.error';
export { NatsConnectionModule } from './nats/nats-connection.module';
export { NATS_CONNECTION, type NatsConnectionOptions } from './nats/nats-connection.options';
export { closeNatsConnection, openNatsConnection } from './nats/open-nats-connection';
export { ensureStream, type StreamDefinition } from './nats/ensure-stream';

export { HOST_EVENTS_WILDCARD, HostEvent, HostEventKind, hostEventSubject } from './hosts/host-events';
