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
import { pollUntil } from '../wait';
import { findPgBinaries, type PgBinaries } from './pg-binaries';
import { quoteDatabaseName } from './pg-identifier';
import type { PgInstance, PgStopOptions, StartPostgresOptions } from './pg-instance';
import { postgresOsUser, type OsUser } from './pg-os-user';
import { pgTemplate } from './pg-template';

const execFileAsync = promisify(execFile);
const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 10_000;
const PORT_ATTEMPTS = 3;

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

class PortInUseError extends Error {}

class PostgresServer implements PgInstance {
  readonly host = HOST;
  readonly superuser = SUPERUSER;
  readonly dataDir: string;
  private readonly socketDir: string;
  private proc: ManagedProcess | null = null;
  private removed = false;
  private password: string;
  private boundPort = 0;

  constructor(
    readonly name: string,
    private readonly binaries: PgBinaries,
    private readonly baseDir: string,
    private readonly tracked: TrackedResource,
    private readonly user: OsUser | null,
    initialPassword: string,
  ) {
    this.dataDir = join(baseDir, 'data');
    this.socketDir = join(baseDir, 'socket');
    this.password = initialPassword;
  }

  get port(): number {
    return this.boundPort;
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

  get pid(): number | null {
    return this.proc?.isRunning() === true ? this.proc.pid : null;
  }

  isRunning(): boolean {
    return this.proc?.isRunning() === true;
  }

  clientConfig(database = 'postgres'): ClientConfig {
    return { host: this.host, port: this.port, user: this.superuser, password: this.password, database };
  }

  url(database = 'postgres'): string {
    return `postgresql://${this.superuser}:${encodeURIComponent(this.password)}@${this.host}:${this.port}/${encodeURIComponent(database)}`;
  }

  async query<R = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<R[]> {
    if (!this.isRunning()) {
      throw new HarnessError(HarnessErrorCode.NOT_RUNNING, `PostgreSQL "${this.name}" on port ${this.port} is not running`);
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

  async stop(options: PgStopOptions = {}): Promise<void> {
    if (this.proc !== null) {
      // SIGINT is PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit.
      await this.proc.stop('SIGINT', STOP_GRACE_MS);
      this.proc = null;
      this.tracked.clearProcess();
    }
    if (options.keepData !== true && !this.removed) {
      rmSync(this.baseDir, { recursive: true, force: true });
      this.removed = true;
      this.tracked.release();
    }
  }

  async start(): Promise<void> {
    if (this.removed) {
      throw new HarnessError(
        HarnessErrorCode.START_FAILED,
        `PostgreSQL "${this.name}": its data directory was removed by stop(); use stop({ keepData: true }) to restart later`,
      );
    }
    if (this.isRunning()) {
      throw new HarnessError(HarnessErrorCode.ALREADY_RUNNING, `PostgreSQL "${this.name}" is already running on port ${this.port}`);
    }
    try {
      await this.boot(this.port);
    } catch (err) {
      if (err instanceof PortInUseError) {
        throw new HarnessError(HarnessErrorCode.START_FAILED, `PostgreSQL "${this.name}" cannot restart: port ${this.port} is now taken`);
      }
      throw err;
    }
  }

  /** First start: a fresh port (retried if another process grabs it), then the instance's own password. */
  async firstStart(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.boot(await freePort());
        break;
      } catch (err) {
        if (!(err instanceof PortInUseError) || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
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

  private async boot(port: number): Promise<void> {
    const settings = { ...SETTINGS, unix_socket_directories: this.socketDir };
    const args = ['-D', this.dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const logFile = join(this.baseDir, 'postgres.log');
    rmSync(logFile, { force: true });
    const proc = ManagedProcess.spawn(
      {
        command: this.binaries.postgres,
        args,
        user: this.user ?? undefined,
        env: cleanEnv(),
        logFile,
      },
      this.tracked,
    );
    this.proc = proc;
    this.boundPort = port;
    const ready = await pollUntil(async () => (!proc.isRunning() || this.postmasterReady() ? true : undefined), READY_TIMEOUT_MS, 10);
    if (proc.isRunning() && ready === true) return;

    const log = proc.logTail();
    await proc.stop('SIGKILL', STOP_GRACE_MS);
    this.proc = null;
    this.tracked.clearProcess();
    if (/could not bind|Address already in use/.test(log)) throw new PortInUseError(log);
    if (ready === undefined) {
      throw new HarnessError(HarnessErrorCode.START_TIMEOUT, `PostgreSQL "${this.name}" not ready on port ${port} after ${READY_TIMEOUT_MS} ms: ${log}`);
    }
    throw new HarnessError(HarnessErrorCode.START_FAILED, `PostgreSQL "${this.name}" ${proc.exitDescription()} during start: ${log}`);
  }

  /** Line 8 of postmaster.pid turns to "ready" once connections are accepted. */
  private postmasterReady(): boolean {
    try {
      return readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[7]?.trim() === 'ready';
    } catch {
      return false;
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
  const server = new PostgresServer(name, binaries, baseDir, tracked, user, template.password);
  try {
    mkdirSync(join(baseDir, 'socket'), { mode: 0o700 });
    if (user !== null) {
      chownSync(baseDir, user.uid, user.gid);
      chownSync(join(baseDir, 'socket'), user.uid, user.gid);
    }
    // cp -a keeps the PostgreSQL OS user as owner and the 0700 modes initdb set.
    await execFileAsync('cp', ['-a', template.dataDir, server.dataDir]);
    await server.firstStart();
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}
