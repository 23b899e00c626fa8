/** A TTL: whole seconds, or an OpenBAO duration string such as "15m" or "1h30m". */
export type Duration = number | string;

export interface HealthStatus {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  version: string;
  clusterName: string | null;
}

export interface SecretsEngineOptions {
  defaultLeaseTtl?: Duration;
  maxLeaseTtl?: Duration;
  /** Engine options, e.g. `{ version: '2' }` for kv v2. */
  options?: Record<string, string>;
}

export interface MountTuning {
  defaultLeaseTtl?: Duration;
  maxLeaseTtl?: Duration;
}

export interface MountInfo {
  path: string;
  type: string;
  /** Seconds; 0 means the system default. */
  defaultLeaseTtl: number;
  maxLeaseTtl: number;
  options: Record<string, string>;
}

export interface DatabaseConnectionInput {
  /** `postgresql://{{username}}:{{password}}@host:port/db?sslmode=...`; keep the placeholders, pass the secret in `password`. */
  connectionUrl: string;
  username: string;
  password: string;
  /** Roles allowed to use this connection (globs allowed); empty allows none. */
  allowedRoles: string[];
  /** Default true: an unreachable database or wrong password is refused at write time (400). */
  verifyConnection?: boolean;
  maxOpenConnections?: number;
  passwordAuthentication?: 'password' | 'scram-sha-256';
}

/** A connection as read back; OpenBAO never returns the password. */
export interface DatabaseConnection {
  name: string;
  pluginName: string;
  connectionUrl: string;
  username: string;
  allowedRoles: string[];
  maxOpenConnections: number | null;
  passwordAuthentication: string | null;
}

export interface DatabaseRoleInput {
  /** The connection (database/config/<dbName>) this role uses. */
  dbName: string;
  creationStatements: string[];
  revocationStatements: string[];
  /** Empty: the plugin's default (ALTER ROLE ... VALID UNTIL). */
  renewStatements?: string[];
  defaultTtl: Duration;
  maxTtl: Duration;
}

export interface DatabaseRole {
  name: string;
  dbName: string;
  creationStatements: string[];
  revocationStatements: string[];
  renewStatements: string[];
  /** Seconds. */
  defaultTtl: number;
  maxTtl: number;
}

/** A leased PostgreSQL login. JSON/inspect output hides the password. */
export interface DatabaseCredential {
  leaseId: string;
  /** Seconds the lease was granted for at `obtainedAt` (or at its last renewal, see expiresAt). */
  leaseDuration: number;
  renewable: boolean;
  username: string;
  password: string;
  obtainedAt: Date;
  /** When the lease (and the role's VALID UNTIL) runs out unless renewed. */
  expiresAt: Date;
}

export interface LeaseRenewal {
  leaseId: string;
  /** Seconds granted from now; less than asked when the lease reaches its max TTL. */
  leaseDuration: number;
  renewable: boolean;
}

export interface LeaseInfo {
  leaseId: string;
  issueTime: Date | null;
  expireTime: Date | null;
  lastRenewalTime: Date | null;
  /** Seconds left. */
  ttl: number;
  renewable: boolean;
}

export interface AppRoleInput {
  tokenPolicies: string[];
  tokenTtl: Duration;
  tokenMaxTtl: Duration;
  secretIdTtl: Duration;
  bindSecretId: boolean;
}

/** JSON/inspect output hides the secret id. */
export interface AppRoleSecretId {
  secretId: string;
  accessor: string;
  /** Seconds; 0 = no expiry. */
  ttl: number;
}

/** A login result. JSON/inspect output hides the token. */
export interface AuthToken {
  token: string;
  accessor: string;
  /** Seconds; 0 = no expiry. */
  leaseDuration: number;
  renewable: boolean;
  policies: string[];
}

/** lookup-self, without the token id itself. */
export interface TokenInfo {
  accessor: string;
  displayName: string;
  policies: string[];
  /** Seconds left; 0 = no expiry (root). */
  ttl: number;
  renewable: boolean;
  expireTime: Date | null;
}

export interface TokenRenewal {
  /** Seconds granted from now; less than asked when the token reaches its max TTL. */
  leaseDuration: number;
  renewable: boolean;
  policies: string[];
}

export interface KvWriteResult {
  version: number;
}

/** Structured logging as pino does it (`logger.warn({ ...fields }, 'message')`). Never receives secrets. */
export interface OpenBaoLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: OpenBaoLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
