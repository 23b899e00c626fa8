import { DEFAULT_CREDENTIAL_CACHE, type CredentialCacheOptions } from '../auth/host-credential-cache';

/** The agent API's settings; every field has a production default and an env override. */
export interface AgentSettings {
  /** Collapsed mode only: refuse registrations without an enrollment token (multi-tenant mode always requires one). */
  requireEnrollmentToken: boolean;
  credentialCache: CredentialCacheOptions;
}

export class AgentSettingsError extends Error {
  override readonly name = 'AgentSettingsError';
}

function positiveInt(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) {
    throw new AgentSettingsError(`${key} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

function flag(env: NodeJS.ProcessEnv, key: string): boolean {
  const raw = (env[key] ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new AgentSettingsError(`${key} must be true or false, got ${JSON.stringify(env[key])}`);
}

/** Reads the settings once at start; a bad value refuses the start with the variable's name. */
export function readAgentSettings(env: NodeJS.ProcessEnv): AgentSettings {
  return {
    requireEnrollmentToken: flag(env, 'SYSMANAGE_INGEST_REQUIRE_ENROLLMENT_TOKEN'),
    credentialCache: {
      maxEntries: positiveInt(
        env,
        'SYSMANAGE_INGEST_CREDENTIAL_CACHE_MAX',
        DEFAULT_CREDENTIAL_CACHE.maxEntries,
      ),
      ttlMs: positiveInt(env, 'SYSMANAGE_INGEST_CREDENTIAL_TTL_MS', DEFAULT_CREDENTIAL_CACHE.ttlMs),
      negativeTtlMs: positiveInt(
        env,
        'SYSMANAGE_INGEST_CREDENTIAL_NEGATIVE_TTL_MS',
        DEFAULT_CREDENTIAL_CACHE.negativeTtlMs,
      ),
    },
  };
}
