import type { VaultConfig } from '@sysmanage/config';
import { appRoleBody, parseLogin, parseSecretId, parseTokenInfo, parseTokenRenewal } from './auth-mapping';
import { configAuth } from './config-auth';
import { loginFor } from './config-login';
import {
  connectionBody,
  parseConnection,
  parseCredential,
  parseRenewal,
  parseRole,
  roleBody,
} from './database-mapping';
import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';
import { OpenBaoTransport, type TransportOptions } from './openbao-transport';
import {
  type AppRoleInput,
  type AppRoleSecretId,
  type AuthToken,
  type DatabaseConnection,
  type DatabaseConnectionInput,
  type DatabaseCredential,
  type DatabaseRole,
  type DatabaseRoleInput,
  type HealthStatus,
  type KvWriteResult,
  type LeaseInfo,
  type LeaseRenewal,
  type MountInfo,
  type MountTuning,
  type OpenBaoLogger,
  type SecretsEngineOptions,
  silentLogger,
  type TokenInfo,
  type TokenRenewal,
} from './openbao.types';
import { segment, segments } from './path-segments';
import { dataOf, num, optStr, record, strList } from './response-fields';
import type { RetryOptions } from './retry';
import { parseHealth, parseLease, parseMount, mountBody, tuneBody } from './sys-mapping';
import { TokenRenewer, type TokenRenewerOptions, type TokenRenewerStats } from './token-renewer';

/** Server, token, timeout (default 10 s), retry (default 4 attempts, 100 ms base, 5 s cap), clock, jitter source. */
export interface OpenBaoClientOptions extends TransportOptions {
  logger?: OpenBaoLogger;
}

export interface FromConfigOptions extends Omit<OpenBaoClientOptions, 'url' | 'token'> {
  /** Where AppRole is mounted; default `approle`. */
  appRoleMount?: string;
  renewal?: Pick<TokenRenewerOptions, 'renewAtFraction' | 'retryDelayMs'>;
}

export type TokenChangeListener = (change: {
  accessor: string;
  leaseDuration: number;
  policies: string[];
}) => void;

/**
 * kv v2 answers 400 "Waiting for the primary to upgrade" for a moment after
 * it is mounted (and after a restart): kv calls get a longer retry budget.
 */
const KV_RETRY: Partial<RetryOptions> = { attempts: 12, maxDelayMs: 1_000 };
const HEALTH_RETRY: Partial<RetryOptions> = { attempts: 1 };

/** Typed access to the parts of OpenBAO's HTTP API that SysManage uses. */
export class OpenBaoClient {
  private readonly transport: OpenBaoTransport;
  private readonly logger: OpenBaoLogger;
  private currentToken: string;
  private renewer: TokenRenewer | null = null;
  private readonly tokenListeners = new Set<TokenChangeListener>();

  constructor(private readonly options: OpenBaoClientOptions) {
    this.transport = new OpenBaoTransport(options);
    this.logger = options.logger ?? silentLogger;
    this.currentToken = options.token ?? '';
  }

  /**
   * A client authenticated as `vault:` in the config says: AppRole (role_id +
   * secret_id_file, then login), token_file, or token. Its token is kept
   * alive by a TokenRenewer until close().
   */
  static async fromConfig(vault: VaultConfig, options: FromConfigOptions = {}): Promise<OpenBaoClient> {
    const auth = configAuth(vault);
    const client = new OpenBaoClient({ ...options, url: vault.url });
    const login = loginFor(client, auth, options.appRoleMount ?? 'approle');
    const first = await login();
    client.setToken(first.token);
    client.startTokenRenewal(first, auth.kind === 'token' ? null : login, options.renewal);
    client.logger.info(
      {
        method: auth.kind,
        accessor: first.accessor,
        policies: first.policies,
        ttlSeconds: first.leaseDuration,
      },
      'OpenBAO client authenticated',
    );
    return client;
  }

  get url(): string {
    return this.transport.url;
  }

  /** A client for the same server and settings acting with another token. */
  withToken(token: string): OpenBaoClient {
    return new OpenBaoClient({ ...this.options, token, vault: undefined });
  }

