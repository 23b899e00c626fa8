import { randomUUID } from 'node:crypto';
import { ContractError, ContractErrorCode } from '../validation/contract.error';
import { encodeMessage, validateMessage } from '../validation/validate-message';
import { decodeIngestEnvelope, decodeIngestMessage } from './decode-ingest-message';
import { IngestMessage } from './ingest-message.message';

function valid(): Record<string, unknown> {
  return {
    messageId: 'm-1',
    tenantId: randomUUID(),
    hostId: randomUUID(),
    type: 'heartbeat',
    timestamp: '2026-11-28T06:45:00Z',
    receivedAt: '2026-11-28T06:45:00.123Z',
    payload: { cpu_percent: 12.5, nested: { a: [1, 2] } },
  };
}

function contractError(fn: () => unknown): ContractError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error('expected a ContractError');
}

describe('decodeIngestMessage', () => {
  it('returns exactly the contract fields, like validateMessage, and drops unknown keys', () => {
    const bytes = encodeMessage({ ...valid(), extra: 'dropped' });
    const decoded = decodeIngestMessage(bytes);
    const { extra: _extra, ...expected } = JSON.parse(new TextDecoder().decode(bytes)) as Record<
      string,
      unknown
    >;
    expect(decoded).toEqual(expected);
    expect({ ...validateMessage(IngestMessage, bytes) }).toEqual(decoded);
  });

  it('refuses what validateMessage refuses, naming the fields', () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ ...valid(), hostId: 'host-1' }, ['hostId']],
      [{ ...valid(), tenantId: undefined, type: 'Bad.Type' }, ['tenantId', 'type']],
      [{ ...valid(), messageId: 'has space' }, ['messageId']],
      [
        { ...valid(), timestamp: 'yesterday', receivedAt: '2026-13-45T99:00:00Z' },
        ['timestamp', 'receivedAt'],
      ],
      [{ ...valid(), payload: [1, 2] }, ['payload']],
    ];
    for (const [input, fields] of cases) {
      const error = contractError(() => decodeIngestMessage(encodeMessage(input)));
      expect(error.code).toBe(ContractErrorCode.INVALID_MESSAGE);
      expect(error.fieldErrors.map((f) => f.field)).toEqual(fields);
      expect(() => validateMessage(IngestMessage, encodeMessage(input))).toThrow(ContractError);
    }
  });

  it('refuses bytes that are not JSON or not an object', () => {
    expect(contractError(() => decodeIngestMessage('{nope')).code).toBe(ContractErrorCode.INVALID_JSON);
    expect(contractError(() => decodeIngestMessage('[1]')).code).toBe(ContractErrorCode.INVALID_MESSAGE);
    expect(contractError(() => decodeIngestMessage('null')).code).toBe(ContractErrorCode.INVALID_MESSAGE);
  });
});

describe('decodeIngestEnvelope', () => {
  const envelope = (): Record<string, unknown> => {
    const { messageId: _id, timestamp: _ts, payload: _p, ...rest } = valid();
    return {
      ...rest,
      messages: [
        { messageId: 'm-1', timestamp: '2026-11-28T06:45:00Z', payload: { cpu_percent: 1 } },
        {
          messageId: 'm-2',
          timestamp: '2026-11-28T06:45:30Z',
          payload: { cpu_percent: 2 },
          extra: 'dropped',
        },
      ],
    };
  };

  it('flattens an envelope into its messages, each with the envelope fields, unknown keys dropped', () => {
    const input = envelope();
    const decoded = decodeIngestEnvelope(encodeMessage(input));
    const shared = {
      tenantId: input['tenantId'],
      hostId: input['hostId'],
      type: 'heartbeat',
      receivedAt: input['receivedAt'],
    };
    expect(decoded).toEqual([
      { ...shared, messageId: 'm-1', timestamp: '2026-11-28T06:45:00Z', payload: { cpu_percent: 1 } },
      { ...shared, messageId: 'm-2', timestamp: '2026-11-28T06:45:30Z', payload: { cpu_percent: 2 } },
    ]);
    // Each flattened message is what validateMessage(IngestMessage) accepts.
    for (const message of decoded) expect(() => validateMessage(IngestMessage, message)).not.toThrow();
  });

  it('decodes the single-message form as a list of one', () => {
    const input = valid();
    expect(decodeIngestEnvelope(encodeMessage(input))).toEqual([decodeIngestMessage(encodeMessage(input))]);
  });

  it('refuses an envelope with any invalid part, naming every failed field', () => {
    const badItem = envelope();
    (badItem['messages'] as unknown[]).push({ messageId: 'has space', timestamp: 'soon', payload: {} }, 'x');
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ ...envelope(), hostId: 'h', type: 'Bad' }, ['hostId', 'type']],
      [{ ...envelope(), messages: [] }, ['messages']],
      [{ ...envelope(), messages: 'x' }, ['messages']],
      [badItem, ['messages[2].messageId', 'messages[2].timestamp', 'messages[3]']],
    ];
    for (const [input, fields] of cases) {
      const error = contractError(() => decodeIngestEnvelope(encodeMessage(input)));
      expect(error.code).toBe(ContractErrorCode.INVALID_MESSAGE);
      expect(error.message).toMatch(/^IngestEnvelope is invalid: /);
      expect(error.fieldErrors.map((f) => f.field)).toEqual(fields);
    }
    expect(contractError(() => decodeIngestEnvelope('{nope')).code).toBe(ContractErrorCode.INVALID_JSON);
  });
});
