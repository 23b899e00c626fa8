import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type SysManageConfig, type VaultConfig } from '@sysmanage/config';
import {
  type DatabaseServerSpec,
  type PgSslMode,
  type RestrictedDatabase,
  SERVER_NAME_REGEX,
} from '@sysmanage/tenancy';
import { type AdminCandidate, defaultAdminCandidates, urlCandidate } from './admin-candidates';
import type { CliFlags } from './cli-flags';
import { UsageError } from './cli-io';

export const TOKEN_REQUIRED =
  'an OpenBAO operator token is required: --bao-token, --bao-token-file, or $BAO_TOKEN / $VAULT_TOKEN';

export interface Registration {
  region: string;
  jurisdiction: string;
  capacity: number;
}

/** Everything one run does, resolved from the flags, the environment and the config. */
export interface BootstrapPlan {
  config: SysManageConfig;
  baoAddr: string;
  /** Never printed. Null: none given, the local server's init file root token is used (localBao is set then). */
  baoToken: string | null;
  /** The config's vault block when it has `bootstrap` and --bao-addr does not point elsewhere: start that server when nothing answers. */
  localBao: VaultConfig | null;
  kvMount: string;
  databaseMount: string;
  outDir: string;
  server: DatabaseServerSpec;
  /** Administrators to try, most explicit first; empty with --sql-only. */
  adminCandidates: AdminCandidate[];
  sqlOut: string;
  registryDatabases: RestrictedDatabase[];
  register: Registration | null;
}

const SSL_MODES: readonly PgSslMode[] = ['disable', 'require', 'verify-full'];

function integer(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new UsageError(`--${flag} must be an integer ${min}-${max}, not ${JSON.stringify(raw)}`);
  return Number(raw);
}

function sslMode(raw: string): PgSslMode {
  const mode = SSL_MODES.find((candidate) => candidate === raw);
  if (mode === undefined)
    throw new UsageError(`--pg-sslmode must be one of ${SSL_MODES.join(', ')}, not ${JSON.stringify(raw)}`);
  return mode;
}

/** Registry and shared databases are restricted when they live on this server (same host and port). */
function restrictedDatabases(config: SysManageConfig, server: DatabaseServerSpec): RestrictedDatabase[] {
  const blocks = config.sharedIsSeparate ? [config.registry, config.shared] : [config.registry];
  return blocks
    .filter((db) => db.host === server.host && db.port === server.port)
    .map((db) => ({ name: db.name, connect: [db.user] }));
}

/**
 * A file holding the token: plain text, or the local server's init file
 * (`<vault.bootstrap.data_path>/init.json`, `{"root_token": ...}`).
 */
function readTokenFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`--bao-token-file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  if (!text.startsWith('{')) return text;
  let token: unknown;
  try {
    token = (JSON.parse(text) as { root_token?: unknown }).root_token;
  } catch {
    throw new UsageError(`--bao-token-file ${file}: not valid JSON`);
  }
  if (typeof token !== 'string' || token === '')
    throw new UsageError(`--bao-token-file ${file}: no "root_token" in it`);
  return token;
}

export function resolvePlan(
  flags: CliFlags,
  io: { cwd: string; env: Record<string, string | undefined> },
): BootstrapPlan {
  const configFlag = flags.value('config');
  const { config } = loadConfig({
    argv: [],
    env: io.env,
    cwd: io.cwd,
    // The operator's token comes from --bao-token (or the local server); the services' AppRoles are written here.
    vaultCredential: 'optional',
    ...(configFlag === undefined ? {} : { path: path.resolve(io.cwd, configFlag) }),
  });

  const baoAddr = flags.value('bao-addr') ?? config.vault?.url;
  if (baoAddr === undefined) throw new UsageError('--bao-addr is required (the config has no vault.url)');
  const tokenFile = flags.value('bao-token-file');
  if (tokenFile !== undefined && flags.value('bao-token') !== undefined)
    throw new UsageError('give --bao-token or --bao-token-file, not both');
  const baoToken =
    tokenFile !== undefined
      ? readTokenFile(path.resolve(io.cwd, tokenFile))
      : (flags.value('bao-token') ?? io.env['BAO_TOKEN'] ?? io.env['VAULT_TOKEN']);
  const vault = config.vault;
  const localBao = vault?.bootstrap !== undefined && baoAddr === vault.url ? vault : null;
  if ((baoToken === undefined || baoToken === '') && localBao === null) throw new UsageError(TOKEN_REQUIRED);

  const name = flags.value('server') ?? 'local';
  if (!SERVER_NAME_REGEX.test(name))
    throw new UsageError(`--server must match ${SERVER_NAME_REGEX.source}, not ${JSON.stringify(name)}`);
  const portFlag = flags.value('pg-port');
  const sslFlag = flags.value('pg-sslmode');
  const server: DatabaseServerSpec = {
    name,
    host: flags.value('pg-host') ?? config.registry.host,
    port: portFlag === undefined ? config.registry.port : integer('pg-port', portFlag, 1, 65535),
    sslMode: sslFlag === undefined ? config.registry.ssl : sslMode(sslFlag),
  };
  const adminUrl = flags.value('pg-admin-url');
  if (adminUrl !== undefined && flags.on('sql-only'))
    throw new UsageError('give --pg-admin-url or --sql-only, not both');
  const adminCandidates = flags.on('sql-only')
    ? []
    : adminUrl !== undefined
      ? [urlCandidate(adminUrl, '--pg-admin-url')]
      : defaultAdminCandidates(server, config.registry, io.env);

  const registering = flags.on('register');
  for (const flag of ['region', 'jurisdiction', 'capacity'] as const) {
    if (!registering && flags.value(flag) !== undefined)
      throw new UsageError(`--${flag} only goes with --register`);
  }
  const capacity = flags.value('capacity');
  return {
    config,
    baoAddr,
    baoToken: baoToken === undefined || baoToken === '' ? null : baoToken,
    localBao,
    kvMount: flags.value('kv-mount') ?? config.vault?.mountPath ?? 'secret',
    databaseMount: flags.value('database-mount') ?? config.vault?.databaseMountPath ?? 'database',
    outDir: path.resolve(io.cwd, flags.value('out-dir') ?? './data/approle'),
    server,
    adminCandidates,
    sqlOut: path.resolve(io.cwd, flags.value('sql-out') ?? `./data/provision-bootstrap-${name}.sql`),
    registryDatabases: restrictedDatabases(config, server),
    register: registering
      ? {
          region: flags.value('region') ?? 'local',
          jurisdiction: flags.value('jurisdiction') ?? 'local',
          capacity: capacity === undefined ? 100 : integer('capacity', capacity, 0, 1_000_000),
        }
      : null,
  };
}
