import { encodeMessage, type IngestEnvelope, type IngestMessage } from '@sysmanage/contracts';
import { toAgentChange } from './agent-change';
import { decodeIngestRecords, ledgerKey } from './ingest-record';
import { WriterErrorCode } from './writer-error';

const TENANT = '6f1d7c2e-0c1b-4a6e-9a53-1f8f3e2b9d10';
const OTHER = '7a2e8d3f-1d2c-4b7f-8b64-2a9f4e3c0e21';
const HOST = '0b8f3a52-6a0e-4f0b-8a55-6c1d2e3f4a5b';

function message(type: string, payload: Record<string, unknown>, tenantId = TENANT): IngestMessage {
  const now = new Date().toISOString();
  return { messageId: 'm-1', tenantId, hostId: HOST, type, timestamp: now, receivedAt: now, payload };
}

function changeOf(type: string, payload: Record<string, unknown>) {
  return toAgentChange({ message: message(type, payload), key: ledgerKey(HOST, 'm-1') });
}

function envelope(tenantId = TENANT): IngestEnvelope {
  const now = new Date().toISOString();
  return {
    tenantId,
    hostId: HOST,
    type: 'heartbeat',
    receivedAt: now,
    messages: [
      { messageId: 'm-1', timestamp: now, payload: { cpu_percent: 1 } },
      { messageId: 'm-2', timestamp: now, payload: { cpu_percent: 2 } },
    ],
  };
}

describe('decodeIngestRecords', () => {
  it('decodes an envelope of this tenant into its messages, in order, each with its ledger key', () => {
    const records = decodeIngestRecords(TENANT, encodeMessage(envelope()));
    expect(records.map((r) => r.key)).toEqual([ledgerKey(HOST, 'm-1'), ledgerKey(HOST, 'm-2')]);
    expect(records.map((r) => r.message)).toEqual([
      expect.objectContaining({
        tenantId: TENANT,
        hostId: HOST,
        type: 'heartbeat',
        payload: { cpu_percent: 1 },
      }),
      expect.objectContaining({
        tenantId: TENANT,
        hostId: HOST,
        type: 'heartbeat',
        payload: { cpu_percent: 2 },
      }),
    ]);
  });

  it('still decodes the single-message form an earlier ingest published', () => {
    const [record, ...rest] = decodeIngestRecords(TENANT, encodeMessage(message('heartbeat', {})));
    expect(rest).toEqual([]);
    expect(record?.key).toBe(ledgerKey(HOST, 'm-1'));
    expect(record?.message.hostId).toBe(HOST);
  });

  it('refuses an envelope or a message naming another tenant than the one it was consumed for', () => {
    for (const value of [envelope(OTHER), message('heartbeat', {}, OTHER)]) {
      expect(() => decodeIngestRecords(TENANT, encodeMessage(value))).toThrow(
        expect.objectContaining({ code: WriterErrorCode.WRONG_TENANT }),
      );
    }
  });

  it('refuses bytes that are not an envelope, and an envelope with any invalid message', () => {
    const broken = envelope();
    broken.messages.push({ messageId: 'has space', timestamp: 'soon', payload: {} });
    for (const data of [
      new TextEncoder().encode('{not json'),
      encodeMessage({ messageId: 'x' }),
      encodeMessage({ ...envelope(), messages: [] }),
      encodeMessage(broken),
    ]) {
      expect(() => decodeIngestRecords(TENANT, data)).toThrow(
        expect.objectContaining({ code: WriterErrorCode.MALFORMED_MESSAGE }),
      );
    }
  });
});

describe('toAgentChange', () => {
  it('maps a heartbeat to its row, absent gauges as null', () => {
    const change = changeOf('heartbeat', { cpu_percent: 12.5, metrics: { temp: 40 } });
    expect(change).toMatchObject({
      type: 'heartbeat',
      row: { host_id: HOST, message_id: 'm-1', cpu_percent: 12.5, disk_percent: null, metrics: { temp: 40 } },
    });
  });

  it('defaults a package architecture to the empty string (the unique key column)', () => {
    const change = changeOf('software_inventory', {
      packages: [{ name: 'bash', version: '5.2', package_manager: 'apt' }],
    });
    expect(change).toMatchObject({
      type: 'software_inventory',
      complete: false,
      packages: [{ host_id: HOST, name: 'bash', architecture: '', source: null }],
    });
  });

  it.each([
    ['heartbeat', { cpu_percent: 'high' }],
    ['heartbeat', { metrics: [1, 2] }],
    ['software_inventory', { packages: 'bash' }],
    ['software_inventory', { packages: [{ name: 'bash', package_manager: 'apt' }] }],
    ['software_inventory', { packages: [], complete: 'yes' }],
  ])('refuses a %s payload of the wrong shape (%j)', (type, payload) => {
    expect(() => changeOf(type, payload)).toThrow(
      expect.objectContaining({ code: WriterErrorCode.INVALID_PAYLOAD }),
    );
  });

  it('refuses a type no writer stores', () => {
    expect(() => changeOf('process_list', {})).toThrow(
      expect.objectContaining({ code: WriterErrorCode.UNSUPPORTED_TYPE }),
    );
  });
});
