import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, type ClientConfig, type QueryResultRow } from 'pg';
import { HarnessError, HarnessErrorCode } from '../harness-error';
import { freePort } from '../free-port';
import { cleanEnv } from '../process/find-binary';
import { ManagedProcess } from '../process/managed-process';
import { trackResource, type TrackedResource } from '../process/registry';
import { ServerProcess, startOrCleanUp } from '../process/server-process';
import { findPgBinaries, type PgBinaries } from './pg-binaries';
import { quoteDatabaseName } from './pg-identifier';
import type { PgInstance, PgStopOptions, StartPostgresOptions } from './pg-instance';
import { postgresOsUser, type OsUser } from './pg-os-user';
import { pgTemplate } from './pg-template';

const execFileAsync = promisify(execFile);
const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 20_000;

/** Test settings: durability off (data is thrown away), room for many pools, little memory per instance. */
const SETTINGS: Record<string, string> = {
  listen_addresses: HOST,
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_connections: '200',
  shared_buffers: '32MB',
  huge_pages: 'off',
  jit: 'off',
  password_encryption: 'scram-sha-256',
};

class PostgresServer extends ServerProcess implements PgInstance {
  readonly host = HOST;
  readonly superuser = SUPERUSER;
  readonly dataDir: string;
  private readonly socketDir: string;
  private password: string;

  constructor(
    readonly name: string,
    private readonly binaries: PgBinaries,
    baseDir: string,
    tracked: TrackedResource,
    private readonly user: OsUser | null,
    initialPassword: string,
  ) {
    // SIGINT is PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit.
    super(`PostgreSQL "${name}"`, baseDir, tracked, 'SIGINT', 10_000);
    this.dataDir = join(baseDir, 'data');
    this.socketDir = join(baseDir, 'socket');
    this.password = initialPassword;
  }

  get superuserPassword(): string {
    return this.password;
  }

  get source(): PgBinaries['source'] {
    return this.binaries.source;
  }

  get version(): string {
    return this.binaries.version;
  }

  clientConfig(database = 'postgres'): ClientConfig {
    return { host: this.host, port: this.port, user: this.superuser, password: this.password, database };
  }

  url(database = 'postgres'): string {
    return `postgresql://${this.superuser}:${encodeURIComponent(this.password)}@${this.host}:${this.port}/${encodeURIComponent(database)}`;
  }

  async query<R = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<R[]> {
    if (!this.isRunning()) {
      throw new HarnessError(
        HarnessErrorCode.NOT_RUNNING,
        `${this.label} on port ${this.port} is not running`,
      );
    }
    const client = new Client(this.clientConfig(database));
    // A server-side disconnect (stop() during a query) must not become an unhandled 'error' event.
    client.on('error', () => undefined);
    await client.connect();
    try {
      const result = await client.query<QueryResultRow>(sql, params);
      return result.rows as R[];
    } finally {
      await client.end();
    }
  }

  async createDatabase(name: string): Promise<void> {
    await this.query(`CREATE DATABASE ${quoteDatabaseName(name)}`);
  }

  override async stop(options: PgStopOptions = {}): Promise<void> {
    await this.stopProcess();
    if (options.keepData !== true) this.removeDir();
  }

  async start(): Promise<void> {
    if (this.dirRemoved) {
      throw new HarnessError(
        HarnessErrorCode.START_FAILED,
        `${this.label}: its data directory was removed by stop(); use stop({ keepData: true }) to restart later`,
      );
    }
    if (this.isRunning()) {
      throw new HarnessError(
        HarnessErrorCode.ALREADY_RUNNING,
        `${this.label} is already running on port ${this.port}`,
      );
    }
    const port = this.port;
    await this.launch({
      port: () => Promise.resolve(port),
      attempts: 1,
      readyTimeoutMs: READY_TIMEOUT_MS,
      pollMs: 10,
    });
  }

  /** First start: a fresh port (retried if another process grabs it), then the instance's own password. */
  async firstStart(): Promise<void> {
    await this.launch({ port: freePort, attempts: 3, readyTimeoutMs: READY_TIMEOUT_MS, pollMs: 10 });
    const fresh = randomBytes(24).toString('hex');
    const client = new Client(this.clientConfig());
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${client.escapeLiteral(fresh)}`);
    } finally {
      await client.end();
    }
    this.password = fresh;
  }

  protected spawnOn(port: number): ManagedProcess {
    const settings = { ...SETTINGS, unix_socket_directories: this.socketDir };
    const logFile = join(this.baseDir, 'postgres.log');
    // Truncate: the tail in error messages must be this start's.
    rmSync(logFile, { force: true });
    return ManagedProcess.spawn(
      {
        command: this.binaries.postgres,
        args: [
          '-D',
          this.dataDir,
          '-p',
          String(port),
          ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
        ],
        user: this.user ?? undefined,
        env: cleanEnv(),
        logFile,
      },
      this.tracked,
    );
  }

  /** Line 8 of postmaster.pid turns to "ready" once connections are accepted. */
  protected ready(): Promise<boolean> {
    try {
      return Promise.resolve(
        readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[7]?.trim() === 'ready',
      );
    } catch {
      return Promise.resolve(false);
    }
  }
}

function safeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 20) || 'pg';
}

/**
 * Starts a PostgreSQL cluster of our own (never the machine's trust-auth one):
 * SCRAM password auth, 127.0.0.1 and a random free port, data in a temp dir.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PgInstance> {
  const name = options.name ?? 'pg';
  const binaries = await findPgBinaries(options.source ?? 'auto');
  const template = await pgTemplate(binaries);
  const user = postgresOsUser();
  const baseDir = mkdtempSync(join(tmpdir(), `sysmanage-pg-${safeName(name)}-`));
  const tracked = trackResource('postgres', [baseDir]);
  return startOrCleanUp(
    new PostgresServer(name, binaries, baseDir, tracked, user, template.password),
    async (server) => {
      mkdirSync(join(baseDir, 'socket'), { mode: 0o700 });
      if (user !== null) {
        chownSync(baseDir, user.uid, user.gid);
        chownSync(join(baseDir, 'socket'), user.uid, user.gid);
      }
      // cp -a keeps the PostgreSQL OS user as owner and the 0700 modes initdb set.
      await execFileAsync('cp', ['-a', template.dataDir, server.dataDir]);
      await server.firstStart();
    },
  );
}