  /** Replaces the token; listeners hear of it when a previous token was in use (leases of the old one will die with it). */
  setToken(token: string, auth?: Pick<AuthToken, 'accessor' | 'leaseDuration' | 'policies'>): void {
    const previous = this.currentToken;
    this.currentToken = token;
    this.transport.setToken(token);
    if (previous === '' || previous === token) return;
    const change = {
      accessor: auth?.accessor ?? '',
      leaseDuration: auth?.leaseDuration ?? 0,
      policies: auth?.policies ?? [],
    };
    for (const listener of this.tokenListeners) listener(change);
  }

  /** Called after the client's token was replaced by a new login. Returns the unsubscribe function. */
  onTokenChange(listener: TokenChangeListener): () => void {
    this.tokenListeners.add(listener);
    return () => this.tokenListeners.delete(listener);
  }

  /** Keeps the current token alive (see TokenRenewer); replaces a running renewer. */
  startTokenRenewal(
    current: { leaseDuration: number; renewable: boolean },
    reauthenticate: (() => Promise<AuthToken>) | null,
    options: Pick<TokenRenewerOptions, 'renewAtFraction' | 'retryDelayMs'> = {},
  ): void {
    this.renewer?.stop();
    this.renewer = new TokenRenewer({
      ...options,
      renewSelf: (increment) => this.renewSelf(increment),
      reauthenticate,
      useToken: (auth) => this.setToken(auth.token, auth),
      clock: this.options.clock,
      logger: this.logger,
    });
    this.renewer.start({ ttl: current.leaseDuration, renewable: current.renewable });
  }

  tokenRenewerStats(): TokenRenewerStats | null {
    return this.renewer?.stats() ?? null;
  }

  /** Stops token renewal. Requests still work until the token expires. */
  close(): void {
    this.renewer?.stop();
    this.renewer = null;
    this.tokenListeners.clear();
  }

  // ---- sys ----

  /** Never throws for a sealed/standby server (that is in the result); throws UNREACHABLE/TIMEOUT. Not retried. */
  async health(): Promise<HealthStatus> {
    const path = 'sys/health';
    return parseHealth(
      await this.transport.call('GET', `${path}?standbyok=true&perfstandbyok=true`, { retry: HEALTH_RETRY }),
      path,
    );
  }

  /** Mounts a secrets engine; a mount of the same type at that path is accepted and tuned to the given TTLs. */
  async enableSecretsEngine(path: string, type: string, options: SecretsEngineOptions = {}): Promise<void> {
    const mount = segments('mount path', path);
    const apiPath = `sys/mounts/${mount}`;
    try {
      await this.transport.call('POST', apiPath, { body: mountBody(type, options) });
      return;
    } catch (err) {
      if (!alreadyInUse(err)) throw err;
    }
    const existing = await this.readMount(mount);
    const wantedVersion = options.options?.['version'];
    if (
      existing === null ||
      existing.type !== type ||
      (wantedVersion !== undefined && existing.options['version'] !== wantedVersion)
    ) {
      const found =
        existing === null
          ? 'something else'
          : `type ${existing.type}${existing.options['version'] ? ` v${existing.options['version']}` : ''}`;
      throw conflict(
        apiPath,
        `${mount}/ is already mounted as ${found}, not ${type}${wantedVersion ? ` v${wantedVersion}` : ''}`,
      );
    }
    if (options.defaultLeaseTtl !== undefined || options.maxLeaseTtl !== undefined)
      await this.tuneMount(mount, options);
  }

  /** The mount at `path`, or null when nothing is mounted there. */
  async readMount(path: string): Promise<MountInfo | null> {
    const mount = segments('mount path', path);
    const apiPath = `sys/mounts/${mount}`;
    try {
      return parseMount(mount, await this.transport.call('GET', apiPath), apiPath);
    } catch (err) {
      if (
        err instanceof OpenBaoError &&
        err.code === OpenBaoErrorCode.BAD_REQUEST &&
        /no secret engine mount/i.test(err.message)
      )
        return null;
      throw err;
    }
  }

  async tuneMount(path: string, tuning: MountTuning): Promise<void> {
    await this.transport.call('POST', `sys/mounts/${segments('mount path', path)}/tune`, {
      body: tuneBody(tuning),
    });
  }

