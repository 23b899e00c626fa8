import {
  AGENT_LIMITS,
  AGENT_MESSAGE_ID_PATTERN,
  AGENT_MESSAGE_TYPES,
  agentPayloadErrors,
  isAgentMessageType,
  parseRfc3339,
  type AgentMessageType,
} from '@sysmanage/contracts';
import { AgentError, AgentErrorCode } from './agent-error';

/** One message of a batch that passed every check, ready to publish. */
export interface ValidAgentMessage {
  readonly id: string;
  readonly type: AgentMessageType;
  /** The agent's timestamp, normalised to UTC ISO 8601. */
  readonly timestamp: string;
  /** The payload exactly as the agent sent it (undeclared keys are kept). */
  readonly payload: Record<string, unknown>;
  /** The payload serialised (JSON.stringify), as the stream envelope carries it. */
  readonly payloadJson: string;
  /** The payload's serialised size in bytes (checked against maxPayloadBytes; sizes the stream envelopes). */
  readonly bytes: number;
}

export type BatchLimits = Pick<
  typeof AGENT_LIMITS,
  'maxBatchMessages' | 'maxPayloadBytes' | 'maxTimestampAgeMs' | 'maxTimestampSkewMs'
>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(code: AgentErrorCode, message: string, index?: number, field?: string): never {
  throw new AgentError(code, index === undefined ? message : `messages[${index}]: ${message}`, {
    ...(index === undefined ? {} : { index }),
    ...(field === undefined ? {} : { field }),
  });
}

function messagesOf(body: unknown, limits: BatchLimits): unknown[] {
  if (!isPlainObject(body) || !Array.isArray(body['messages'])) {
    fail(
      AgentErrorCode.INVALID_BATCH,
      'body must be an object with a `messages` array',
      undefined,
      'messages',
    );
  }
  const messages = body['messages'] as unknown[];
  if (messages.length === 0) fail(AgentErrorCode.EMPTY_BATCH, 'the batch has no messages');
  if (messages.length > limits.maxBatchMessages) {
    fail(
      AgentErrorCode.BATCH_TOO_LARGE,
      `the batch has ${messages.length} messages; at most ${limits.maxBatchMessages} are allowed`,
    );
  }
  return messages;
}

function timestampOf(value: unknown, index: number, now: number, limits: BatchLimits): string {
  const text = typeof value === 'string' ? value : '';
  // RFC 3339: a time and an offset are required, so the instant is unambiguous; the calendar is checked.
  const ms = parseRfc3339(text);
  if (ms === undefined) {
    fail(
      AgentErrorCode.INVALID_TIMESTAMP,
      'timestamp must be an ISO 8601 date-time with an offset (e.g. 2026-01-31T12:00:00Z)',
      index,
      'timestamp',
    );
  }
  if (ms > now + limits.maxTimestampSkewMs || ms < now - limits.maxTimestampAgeMs) {
    fail(
      AgentErrorCode.INVALID_TIMESTAMP,
      `timestamp ${text} is outside the accepted window (at most ${limits.maxTimestampSkewMs} ms ahead, ${limits.maxTimestampAgeMs} ms old)`,
      index,
      'timestamp',
    );
  }
  return isCanonical(text) ? text : new Date(ms).toISOString();
}

/**
 * Whether a valid RFC 3339 text is already what toISOString() would make of
 * it (`yyyy-mm-ddThh:mm:ss.sssZ`, as agents built on Date send it): then it
 * is kept as it is instead of formatted again.
 */
function isCanonical(text: string): boolean {
  return text.length === 24 && text[10] === 'T' && text[19] === '.' && text[23] === 'Z';
}

function payloadOf(
  type: AgentMessageType,
  value: unknown,
  index: number,
  limits: BatchLimits,
): { payload: Record<string, unknown>; payloadJson: string; bytes: number } {
  if (!isPlainObject(value))
    fail(AgentErrorCode.INVALID_PAYLOAD, 'payload must be an object', index, 'payload');
  const payloadJson = JSON.stringify(value);
  const bytes = Buffer.byteLength(payloadJson, 'utf8');
  if (bytes > limits.maxPayloadBytes) {
    fail(
      AgentErrorCode.PAYLOAD_TOO_LARGE,
      `payload is ${bytes} bytes; at most ${limits.maxPayloadBytes} are allowed`,
      index,
      'payload',
    );
  }
  const [first] = agentPayloadErrors(type, value);
  if (first) {
    const field = first.field ? `payload.${first.field}` : 'payload';
    fail(AgentErrorCode.INVALID_PAYLOAD, `${field}: ${first.constraints.join(', ')}`, index, field);
  }
  return { payload: value, payloadJson, bytes };
}

function messageAt(raw: unknown, index: number, now: number, limits: BatchLimits): ValidAgentMessage {
  if (!isPlainObject(raw)) fail(AgentErrorCode.INVALID_BATCH, 'each message must be an object', index);
  const id = raw['id'];
  if (typeof id !== 'string' || !AGENT_MESSAGE_ID_PATTERN.test(id)) {
    fail(AgentErrorCode.INVALID_BATCH, `id must match ${AGENT_MESSAGE_ID_PATTERN.source}`, index, 'id');
  }
  const type = raw['type'];
  if (!isAgentMessageType(type)) {
    fail(
      AgentErrorCode.UNKNOWN_MESSAGE_TYPE,
      `type must be one of ${AGENT_MESSAGE_TYPES.join(', ')}`,
      index,
      'type',
    );
  }
  const timestamp = timestampOf(raw['timestamp'], index, now, limits);
  return { id, type, timestamp, ...payloadOf(type, raw['payload'], index, limits) };
}

/**
 * Checks a whole `POST /messages` body before anything is published: one
 * failing message refuses the batch (all-or-nothing) with the code, index and
 * field of the first problem. `tenant_id`/`host_id` or any other key in the
 * body is ignored: the tenant and host come from the credential only.
 */
export function validateBatch(
  body: unknown,
  now: number,
  limits: BatchLimits = AGENT_LIMITS,
): ValidAgentMessage[] {
  const messages = messagesOf(body, limits);
  const seen = new Set<string>();
  return messages.map((raw, index) => {
    const message = messageAt(raw, index, now, limits);
    if (seen.has(message.id)) {
      fail(AgentErrorCode.DUPLICATE_MESSAGE_ID, `id ${message.id} occurs twice in the batch`, index, 'id');
    }
    seen.add(message.id);
    return message;
  });
}
