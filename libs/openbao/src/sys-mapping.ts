import type { HealthStatus, LeaseInfo, MountInfo, MountTuning, SecretsEngineOptions } from './openbao.types';
import { duration } from './duration';
import { bool, dataOf, type Json, num, optDate, optStr, record, str } from './response-fields';

export function mountBody(type: string, options: SecretsEngineOptions): Json {
  const body: Json = { type, config: tuneBody(options) };
  if (options.options !== undefined) body['options'] = options.options;
  return body;
}

export function tuneBody(tuning: MountTuning): Json {
  const body: Json = {};
  if (tuning.defaultLeaseTtl !== undefined)
    body['default_lease_ttl'] = duration('defaultLeaseTtl', tuning.defaultLeaseTtl);
  if (tuning.maxLeaseTtl !== undefined) body['max_lease_ttl'] = duration('maxLeaseTtl', tuning.maxLeaseTtl);
  return body;
}

export function parseMount(mountPath: string, body: Json | null, path: string): MountInfo {
  const data = dataOf(body, path);
  const config = record(data['config']) ?? {};
  const options = record(data['options']) ?? {};
  return {
    path: mountPath,
    type: str(data, 'type', path),
    defaultLeaseTtl: num(config, 'default_lease_ttl', path),
    maxLeaseTtl: num(config, 'max_lease_ttl', path),
    options: Object.fromEntries(
      Object.entries(options).filter((e): e is [string, string] => typeof e[1] === 'string'),
    ),
  };
}

/** sys/health answers its JSON for every status (200 active, 429 standby, 503 sealed, 501 uninitialised). */
export function parseHealth(body: Json | null, path: string): HealthStatus {
  const health = body ?? {};
  return {
    initialized: bool(health, 'initialized', path),
    sealed: bool(health, 'sealed', path),
    standby: health['standby'] === true,
    version: optStr(health, 'version') ?? '',
    clusterName: optStr(health, 'cluster_name'),
  };
}

export function parseLease(body: Json | null, path: string): LeaseInfo {
  const data = dataOf(body, path);
  return {
    leaseId: str(data, 'id', path),
    issueTime: optDate(data, 'issue_time'),
    expireTime: optDate(data, 'expire_time'),
    lastRenewalTime: optDate(data, 'last_renewal'),
    ttl: num(data, 'ttl', path),
    renewable: data['renewable'] === true,
  };
}
