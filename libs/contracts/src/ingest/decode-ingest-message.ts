import { ContractError, ContractErrorCode, type FieldError } from '../validation/contract.error';
import {
  AGENT_MESSAGE_ID_PATTERN,
  INGEST_MESSAGE_TYPE_PATTERN,
  type IngestMessage,
} from './ingest-message.message';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Strict ISO 8601 date-time as ingest writes it (toISOString) and agents send it.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

type Check = (value: unknown) => boolean;

const isString =
  (pattern: RegExp): Check =>
  (value) =>
    typeof value === 'string' && pattern.test(value);
const isDateTime: Check = (value) =>
  typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
const isObject: Check = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

const FIELDS: ReadonlyArray<readonly [keyof IngestMessage, Check, string]> = [
  ['messageId', isString(AGENT_MESSAGE_ID_PATTERN), 'messageId must match ^[A-Za-z0-9._:-]{1,128}$'],
  ['tenantId', isString(UUID), 'tenantId must be a UUID'],
  ['hostId', isString(UUID), 'hostId must be a UUID'],
  ['type', isString(INGEST_MESSAGE_TYPE_PATTERN), 'type must match ^[a-z][a-z0-9_]{0,63}$'],
  ['timestamp', isDateTime, 'timestamp must be a valid ISO 8601 date-time'],
  ['receivedAt', isDateTime, 'receivedAt must be a valid ISO 8601 date-time'],
  ['payload', isObject, 'payload must be an object'],
];

/**
 * The same contract as `validateMessage(IngestMessage, data)`, checked by hand:
 * the tenant writers decode every stream message, and class-transformer's
 * deep copy of the payload plus class-validator cost about a tenth of
 * ingest's CPU under load (tools/bench/ingest profile). Returns a plain
 * object with exactly the contract's fields; throws ContractError
 * (INVALID_JSON | INVALID_MESSAGE) naming every failed field.
 */
export function decodeIngestMessage(data: Uint8Array | string): IngestMessage {
  const text =
    typeof data === 'string'
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ContractError(ContractErrorCode.INVALID_JSON, `IngestMessage is not valid JSON: ${reason}`);
  }
  if (!isObject(value)) {
    throw new ContractError(ContractErrorCode.INVALID_MESSAGE, 'IngestMessage must be a JSON object', [
      { field: '', constraints: ['must be an object'] },
    ]);
  }
  const record = value as Record<string, unknown>;
  const failed: FieldError[] = [];
  for (const [field, check, constraint] of FIELDS) {
    if (!check(record[field])) failed.push({ field, constraints: [constraint] });
  }
  if (failed.length > 0) {
    throw new ContractError(
      ContractErrorCode.INVALID_MESSAGE,
      `IngestMessage is invalid: ${failed.map((f) => f.constraints[0]).join('; ')}`,
      failed,
    );
  }
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
