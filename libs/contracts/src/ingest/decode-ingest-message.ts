import { ContractError, ContractErrorCode, type FieldError } from '../validation/contract.error';
import type { IngestEnvelope } from './ingest-envelope';
import {
  AGENT_MESSAGE_ID_PATTERN,
  INGEST_MESSAGE_TYPE_PATTERN,
  type IngestMessage,
} from './ingest-message.message';

import { parseRfc3339 } from './rfc3339';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Check = (value: unknown) => boolean;

const isString =
  (pattern: RegExp): Check =>
  (value) =>
    typeof value === 'string' && pattern.test(value);
// RFC 3339, as ingest writes it (toISOString) and agents send it.
const isDateTime: Check = (value) => typeof value === 'string' && parseRfc3339(value) !== undefined;
const isObject: Check = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

type Rule = readonly [field: string, check: Check, constraint: string];

const RULES = {
  messageId: [isString(AGENT_MESSAGE_ID_PATTERN), 'messageId must match ^[A-Za-z0-9._:-]{1,128}$'],
  tenantId: [isString(UUID), 'tenantId must be a UUID'],
  hostId: [isString(UUID), 'hostId must be a UUID'],
  type: [isString(INGEST_MESSAGE_TYPE_PATTERN), 'type must match ^[a-z][a-z0-9_]{0,63}$'],
  timestamp: [isDateTime, 'timestamp must be a valid ISO 8601 date-time'],
  receivedAt: [isDateTime, 'receivedAt must be a valid ISO 8601 date-time'],
  payload: [isObject, 'payload must be an object'],
} as const satisfies Record<keyof IngestMessage, readonly [Check, string]>;

function rules(...fields: Array<keyof typeof RULES>): Rule[] {
  return fields.map((field) => [field, ...RULES[field]] as const);
}

/** A single IngestMessage; an envelope's own fields; each of its messages' fields. */
const MESSAGE_RULES = rules('messageId', 'tenantId', 'hostId', 'type', 'timestamp', 'receivedAt', 'payload');
const ENVELOPE_RULES = rules('tenantId', 'hostId', 'type', 'receivedAt');
const ITEM_RULES = rules('messageId', 'timestamp', 'payload');

function parseObject(data: Uint8Array | string, name: string): Record<string, unknown> {
  const text =
    typeof data === 'string'
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ContractError(ContractErrorCode.INVALID_JSON, `${name} is not valid JSON: ${reason}`);
  }
  if (!isObject(value)) {
    throw new ContractError(ContractErrorCode.INVALID_MESSAGE, `${name} must be a JSON object`, [
      { field: '', constraints: ['must be an object'] },
    ]);
  }
  return value as Record<string, unknown>;
}

function check(
  record: Record<string, unknown>,
  fields: readonly Rule[],
  failed: FieldError[],
  prefix = '',
): void {
  for (const [field, test, constraint] of fields) {
    if (!test(record[field])) failed.push({ field: `${prefix}${field}`, constraints: [constraint] });
  }
}

function refuseIfFailed(name: string, failed: readonly FieldError[]): void {
  if (failed.length === 0) return;
  const shown = failed.slice(0, 5).map((f) => `${f.field}: ${f.constraints[0] ?? ''}`);
  const more = failed.length > shown.length ? ` (and ${failed.length - shown.length} more)` : '';
  throw new ContractError(
    ContractErrorCode.INVALID_MESSAGE,
    `${name} is invalid: ${shown.join('; ')}${more}`,
    [...failed],
  );
}

function pick(record: Record<string, unknown>): IngestMessage {
  return {
    messageId: record['messageId'] as string,
    tenantId: record['tenantId'] as string,
    hostId: record['hostId'] as string,
    type: record['type'] as string,
    timestamp: record['timestamp'] as string,
    receivedAt: record['receivedAt'] as string,
    payload: record['payload'] as Record<string, unknown>,
  };
}

/**
 * The same contract as `validateMessage(IngestMessage, data)`, checked by hand:
 * class-transformer's deep copy of the payload plus class-validator cost about
 * a tenth of ingest's CPU under load (tools/bench/ingest profile). Returns a
 * plain object with exactly the contract's fields; throws ContractError
 * (INVALID_JSON | INVALID_MESSAGE) naming every failed field.
 */
export function decodeIngestMessage(data: Uint8Array | string): IngestMessage {
  return singleMessage(parseObject(data, 'IngestMessage'));
}

/** A parsed object checked as one IngestMessage. */
function singleMessage(record: Record<string, unknown>): IngestMessage {
  const failed: FieldError[] = [];
  check(record, MESSAGE_RULES, failed);
  refuseIfFailed('IngestMessage', failed);
  return pick(record);
}

/**
 * Decodes one INGEST stream message into its agent messages: an
 * IngestEnvelope (what ingest publishes) or a single IngestMessage (what
 * earlier ingest versions published). Each returned message carries the
 * envelope's tenant, host, type and receivedAt. Throws ContractError naming
 * every failed field (`messages[3].timestamp`); nothing is returned from a
 * stream message with any invalid part.
 */
export function decodeIngestEnvelope(data: Uint8Array | string): IngestMessage[] {
  const record = parseObject(data, 'IngestEnvelope');
  if (!('messages' in record)) return [singleMessage(record)];
  const failed: FieldError[] = [];
  check(record, ENVELOPE_RULES, failed);
  const items = record['messages'];
  if (!Array.isArray(items) || items.length === 0) {
    failed.push({ field: 'messages', constraints: ['messages must be a non-empty array'] });
  } else {
    items.forEach((item: unknown, index) => {
      if (isObject(item)) check(item as Record<string, unknown>, ITEM_RULES, failed, `messages[${index}].`);
      else failed.push({ field: `messages[${index}]`, constraints: ['each message must be an object'] });
    });
  }
  refuseIfFailed('IngestEnvelope', failed);
  const { tenantId, hostId, type, receivedAt } = record as unknown as IngestEnvelope;
  return (items as Array<Record<string, unknown>>).map((item) => ({
    messageId: item['messageId'] as string,
    tenantId,
    hostId,
    type,
    timestamp: item['timestamp'] as string,
    receivedAt,
    payload: item['payload'] as Record<string, unknown>,
  }));
}