  /** Enables an auth method; the same type already at that path is accepted. */
  async enableAuthMethod(path: string, type: string): Promise<void> {
    const mount = segments('auth path', path);
    const apiPath = `sys/auth/${mount}`;
    try {
      await this.transport.call('POST', apiPath, { body: { type } });
      return;
    } catch (err) {
      if (!alreadyInUse(err)) throw err;
    }
    const existing = dataOf(await this.transport.call('GET', apiPath), apiPath);
    const existingType = optStr(existing, 'type');
    if (existingType !== type)
      throw conflict(
        apiPath,
        `auth/${mount}/ is already enabled as ${existingType ?? 'something else'}, not ${type}`,
      );
  }

  // ---- database secrets engine ----

  async writeDatabaseConnection(mount: string, name: string, input: DatabaseConnectionInput): Promise<void> {
    await this.transport.call('POST', connectionPath(mount, name), { body: connectionBody(input) });
  }

  async readDatabaseConnection(mount: string, name: string): Promise<DatabaseConnection | null> {
    const path = connectionPath(mount, name);
    return orNull(async () => parseConnection(name, await this.transport.call('GET', path), path));
  }

  async deleteDatabaseConnection(mount: string, name: string): Promise<void> {
    await this.transport.call('DELETE', connectionPath(mount, name));
  }

  /** Sets a new password for the connection's user that only OpenBAO knows. */
  async rotateRoot(mount: string, name: string): Promise<void> {
    await this.transport.call(
      'POST',
      `${segments('mount path', mount)}/rotate-root/${segment('connection name', name)}`,
      { idempotent: false },
    );
  }

  async writeDatabaseRole(mount: string, name: string, input: DatabaseRoleInput): Promise<void> {
    await this.transport.call('POST', rolePath(mount, name), { body: roleBody(input) });
  }

  async readDatabaseRole(mount: string, name: string): Promise<DatabaseRole | null> {
    const path = rolePath(mount, name);
    return orNull(async () => parseRole(name, await this.transport.call('GET', path), path));
  }

  async deleteDatabaseRole(mount: string, name: string): Promise<void> {
    await this.transport.call('DELETE', rolePath(mount, name));
  }

  async listDatabaseRoles(mount: string): Promise<string[]> {
    const path = `${segments('mount path', mount)}/roles`;
    return (
      (await orNull(async () => strList(dataOf(await this.transport.call('LIST', path), path), 'keys'))) ?? []
    );
  }

  /**
   * Issues a new PostgreSQL login (a new role in the database). Not repeated
   * after a timeout: a second request would create a second role. Prefer
   * LeaseCache over calling this per use.
   */
  async generateCredentials(mount: string, role: string): Promise<DatabaseCredential> {
    const path = `${segments('mount path', mount)}/creds/${segment('role name', role)}`;
    return parseCredential(
      await this.transport.call('GET', path, { idempotent: false }),
      path,
      this.transport.clock,
    );
  }

  // ---- leases ----

  async renewLease(leaseId: string, incrementSeconds?: number): Promise<LeaseRenewal> {
    const path = 'sys/leases/renew';
    const body: Record<string, unknown> = { lease_id: segments('lease id', leaseId) };
    if (incrementSeconds !== undefined) body['increment'] = incrementSeconds;
    return parseRenewal(await this.transport.call('POST', path, { body }), path);
  }

  /** Synchronous: when this resolves the revocation statements have run. Revoking an unknown/expired lease succeeds. */
  async revokeLease(leaseId: string): Promise<void> {
    await this.transport.call('POST', 'sys/leases/revoke', {
      body: { lease_id: segments('lease id', leaseId) },
    });
  }

  /** Revokes every lease under a prefix, e.g. `database/creds/tenant-acme-app`. Needs sudo. */
  async revokePrefix(prefix: string): Promise<void> {
    await this.transport.call('POST', `sys/leases/revoke-prefix/${segments('lease prefix', prefix)}`);
  }

  /** The lease's times, or null for an unknown (revoked/expired) lease. */
  async lookupLease(leaseId: string): Promise<LeaseInfo | null> {
    const path = 'sys/leases/lookup';
    try {
      return parseLease(
        await this.transport.call('POST', path, { body: { lease_id: segments('lease id', leaseId) } }),
        path,
      );
    } catch (err) {
      if (
        err instanceof OpenBaoError &&
        err.code === OpenBaoErrorCode.BAD_REQUEST &&
        /invalid lease/i.test(err.message)
      )
        return null;
      throw err;
    }
  }

  // ---- policies ----

  async putPolicy(name: string, hcl: string): Promise<void> {
    await this.transport.call('POST', `sys/policies/acl/${segment('policy name', name)}`, {
      body: { policy: hcl },
    });
  }

