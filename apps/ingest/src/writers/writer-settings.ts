import { readPositiveInts } from '../tenant-db/env-settings';
import { MIN_HEARTBEAT_RETENTION_DAYS } from './retention';
import { WriterError, WriterErrorCode } from './writer-error';

/** How the tenant writers consume; every field has a production default and an env override. */
export interface WriterSettings {
  /** Messages per fetch (and per transaction). */
  batchSize: number;
  /**
   * How long one pull waits for a first message. Long, as JetStream advises: every expiry is a moment where
   * a message can reach a pull the client already gave up on (it then waits out ack_wait).
   */
  fetchExpiresMs: number;
  /**
   * For a busy tenant (a backlog behind its first message, or that message came sooner than this), wait
   * this long once more and add what arrived meanwhile to the batch: its batches grow several times over,
   * and a statement, a pull and a transaction per batch are paid that many times less. 0 turns it off; a
   * quiet tenant's message is written at once.
   */
  batchLingerMs: number;
  /** JetStream ack_wait of the writer consumers: a batch held longer (its replica died) is redelivered. */
  ackWaitMs: number;
  /** First delay after a failed batch; doubles per failure up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** processed_messages rows older than this are deleted (see retention.ts). */
  ledgerRetentionHours: number;
  /**
   * host_heartbeats rows whose agent timestamp is older than this many days are deleted; 0 keeps them all.
   * At least MIN_HEARTBEAT_RETENTION_DAYS (a heartbeat is its own de-duplication key).
   */
  heartbeatRetentionDays: number;
  /** How often each tenant writer prunes its tenant's ledger and heartbeats; the first prune is one interval after start. */
  ledgerPruneIntervalMs: number;
}

export const DEFAULT_WRITER_SETTINGS: WriterSettings = {
  batchSize: 200,
  fetchExpiresMs: 30_000,
  batchLingerMs: 20,
  ackWaitMs: 30_000,
  backoffBaseMs: 500,
  backoffMaxMs: 10_000,
  ledgerRetentionHours: 168,
  heartbeatRetentionDays: 30,
  ledgerPruneIntervalMs: 3_600_000,
};

/** A century: beyond it a prune's cut-off leaves PostgreSQL's timestamp range (0 keeps every heartbeat). */
const MAX_HEARTBEAT_RETENTION_DAYS = 36_500;
const MAX_LEDGER_RETENTION_HOURS = MAX_HEARTBEAT_RETENTION_DAYS * 24;

const ENV_KEYS: Record<keyof WriterSettings, string> = {
  batchSize: 'SYSMANAGE_INGEST_WRITER_BATCH_SIZE',
  fetchExpiresMs: 'SYSMANAGE_INGEST_WRITER_FETCH_EXPIRES_MS',
  batchLingerMs: 'SYSMANAGE_INGEST_WRITER_BATCH_LINGER_MS',
  ackWaitMs: 'SYSMANAGE_INGEST_WRITER_ACK_WAIT_MS',
  backoffBaseMs: 'SYSMANAGE_INGEST_WRITER_BACKOFF_BASE_MS',
  backoffMaxMs: 'SYSMANAGE_INGEST_WRITER_BACKOFF_MAX_MS',
  ledgerRetentionHours: 'SYSMANAGE_INGEST_LEDGER_RETENTION_HOURS',
  heartbeatRetentionDays: 'SYSMANAGE_INGEST_HEARTBEAT_RETENTION_DAYS',
  ledgerPruneIntervalMs: 'SYSMANAGE_INGEST_LEDGER_PRUNE_INTERVAL_MS',
};

/** Reads the settings; JetStream wants a fetch to expire after at least 1 s. */
export function readWriterSettings(env: NodeJS.ProcessEnv): WriterSettings {
  const settings = readPositiveInts(
    env,
    ENV_KEYS,
    DEFAULT_WRITER_SETTINGS,
    (message) => new WriterError(WriterErrorCode.INVALID_SETTING, message),
    ['batchLingerMs', 'heartbeatRetentionDays'],
  );
  const { heartbeatRetentionDays } = settings;
  if (heartbeatRetentionDays !== 0 && heartbeatRetentionDays < MIN_HEARTBEAT_RETENTION_DAYS) {
    throw new WriterError(
      WriterErrorCode.INVALID_SETTING,
      `${ENV_KEYS.heartbeatRetentionDays} must be 0 (keep) or at least ${MIN_HEARTBEAT_RETENTION_DAYS}, got ${heartbeatRetentionDays}: ` +
        'ingest accepts heartbeats that old, and one pruned sooner could be stored again',
    );
  }
  if (heartbeatRetentionDays > MAX_HEARTBEAT_RETENTION_DAYS) {
    throw new WriterError(
      WriterErrorCode.INVALID_SETTING,
      `${ENV_KEYS.heartbeatRetentionDays} must be at most ${MAX_HEARTBEAT_RETENTION_DAYS} (0 keeps every heartbeat), got ${heartbeatRetentionDays}`,
    );
  }
  if (settings.ledgerRetentionHours > MAX_LEDGER_RETENTION_HOURS) {
    throw new WriterError(
      WriterErrorCode.INVALID_SETTING,
      `${ENV_KEYS.ledgerRetentionHours} must be at most ${MAX_LEDGER_RETENTION_HOURS}, got ${settings.ledgerRetentionHours}`,
    );
  }
  if (settings.fetchExpiresMs < 1_000) {
    throw new WriterError(
      WriterErrorCode.INVALID_SETTING,
      `${ENV_KEYS.fetchExpiresMs} must be at least 1000, got ${settings.fetchExpiresMs}`,
    );
  }
  return settings;
}

/** Delay after `failures` consecutive failed attempts: base * 2^(failures-1), capped. */
export function backoffMs(settings: WriterSettings, failures: number): number {
  const exponent = Math.max(0, Math.min(failures - 1, 20));
  return Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** exponent);
}
