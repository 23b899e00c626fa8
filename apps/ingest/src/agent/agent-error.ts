/** Stable machine-readable codes of the agent API (the `code` of every problem+json body). */
export enum AgentErrorCode {
  MALFORMED_JSON = 'malformed_json',
  PAYLOAD_TOO_LARGE = 'payload_too_large',
  BATCH_TOO_LARGE = 'batch_too_large',
  EMPTY_BATCH = 'empty_batch',
  /** The body is JSON but not `{messages: [...]}`, or a message is not an object with a valid id. */
  INVALID_BATCH = 'invalid_batch',
  UNKNOWN_MESSAGE_TYPE = 'unknown_message_type',
  INVALID_TIMESTAMP = 'invalid_timestamp',
  INVALID_PAYLOAD = 'invalid_payload',
  DUPLICATE_MESSAGE_ID = 'duplicate_message_id',
  /** A registration body that fails its field rules. */
  VALIDATION_FAILED = 'validation_failed',
  INVALID_HOST_CREDENTIAL = 'invalid_host_credential',
  ENROLLMENT_REFUSED = 'enrollment_refused',
  TENANT_SUSPENDED = 'tenant_suspended',
  ROUTE_NOT_FOUND = 'route_not_found',
  TENANT_UNAVAILABLE = 'tenant_unavailable',
  INGEST_UNAVAILABLE = 'ingest_unavailable',
  INTERNAL_ERROR = 'internal_error',
}

/** Where in the request a problem is: the batch index of the message and the dotted field. */
export interface AgentProblemLocation {
  index?: number;
  field?: string;
}

/**
 * What every layer of the agent API throws. Inner layers never throw HTTP
 * exceptions: the agent problem filter maps `code` to the HTTP status.
 * `message` is what the agent reads, so it never says why an enrollment or a
 * credential was refused (the log does).
 */
export class AgentError extends Error {
  override readonly name = 'AgentError';

  constructor(
    readonly code: AgentErrorCode,
    message: string,
    readonly location: AgentProblemLocation = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