  /** The policy's HCL, or null. */
  async readPolicy(name: string): Promise<string | null> {
    const path = `sys/policies/acl/${segment('policy name', name)}`;
    return orNull(async () => optStr(dataOf(await this.transport.call('GET', path), path), 'policy') ?? '');
  }

  async deletePolicy(name: string): Promise<void> {
    await this.transport.call('DELETE', `sys/policies/acl/${segment('policy name', name)}`);
  }

  // ---- AppRole ----

  async writeAppRole(name: string, input: AppRoleInput, mount = 'approle'): Promise<void> {
    await this.transport.call(
      'POST',
      `auth/${segments('auth path', mount)}/role/${segment('AppRole name', name)}`,
      { body: appRoleBody(input) },
    );
  }

  async readAppRoleId(name: string, mount = 'approle'): Promise<string> {
    const path = `auth/${segments('auth path', mount)}/role/${segment('AppRole name', name)}/role-id`;
    const data = dataOf(await this.transport.call('GET', path), path);
    return optStr(data, 'role_id') ?? '';
  }

  async createAppRoleSecretId(name: string, mount = 'approle'): Promise<AppRoleSecretId> {
    const path = `auth/${segments('auth path', mount)}/role/${segment('AppRole name', name)}/secret-id`;
    return parseSecretId(await this.transport.call('POST', path, { idempotent: false }), path);
  }

  /** Logs in; does not change this client's token (see setToken / withToken). */
  async loginAppRole(roleId: string, secretId: string, mount = 'approle'): Promise<AuthToken> {
    const path = `auth/${segments('auth path', mount)}/login`;
    return parseLogin(
      await this.transport.call('POST', path, { body: { role_id: roleId, secret_id: secretId } }),
      path,
    );
  }

  // ---- token ----

  async lookupSelf(): Promise<TokenInfo> {
    const path = 'auth/token/lookup-self';
    return parseTokenInfo(await this.transport.call('GET', path), path);
  }

  async renewSelf(incrementSeconds?: number): Promise<TokenRenewal> {
    const path = 'auth/token/renew-self';
    return parseTokenRenewal(
      await this.transport.call('POST', path, {
        body: incrementSeconds === undefined ? {} : { increment: incrementSeconds },
      }),
      path,
    );
  }

  // ---- kv v2 ----

  async kvPut(mount: string, path: string, data: Record<string, unknown>): Promise<KvWriteResult> {
    const apiPath = `${segments('mount path', mount)}/data/${segments('kv path', path)}`;
    const body = await this.transport.call('POST', apiPath, { body: { data }, retry: KV_RETRY });
    return { version: num(dataOf(body, apiPath), 'version', apiPath) };
  }

  /** The latest version's data, or null when absent or deleted. */
  async kvGet<T extends Record<string, unknown> = Record<string, unknown>>(
    mount: string,
    path: string,
  ): Promise<T | null> {
    const apiPath = `${segments('mount path', mount)}/data/${segments('kv path', path)}`;
    const result = await orNull(async () =>
      record(dataOf(await this.transport.call('GET', apiPath, { retry: KV_RETRY }), apiPath)['data']),
    );
    return (result ?? null) as T | null;
  }

  async kvDelete(mount: string, path: string): Promise<void> {
    await this.transport.call(
      'DELETE',
      `${segments('mount path', mount)}/metadata/${segments('kv path', path)}`,
      { retry: KV_RETRY },
    );
  }
}

function connectionPath(mount: string, name: string): string {
  return `${segments('mount path', mount)}/config/${segment('connection name', name)}`;
}

function rolePath(mount: string, name: string): string {
  return `${segments('mount path', mount)}/roles/${segment('role name', name)}`;
}

async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof OpenBaoError && err.code === OpenBaoErrorCode.NOT_FOUND) return null;
    throw err;
  }
}

function alreadyInUse(err: unknown): boolean {
  return (
    err instanceof OpenBaoError &&
    err.code === OpenBaoErrorCode.BAD_REQUEST &&
    /already in use/i.test(err.message)
  );
}

function conflict(path: string, detail: string): OpenBaoError {
  return new OpenBaoError(`OpenBAO POST ${path} failed (400): ${detail}`, {
    code: OpenBaoErrorCode.BAD_REQUEST,
    status: 400,
    path,
    transient: false,
  });
}
