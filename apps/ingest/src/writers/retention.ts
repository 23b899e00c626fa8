import { AGENT_LIMITS } from '@sysmanage/contracts';
import type { ClientBase } from 'pg';

/** Rows per DELETE: short transactions, no long lock on a table while agents' messages keep coming. */
const PRUNE_BATCH = 5_000;

/**
 * Heartbeats are kept at least this long: ingest accepts a message up to
 * AGENT_LIMITS.maxTimestampAgeMs old, and a heartbeat is its own
 * de-duplication key, so one pruned sooner could be re-sent and stored again.
 */
export const MIN_HEARTBEAT_RETENTION_DAYS = Math.ceil(AGENT_LIMITS.maxTimestampAgeMs / 86_400_000) + 1;

// By ctid through processed_messages_processed_at_idx: PostgreSQL's DELETE has no LIMIT of its own.
const LEDGER_SQL = `
DELETE FROM processed_messages WHERE ctid = ANY (ARRAY(
  SELECT ctid FROM processed_messages WHERE processed_at < now() - make_interval(hours => $1::int) LIMIT $2::int))`;

// Host by host through host_heartbeats_host_at_idx (host_id, at): no index on `at` alone, which every
// heartbeat insert would have to maintain. A host's heartbeats go with it (ON DELETE CASCADE).
const HEARTBEATS_SQL = `
DELETE FROM host_heartbeats WHERE ctid = ANY (ARRAY(
  SELECT old.ctid FROM hosts h CROSS JOIN LATERAL (
    SELECT ctid FROM host_heartbeats
     WHERE host_id = h.id AND at < now() - make_interval(days => $1::int) LIMIT $2::int) old
  LIMIT $2::int))`;

/**
 * What each prune deletes:
 * - `ledger`: processed_messages rows older than the retention in hours. A
 *   message re-sent or redelivered after its row is gone would be applied
 *   again, so the retention must outlast agents' retries and the stream's
 *   redeliveries by a wide margin (the default is a week; a redelivery comes
 *   within ack_wait).
 * - `heartbeats`: host_heartbeats rows whose agent timestamp is older than
 *   the retention in days (at least MIN_HEARTBEAT_RETENTION_DAYS, so no
 *   pruned heartbeat can be accepted again).
 */
const PRUNE_SQL = { ledger: LEDGER_SQL, heartbeats: HEARTBEATS_SQL } as const;
export type PrunedTable = keyof typeof PRUNE_SQL;

/**
 * Deletes the expired rows of `table` (see PRUNE_SQL for what expired means
 * and the unit of `retention`), `batch` rows per statement, until none are
 * left; the number deleted.
 */
export async function pruneExpired(
  client: ClientBase,
  table: PrunedTable,
  retention: number,
  batch = PRUNE_BATCH,
): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await client.query(PRUNE_SQL[table], [retention, batch]);
    const deleted = rowCount ?? 0;
    total += deleted;
    if (deleted < batch) return total;
  }
}
