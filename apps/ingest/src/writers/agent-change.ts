import type { AgentMessageType } from '@sysmanage/contracts';
import type { IngestRecord } from './ingest-record';
import { WriterError, WriterErrorCode } from './writer-error';

export interface HeartbeatRow {
  host_id: string;
  message_id: string;
  at: string;
  cpu_percent: number | null;
  memory_percent: number | null;
  disk_percent: number | null;
  load_average_1m: number | null;
  metrics: Record<string, unknown>;
}

export interface PackageRow {
  host_id: string;
  name: string;
  version: string;
  package_manager: string;
  architecture: string;
  source: string | null;
}

/** One message reduced to what the tenant tables need. */
export type AgentChange =
  | { type: 'heartbeat'; record: IngestRecord; row: HeartbeatRow }
  | { type: 'system_info'; record: IngestRecord; info: Record<string, unknown> }
  | { type: 'software_inventory'; record: IngestRecord; packages: PackageRow[]; complete: boolean };

function invalid(record: IngestRecord, reason: string): WriterError {
  const { type, messageId, hostId } = record.message;
  return new WriterError(
    WriterErrorCode.INVALID_PAYLOAD,
    `${type} message ${messageId} of host ${hostId}: ${reason}`,
  );
}

function optionalNumber(record: IngestRecord, payload: Record<string, unknown>, key: string): number | null {
  const value = payload[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(record, `${key} is not a number`);
  return value;
}

function requiredString(record: IngestRecord, item: Record<string, unknown>, key: string): string {
  const value = item[key];
  if (typeof value !== 'string' || value === '') throw invalid(record, `a package has no ${key}`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function heartbeat(record: IngestRecord): AgentChange {
  const { payload, hostId, messageId, timestamp } = record.message;
  const metrics = payload['metrics'] ?? {};
  if (!isObject(metrics)) throw invalid(record, 'metrics is not an object');
  return {
    type: 'heartbeat',
    record,
    row: {
      host_id: hostId,
      message_id: messageId,
      at: timestamp,
      cpu_percent: optionalNumber(record, payload, 'cpu_percent'),
      memory_percent: optionalNumber(record, payload, 'memory_percent'),
      disk_percent: optionalNumber(record, payload, 'disk_percent'),
      load_average_1m: optionalNumber(record, payload, 'load_average_1m'),
      metrics,
    },
  };
}

function softwareInventory(record: IngestRecord): AgentChange {
  const { payload, hostId } = record.message;
  const list = payload['packages'];
  if (!Array.isArray(list)) throw invalid(record, 'packages is not an array');
  const packages = list.map((item: unknown): PackageRow => {
    if (!isObject(item)) throw invalid(record, 'a package is not an object');
    const architecture = item['architecture'] ?? '';
    const source = item['source'] ?? null;
    if (typeof architecture !== 'string' || (source !== null && typeof source !== 'string'))
      throw invalid(record, 'a package has a non-string architecture or source');
    return {
      host_id: hostId,
      name: requiredString(record, item, 'name'),
      version: requiredString(record, item, 'version'),
      package_manager: requiredString(record, item, 'package_manager'),
      architecture,
      source,
    };
  });
  const complete = payload['complete'] ?? false;
  if (typeof complete !== 'boolean') throw invalid(record, 'complete is not a boolean');
  return { type: 'software_inventory', record, packages, complete };
}

/** Checks the payload against its type's shape (ingest validated it already; this keeps SQL errors out of a batch). */
export function toAgentChange(record: IngestRecord): AgentChange {
  const type = record.message.type as AgentMessageType;
  switch (type) {
    case 'heartbeat':
      return heartbeat(record);
    case 'system_info':
      return { type, record, info: record.message.payload };
    case 'software_inventory':
      return softwareInventory(record);
    default:
      throw new WriterError(
        WriterErrorCode.UNSUPPORTED_TYPE,
        `message ${record.message.messageId} of host ${record.message.hostId} has type ${record.message.type}, which no writer stores`,
      );
  }
}
