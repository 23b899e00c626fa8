import type { AgentChange, HeartbeatRow, PackageRow } from './agent-change';

/** Everything one batch changes in a tenant database, ready for multi-row statements. */
export interface BatchPlan {
  heartbeats: HeartbeatRow[];
  /** Per host: the latest receivedAt of any of its messages in the batch. */
  lastSeen: Array<{ host_id: string; at: string }>;
  /** Per host: the system_info of its latest (agent timestamp) message in the batch. */
  systemInfo: Array<{ host_id: string; info: Record<string, unknown>; at: string }>;
  /** Upserts, one row per (host, manager, name, architecture): the last report of a package wins. */
  packages: PackageRow[];
  /** Hosts with a complete inventory in the batch: their packages not in `packages` are deleted. */
  completeHosts: string[];
}

function later(a: string, b: string): boolean {
  return Date.parse(a) > Date.parse(b);
}

function packageKey(row: PackageRow): string {
  return [row.host_id, row.package_manager, row.name, row.architecture].join('\u0000');
}

/**
 * Folds the batch's new changes in agent-timestamp order. A complete
 * inventory replaces what came before it in the batch; later partial ones add
 * to it, so the host ends with exactly what the agent reported last.
 */
export function planBatch(changes: readonly AgentChange[]): BatchPlan {
  const ordered = [...changes].sort(
    (a, b) => Date.parse(a.record.message.timestamp) - Date.parse(b.record.message.timestamp),
  );
  const heartbeats: HeartbeatRow[] = [];
  const lastSeen = new Map<string, string>();
  const systemInfo = new Map<string, { info: Record<string, unknown>; at: string }>();
  const inventories = new Map<string, { complete: boolean; packages: Map<string, PackageRow> }>();
  for (const change of ordered) {
    const { hostId, receivedAt, timestamp } = change.record.message;
    const seen = lastSeen.get(hostId);
    if (seen === undefined || later(receivedAt, seen)) lastSeen.set(hostId, receivedAt);
    switch (change.type) {
      case 'heartbeat':
        heartbeats.push(change.row);
        break;
      case 'system_info':
        systemInfo.set(hostId, { info: change.info, at: timestamp });
        break;
      case 'software_inventory': {
        let inventory = inventories.get(hostId);
        if (inventory === undefined || change.complete) {
          inventory = { complete: change.complete, packages: new Map() };
          inventories.set(hostId, inventory);
        }
        for (const row of change.packages) inventory.packages.set(packageKey(row), row);
        break;
      }
    }
  }
  return {
    heartbeats,
    lastSeen: [...lastSeen].map(([host_id, at]) => ({ host_id, at })),
    systemInfo: [...systemInfo].map(([host_id, value]) => ({ host_id, ...value })),
    packages: [...inventories.values()].flatMap((inventory) => [...inventory.packages.values()]),
    completeHosts: [...inventories].filter(([, inventory]) => inventory.complete).map(([host]) => host),
  };
}
