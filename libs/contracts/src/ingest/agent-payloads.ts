/**
 * The agent message types ingest accepts and the shape of each payload
 * (snake_case, as agents send them). Ingest validates these at the edge; the
 * tenant writers rely on them. Unknown keys are kept in the jsonb columns.
 */
export const AGENT_MESSAGE_TYPES = ['heartbeat', 'system_info', 'software_inventory'] as const;
export type AgentMessageType = (typeof AGENT_MESSAGE_TYPES)[number];

/** Limits enforced by ingest before anything is published (413 or 400 beyond them). */
export const AGENT_LIMITS = {
  /** Whole request body of POST /messages. */
  maxBodyBytes: 1024 * 1024,
  /** Messages in one batch. */
  maxBatchMessages: 500,
  /**
   * One message's payload, serialised. Sized so a full inventory fits:
   * maxPackages packages at ~120 bytes each (name, version, manager,
   * architecture, source) is ~600 KB, inside one body.
   */
  maxPayloadBytes: 768 * 1024,
  /** Packages in one software_inventory message. */
  maxPackages: 5000,
  /** Accepted timestamp window relative to ingest's clock. */
  maxTimestampAgeMs: 7 * 24 * 3600 * 1000,
  maxTimestampSkewMs: 5 * 60 * 1000,
} as const;

/** `heartbeat`: liveness plus a few gauges; `metrics` is free-form (kept as jsonb). */
export interface HeartbeatPayload {
  cpu_percent?: number; // 0..100
  memory_percent?: number; // 0..100
  disk_percent?: number; // 0..100
  load_average_1m?: number; // >= 0
  metrics?: Record<string, unknown>;
}

/** `system_info`: replaces the host's system_info and refreshes its identity columns. */
export interface SystemInfoPayload {
  hostname?: string;
  fqdn?: string;
  os?: string;
  os_version?: string;
  agent_version?: string;
  ip_addresses?: string[]; // at most 64
  [key: string]: unknown;
}

export interface SoftwarePackagePayload {
  name: string; // 1..255
  version: string; // 1..255
  package_manager: string; // 1..64
  architecture?: string;
  source?: string;
}

/** `software_inventory`: upserts packages; `complete: true` also removes the host's packages not listed. */
export interface SoftwareInventoryPayload {
  packages: SoftwarePackagePayload[];
  complete?: boolean;
}
