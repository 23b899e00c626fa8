import { AGENT_LIMITS } from '@sysmanage/contracts';
import { AgentError, AgentErrorCode } from './agent-error';
import { validateBatch } from './batch-validation';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const heartbeat = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'heartbeat',
  timestamp: at(0),
  payload: { cpu_percent: 1 },
  ...extra,
});

function refusal(body: unknown): AgentError {
  try {
    validateBatch(body, NOW);
  } catch (error) {
    if (error instanceof AgentError) return error;
    throw error;
  }
  throw new Error('the batch was accepted');
}

describe('validateBatch', () => {
  it('returns every message with its payload as sent (undeclared keys kept) and the timestamp in UTC', () => {
    const batch = validateBatch(
      {
        tenant_id: 'ignored',
        messages: [
          heartbeat('a', { timestamp: '2026-06-01T14:00:00+02:00' }),
          { id: 'b', type: 'system_info', timestamp: at(-1000), payload: { hostname: 'h', kernel: '6.1' } },
          {
            id: 'c',
            type: 'software_inventory',
            timestamp: at(0),
            payload: { packages: [{ name: 'bash', version: '5', package_manager: 'apt' }] },
          },
        ],
      },
      NOW,
    );
    expect(batch).toEqual([
      {
        id: 'a',
        type: 'heartbeat',
        timestamp: '2026-06-01T12:00:00.000Z',
        payload: { cpu_percent: 1 },
        payloadJson: '{"cpu_percent":1}',
        bytes: 17,
      },
      {
        id: 'b',
        type: 'system_info',
        timestamp: at(-1000),
        payload: { hostname: 'h', kernel: '6.1' },
        payloadJson: '{"hostname":"h","kernel":"6.1"}',
        bytes: 31,
      },
      {
        id: 'c',
        type: 'software_inventory',
        timestamp: at(0),
        payload: { packages: [{ name: 'bash', version: '5', package_manager: 'apt' }] },
        payloadJson: '{"packages":[{"name":"bash","version":"5","package_manager":"apt"}]}',
        bytes: 68,
      },
    ]);
    // The size is the serialised payload's, the figure maxPayloadBytes is checked against.
    for (const message of batch) {
      expect(message.payloadJson).toBe(JSON.stringify(message.payload));
      expect(message.bytes).toBe(Buffer.byteLength(message.payloadJson));
    }
  });

  it.each([
    ['2026-06-01T11:59:59.250Z', '2026-06-01T11:59:59.250Z'],
    ['2026-06-01t11:59:59.250z', '2026-06-01T11:59:59.250Z'],
    ['2026-06-01T11:59:59.25Z', '2026-06-01T11:59:59.250Z'],
    ['2026-06-01T11:59:59.2501Z', '2026-06-01T11:59:59.250Z'],
    ['2026-06-01T13:59:59.250+02:00', '2026-06-01T11:59:59.250Z'],
    ['2026-06-01T11:59:59Z', '2026-06-01T11:59:59.000Z'],
  ])('normalises the timestamp %s to %s', (sent, stored) => {
    const [message] = validateBatch({ messages: [heartbeat('a', { timestamp: sent })] }, NOW);
    expect(message?.timestamp).toBe(stored);
  });

  it.each<[string, unknown, AgentErrorCode, number | undefined, string | undefined]>([
    ['a non-object body', [1], AgentErrorCode.INVALID_BATCH, undefined, 'messages'],
    ['messages not an array', { messages: {} }, AgentErrorCode.INVALID_BATCH, undefined, 'messages'],
    ['an empty batch', { messages: [] }, AgentErrorCode.EMPTY_BATCH, undefined, undefined],
    [
      'one message too many',
      { messages: Array.from({ length: AGENT_LIMITS.maxBatchMessages + 1 }, (_, i) => heartbeat(`m${i}`)) },
      AgentErrorCode.BATCH_TOO_LARGE,
      undefined,
      undefined,
    ],
    [
      'a message that is not an object',
      { messages: [heartbeat('a'), 'x'] },
      AgentErrorCode.INVALID_BATCH,
      1,
      undefined,
    ],
    [
      'a bad id',
      { messages: [heartbeat('a'), heartbeat('has space')] },
      AgentErrorCode.INVALID_BATCH,
      1,
      'id',
    ],
    [
      'a missing id',
      { messages: [{ ...heartbeat('a'), id: undefined }] },
      AgentErrorCode.INVALID_BATCH,
      0,
      'id',
    ],
    [
      'an unknown type',
      { messages: [heartbeat('a'), heartbeat('b', { type: 'reboot' })] },
      AgentErrorCode.UNKNOWN_MESSAGE_TYPE,
      1,
      'type',
    ],
    [
      'a type that is not a string',
      { messages: [heartbeat('a', { type: 7 })] },
      AgentErrorCode.UNKNOWN_MESSAGE_TYPE,
      0,
      'type',
    ],
    [
      'a date without time',
      { messages: [heartbeat('a', { timestamp: '2026-06-01' })] },
      AgentErrorCode.INVALID_TIMESTAMP,
      0,
      'timestamp',
    ],
    [
      'a time without offset',
      { messages: [heartbeat('a', { timestamp: '2026-06-01T12:00:00' })] },
      AgentErrorCode.INVALID_TIMESTAMP,
      0,
      'timestamp',
    ],
    [
      'an impossible date',
      { messages: [heartbeat('a', { timestamp: '2026-02-30T12:00:00Z' })] },
      AgentErrorCode.INVALID_TIMESTAMP,
      0,
      'timestamp',
    ],
    [
      'a numeric timestamp',
      { messages: [heartbeat('a', { timestamp: NOW })] },
      AgentErrorCode.INVALID_TIMESTAMP,
      0,
      'timestamp',
    ],
    [
      'a timestamp beyond the skew',
      { messages: [heartbeat('a', { timestamp: at(AGENT_LIMITS.maxTimestampSkewMs + 1000) })] },
      AgentErrorCode.INVALID_TIMESTAMP,
      0,
      'timestamp',
    ],
    [
      'a timestamp older than the window',
      { messages: [heartbeat('a', { timestamp: at(-AGENT_LIMITS.maxTimestampAgeMs - 1000) })] },
      AgentErrorCode.INVALID_TIMESTAMP,
      0,
      'timestamp',
    ],
    [
      'a payload that is an array',
      { messages: [heartbeat('a', { payload: [] })] },
      AgentErrorCode.INVALID_PAYLOAD,
      0,
      'payload',
    ],
    [
      'a missing payload',
      { messages: [heartbeat('a', { payload: undefined })] },
      AgentErrorCode.INVALID_PAYLOAD,
      0,
      'payload',
    ],
    [
      'a gauge out of range',
      { messages: [heartbeat('a'), heartbeat('b', { payload: { memory_percent: 101 } })] },
      AgentErrorCode.INVALID_PAYLOAD,
      1,
      'payload.memory_percent',
    ],
    [
      'a package without a name',
      {
        messages: [
          {
            id: 'a',
            type: 'software_inventory',
            timestamp: at(0),
            payload: {
              packages: [
                { name: 'ok', version: '1', package_manager: 'apt' },
                { version: '1', package_manager: 'apt' },
              ],
            },
          },
        ],
      },
      AgentErrorCode.INVALID_PAYLOAD,
      0,
      'payload.packages.1.name',
    ],
    [
      'an inventory without packages',
      { messages: [{ id: 'a', type: 'software_inventory', timestamp: at(0), payload: {} }] },
      AgentErrorCode.INVALID_PAYLOAD,
      0,
      'payload.packages',
    ],
    [
      'a payload over its limit',
      {
        messages: [
          heartbeat('a', { payload: { metrics: { blob: 'x'.repeat(AGENT_LIMITS.maxPayloadBytes) } } }),
        ],
      },
      AgentErrorCode.PAYLOAD_TOO_LARGE,
      0,
      'payload',
    ],
    [
      'a duplicate id',
      { messages: [heartbeat('a'), heartbeat('b'), heartbeat('a')] },
      AgentErrorCode.DUPLICATE_MESSAGE_ID,
      2,
      'id',
    ],
  ])('refuses the whole batch for %s', (_what, body, code, index, field) => {
    const error = refusal(body);
    expect(error.code).toBe(code);
    expect(error.location.index).toBe(index);
    expect(error.location.field).toBe(field);
    if (index !== undefined) expect(error.message).toMatch(new RegExp(`^messages\\[${index}\\]: `));
  });

  it('accepts the edges of the timestamp window and exactly the batch limit', () => {
    const messages = Array.from({ length: AGENT_LIMITS.maxBatchMessages }, (_, i) => heartbeat(`m${i}`));
    messages[0] = heartbeat('m0', { timestamp: at(AGENT_LIMITS.maxTimestampSkewMs) });
    messages[1] = heartbeat('m1', { timestamp: at(-AGENT_LIMITS.maxTimestampAgeMs) });
    expect(validateBatch({ messages }, NOW)).toHaveLength(AGENT_LIMITS.maxBatchMessages);
  });
});
