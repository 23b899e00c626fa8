import { DEFAULT_CREDENTIAL_CACHE, type CredentialCacheOptions } from '../auth/host-credential-cache';

/** The agent API's settings; every field has a production default and an env override. */
export interface AgentSettings {
  /** Collapsed mode only: refuse registrations without an enrollment token (multi-tenant mode always requires one). */
  requireEnrollmentToken: boolean;
  credentialCache: CredentialCacheOptions;
  /** Registrations running at once in this process (see RegistrationGate); default half the registry pool. */
  registrationConcurrency: number;
  /** How long a registration may wait for its turn before 503 ingest_unavailable (the agent retries). */
  registrationWaitMs: number;
}

export const DEFAULT_REGISTRATION_WAIT_MS = 20_000;

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

/**
 * Reads the settings once at start; a bad value refuses the start with the
 * variable's name. `registryPoolSize` is `registry.pool_size` of this process.
 */
export function readAgentSettings(env: NodeJS.ProcessEnv, registryPoolSize = 10): AgentSettings {
  return {
    registrationConcurrency: positiveInt(
      env,
      'SYSMANAGE_INGEST_REGISTRATION_CONCURRENCY',
      Math.max(1, Math.floor(registryPoolSize / 2)),
    ),
    registrationWaitMs: positiveInt(
      env,
      'SYSMANAGE_INGEST_REGISTRATION_WAIT_MS',
      DEFAULT_REGISTRATION_WAIT_MS,
    ),
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
