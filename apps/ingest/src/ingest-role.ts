/**
 * What one ingest process runs. `all` (the default) is the agent API and the
 * tenant writers together; a deployment that wants the agent API's latency
 * apart from the database writes, or to scale the two separately, runs `api`
 * replicas (registration and POST /messages into JetStream) and `writer`
 * replicas (the per-tenant consumers, sharing each tenant's durable consumer)
 * from the same image. Every role serves health and metrics.
 */
export const INGEST_ROLES = ['all', 'api', 'writer'] as const;
export type IngestRole = (typeof INGEST_ROLES)[number];

export const INGEST_ROLE_ENV = 'SYSMANAGE_INGEST_ROLE';

export class IngestRoleError extends Error {
  override readonly name = 'IngestRoleError';
  readonly code = 'INVALID_SETTING';
}

/** The role from SYSMANAGE_INGEST_ROLE; unset or empty is `all`, anything else unknown refuses the start. */
export function readIngestRole(env: NodeJS.ProcessEnv): IngestRole {
  const raw = (env[INGEST_ROLE_ENV] ?? '').trim();
  if (raw === '') return 'all';
  const role = INGEST_ROLES.find((r) => r === raw);
  if (role === undefined) {
    throw new IngestRoleError(
      `${INGEST_ROLE_ENV} must be one of ${INGEST_ROLES.join(', ')}, got ${JSON.stringify(env[INGEST_ROLE_ENV])}`,
    );
  }
  return role;
}

export const runsAgentApi = (role: IngestRole): boolean => role !== 'writer';
export const runsWriters = (role: IngestRole): boolean => role !== 'api';
