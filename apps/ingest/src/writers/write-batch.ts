import type { ClientBase } from 'pg';
import type { AgentChange } from './agent-change';
import { planBatch, type BatchPlan } from './batch-plan';
import { ledgerKey } from './ingest-record';

/** What one batch did, for acks, terms and metrics. */
export interface BatchOutcome {
  /** Newly stored, by type. */
  applied: AgentChange[];
  /** Already in the ledger (a redelivery or a re-sent message): acked, nothing written. */
  duplicates: AgentChange[];
  /** Host not in this tenant's hosts: nothing written; the caller terminates them. */
  unknownHosts: AgentChange[];
}

const HEARTBEATS_SQL = `
  INSERT INTO host_heartbeats (host_id, message_id, at, cpu_percent, memory_percent, disk_percent, load_average_1m, metrics)
  SELECT host_id, message_id, at, cpu_percent, memory_percent, disk_percent, load_average_1m, coalesce(metrics, '{}')
    FROM jsonb_to_recordset($1::jsonb) AS r(host_id uuid, message_id text, at timestamptz, cpu_percent float8,
         memory_percent float8, disk_percent float8, load_average_1m float8, metrics jsonb)`;

const LAST_SEEN_SQL = `
  UPDATE hosts h SET last_seen_at = greatest(h.last_seen_at, r.at), updated_at = now()
    FROM jsonb_to_recordset($1::jsonb) AS r(host_id uuid, at timestamptz)
   WHERE h.id = r.host_id`;

// Identity columns follow the agent's report when it names them; a key it leaves out keeps its value.
const SYSTEM_INFO_SQL = `
  UPDATE hosts h SET
         system_info = r.info,
         hostname = coalesce(r.info->>'hostname', h.hostname),
         fqdn = coalesce(r.info->>'fqdn', h.fqdn),
         os = coalesce(r.info->>'os', h.os),
         os_version = coalesce(r.info->>'os_version', h.os_version),
         agent_version = coalesce(r.info->>'agent_version', h.agent_version),
         ip_addresses = CASE WHEN jsonb_typeof(r.info->'ip_addresses') = 'array' THEN r.info->'ip_addresses' ELSE h.ip_addresses END,
         updated_at = now()
    FROM jsonb_to_recordset($1::jsonb) AS r(host_id uuid, info jsonb)
   WHERE h.id = r.host_id`;

const PACKAGES_SQL = `
  INSERT INTO software_packages AS p (host_id, name, version, package_manager, architecture, source)
  SELECT host_id, name, version, package_manager, architecture, source
    FROM jsonb_to_recordset($1::jsonb) AS r(host_id uuid, name text, version text, package_manager text,
         architecture text, source text)
  ON CONFLICT (host_id, package_manager, name, architecture)
  DO UPDATE SET version = excluded.version, source = excluded.source, updated_at = now()
   WHERE (p.version, p.source) IS DISTINCT FROM (excluded.version, excluded.source)`;

const PRUNE_SQL = `
  DELETE FROM software_packages p
   WHERE p.host_id = ANY($1::uuid[])
     AND NOT EXISTS (
       SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS k(host_id uuid, package_manager text, name text, architecture text)
        WHERE k.host_id = p.host_id AND k.package_manager = p.package_manager AND k.name = p.name
          AND k.architecture = p.architecture)`;

const LEDGER_SQL = `
  INSERT INTO processed_messages (host_id, message_id, type)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])
  ON CONFLICT DO NOTHING
  RETURNING host_id::text, message_id`;

async function knownHosts(client: ClientBase, changes: readonly AgentChange[]): Promise<Set<string>> {
  const ids = [...new Set(changes.map((c) => c.record.message.hostId.toLowerCase()))];
  // FOR KEY SHARE: a host deleted concurrently cannot vanish between this check and the inserts, while
  // another replica's batch may still update the same host rows (no lock-upgrade deadlock as with FOR SHARE).
  const result = await client.query<{ id: string }>(
    'SELECT id::text FROM hosts WHERE id = ANY($1::uuid[]) FOR KEY SHARE',
    [ids],
  );
  return new Set(result.rows.map((r) => r.id));
}

async function recordInLedger(client: ClientBase, changes: readonly AgentChange[]): Promise<Set<string>> {
  if (changes.length === 0) return new Set();
  const result = await client.query<{ host_id: string; message_id: string }>(LEDGER_SQL, [
    changes.map((c) => c.record.message.hostId),
    changes.map((c) => c.record.message.messageId),
    changes.map((c) => c.record.message.type),
  ]);
  return new Set(result.rows.map((r) => ledgerKey(r.host_id, r.message_id)));
}

async function applyPlan(client: ClientBase, plan: BatchPlan): Promise<void> {
  const json = (rows: unknown[]): string => JSON.stringify(rows);
  if (plan.heartbeats.length > 0) await client.query(HEARTBEATS_SQL, [json(plan.heartbeats)]);
  if (plan.systemInfo.length > 0) await client.query(SYSTEM_INFO_SQL, [json(plan.systemInfo)]);
  if (plan.packages.length > 0) await client.query(PACKAGES_SQL, [json(plan.packages)]);
  if (plan.completeHosts.length > 0) {
    const keep = plan.packages.filter((p) => plan.completeHosts.includes(p.host_id));
    await client.query(PRUNE_SQL, [plan.completeHosts, json(keep)]);
  }
  if (plan.lastSeen.length > 0) await client.query(LAST_SEEN_SQL, [json(plan.lastSeen)]);
}

/**
 * Writes one batch in one transaction: the (host, message) pairs go into the
 * processed_messages ledger first, and only the pairs that were new there are
 * applied, so a redelivered or re-sent message changes nothing. Messages of
 * hosts unknown to this tenant are left out entirely.
 */
export async function writeBatch(client: ClientBase, changes: readonly AgentChange[]): Promise<BatchOutcome> {
  const unique = new Map<string, AgentChange>();
  const repeated: AgentChange[] = [];
  for (const change of changes) {
    if (unique.has(change.record.key)) repeated.push(change);
    else unique.set(change.record.key, change);
  }
  await client.query('BEGIN');
  try {
    const known = await knownHosts(client, [...unique.values()]);
    const candidates: AgentChange[] = [];
    const unknownHosts: AgentChange[] = [];
    for (const change of unique.values()) {
      (known.has(change.record.message.hostId.toLowerCase()) ? candidates : unknownHosts).push(change);
    }
    const fresh = await recordInLedger(client, candidates);
    const applied = candidates.filter((c) => fresh.has(c.record.key));
    const duplicates = [...repeated, ...candidates.filter((c) => !fresh.has(c.record.key))];
    await applyPlan(client, planBatch(applied));
    await client.query('COMMIT');
    return { applied, duplicates, unknownHosts };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
