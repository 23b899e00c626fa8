import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { freePort } from '../free-port';
import { HarnessError, HarnessErrorCode } from '../harness-error';
import { cleanEnv, findExecutable } from '../process/find-binary';
import { ManagedProcess } from '../process/managed-process';
import { trackResource, type TrackedResource } from '../process/registry';
import { pollUntil } from '../wait';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;
const MACHINE_SERVERS: readonly string[] = ['nats://127.0.0.1:4222'];

/** A nats-server with JetStream the harness started for a test (its own port and store). */
export interface NatsInstance {
  /** ["nats://127.0.0.1:<port>"] */
  readonly servers: string[];
  readonly port: number;
  /** JetStream's file store, removed by stop(). */
  readonly storeDir: string;
  readonly pid: number | null;
  isRunning(): boolean;
  /** Stops the server and removes its store. Idempotent. */
  stop(): Promise<void>;
}

/** The machine's shared NATS server, for code that wants it rather than a private one. */
export function machineNatsServers(): string[] {
  return [...MACHINE_SERVERS];
}

class NatsServer implements NatsInstance {
  private proc: ManagedProcess | null = null;
  private boundPort = 0;
  private removed = false;

  constructor(
    private readonly binary: string,
    private readonly baseDir: string,
    private readonly tracked: TrackedResource,
  ) {}

  get servers(): string[] {
    return [`nats://${HOST}:${this.boundPort}`];
  }

  get port(): number {
    return this.boundPort;
  }

  get storeDir(): string {
    return join(this.baseDir, 'jetstream');
  }

  get pid(): number | null {
    return this.proc?.isRunning() === true ? this.proc.pid : null;
  }

  isRunning(): boolean {
    return this.proc?.isRunning() === true;
  }

  async start(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const port = await freePort();
      const proc = this.spawn(port);
      const ready = await pollUntil(async () => (!proc.isRunning() || (await canConnect(port)) ? true : undefined), READY_TIMEOUT_MS, 20);
      if (ready === true && proc.isRunning()) return;
      const log = proc.logTail();
      await this.stopProcess();
      if (/address already in use/i.test(log) && attempt < PORT_ATTEMPTS) continue;
      if (ready === undefined) {
        throw new HarnessError(HarnessErrorCode.START_TIMEOUT, `nats-server not accepting connections on port ${port} after ${READY_TIMEOUT_MS} ms: ${log}`);
      }
      throw new HarnessError(HarnessErrorCode.START_FAILED, `nats-server ${proc.exitDescription()} during start on port ${port}: ${log}`);
    }
  }

  async stop(): Promise<void> {
    await this.stopProcess();
    if (!this.removed) {
      rmSync(this.baseDir, { recursive: true, force: true });
      this.removed = true;
      this.tracked.release();
    }
  }

  private spawn(port: number): ManagedProcess {
    this.boundPort = port;
    this.proc = ManagedProcess.spawn(
      {
        command: this.binary,
        args: ['-js', '-a', HOST, '-p', String(port), '-sd', this.storeDir, '-n', `sysmanage-harness-${port}`],
        env: cleanEnv(),
        logFile: join(this.baseDir, 'nats-server.log'),
      },
      this.tracked,
    );
    return this.proc;
  }

  private async stopProcess(): Promise<void> {
    if (this.proc === null) return;
    await this.proc.stop('SIGTERM', STOP_GRACE_MS);
    this.proc = null;
    this.tracked.clearProcess();
  }
}

async function canConnect(port: number): Promise<boolean> {
  try {
    const nc = await connect({ servers: `${HOST}:${port}`, reconnect: false, timeout: 500 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a private `nats-server -js` (tests sharing the machine server's
 * subjects and streams would see each other's messages).
 */
export async function startNats(): Promise<NatsInstance> {
  const binary = findExecutable('nats-server', ['/usr/sbin/nats-server', '/usr/local/bin/nats-server']);
  if (binary === null) {
    throw new HarnessError(HarnessErrorCode.BINARY_NOT_FOUND, 'nats-server not found in /usr/sbin, /usr/local/bin or on PATH (Debian: apt-get install nats-server)');
  }
  const baseDir = mkdtempSync(join(tmpdir(), 'sysmanage-nats-'));
  const tracked = trackResource('nats', [baseDir]);
  const server = new NatsServer(binary, baseDir, tracked);
  try {
    await server.start();
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}
