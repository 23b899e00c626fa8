import type { ClientBase } from 'pg';

/** Rows per DELETE: short transactions, no long lock on the ledger while agents' messages keep coming. */
export const LEDGER_PRUNE_BATCH = 5_000;

// By ctid through processed_messages_processed_at_idx: PostgreSQL's DELETE has no LIMIT of its own.
const PRUNE_SQL = `
DELETE FROM processed_messages WHERE ctid = ANY (ARRAY(
  SELECT ctid FROM processed_messages WHERE processed_at < now() - make_interval(hours => $1::int) LIMIT $2::int))`;

/**
 * Deletes processed_messages rows older than `retentionHours`, `batch` rows
 * per statement, until none are left; the number deleted. A message re-sent
 * or redelivered after its row is gone would be applied again, so the
 * retention must outlast agents' retries and the stream's redeliveries by a
 * wide margin (the default is a week; a redelivery comes within ack_wait).
 */
export async function pruneLedger(
  client: ClientBase,
  retentionHours: number,
  batch: number = LEDGER_PRUNE_BATCH,
): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await client.query(PRUNE_SQL, [retentionHours, batch]);
    const deleted = rowCount ?? 0;
    total += deleted;
    if (deleted < batch) return total;
  }
}
