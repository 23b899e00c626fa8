import { backoffMs, DEFAULT_WRITER_SETTINGS, readWriterSettings } from './writer-settings';
import { WriterErrorCode } from './writer-error';
import { MIN_HEARTBEAT_RETENTION_DAYS } from './retention';

describe('readWriterSettings', () => {
  it('uses the defaults without environment', () => {
    expect(readWriterSettings({})).toEqual(DEFAULT_WRITER_SETTINGS);
  });

  it('takes overrides and refuses malformed or too short values', () => {
    expect(readWriterSettings({ SYSMANAGE_INGEST_WRITER_BATCH_SIZE: '50' }).batchSize).toBe(50);
    expect(() => readWriterSettings({ SYSMANAGE_INGEST_WRITER_BATCH_SIZE: '0' })).toThrow(
      expect.objectContaining({ code: WriterErrorCode.INVALID_SETTING }),
    );
    expect(() => readWriterSettings({ SYSMANAGE_INGEST_WRITER_FETCH_EXPIRES_MS: '500' })).toThrow(
      /at least 1000/,
    );
  });

  it('takes 0 for the batch linger (off) but nothing negative or fractional', () => {
    expect(readWriterSettings({ SYSMANAGE_INGEST_WRITER_BATCH_LINGER_MS: '0' }).batchLingerMs).toBe(0);
    expect(readWriterSettings({ SYSMANAGE_INGEST_WRITER_BATCH_LINGER_MS: '5' }).batchLingerMs).toBe(5);
    for (const raw of ['-1', '2.5', '00', 'off']) {
      expect(() => readWriterSettings({ SYSMANAGE_INGEST_WRITER_BATCH_LINGER_MS: raw })).toThrow(
        'SYSMANAGE_INGEST_WRITER_BATCH_LINGER_MS must be a non-negative integer',
      );
    }
  });
});

describe('heartbeat retention', () => {
  it('takes 0 (keep) or a number of days beyond the oldest timestamp ingest accepts, up to a century; the ledger up to a century too', () => {
    expect(
      readWriterSettings({ SYSMANAGE_INGEST_HEARTBEAT_RETENTION_DAYS: '0' }).heartbeatRetentionDays,
    ).toBe(0);
    expect(
      readWriterSettings({ SYSMANAGE_INGEST_HEARTBEAT_RETENTION_DAYS: '8' }).heartbeatRetentionDays,
    ).toBe(8);
    expect(MIN_HEARTBEAT_RETENTION_DAYS).toBe(8);
    expect(() => readWriterSettings({ SYSMANAGE_INGEST_HEARTBEAT_RETENTION_DAYS: '7' })).toThrow(
      expect.objectContaining({
        code: WriterErrorCode.INVALID_SETTING,
        message: expect.stringContaining('must be 0 (keep) or at least 8, got 7'),
      }),
    );
    expect(() => readWriterSettings({ SYSMANAGE_INGEST_HEARTBEAT_RETENTION_DAYS: '36501' })).toThrow(
      'SYSMANAGE_INGEST_HEARTBEAT_RETENTION_DAYS must be at most 36500 (0 keeps every heartbeat), got 36501',
    );
    expect(
      readWriterSettings({ SYSMANAGE_INGEST_HEARTBEAT_RETENTION_DAYS: '36500' }).heartbeatRetentionDays,
    ).toBe(36_500);
    expect(() => readWriterSettings({ SYSMANAGE_INGEST_LEDGER_RETENTION_HOURS: '876001' })).toThrow(
      'SYSMANAGE_INGEST_LEDGER_RETENTION_HOURS must be at most 876000, got 876001',
    );
  });
});

describe('backoffMs', () => {
  it('doubles from the base and stays at the cap', () => {
    const s = DEFAULT_WRITER_SETTINGS;
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => backoffMs(s, n))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
  });
});
