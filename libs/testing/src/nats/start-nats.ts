import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { freePort } from '../free-port';
import { HarnessError, HarnessErrorCode } from '../harness-error';
import { cleanEnv, findExecutable } from '../process/find-binary';
import { ManagedProcess } from '../process/managed-process';
import { trackResource, type TrackedResource } from '../process/registry';
import { ServerProcess, startOrCleanUp } from '../process/server-process';

const HOST = '127.0.0.1';
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

class NatsServer extends ServerProcess implements NatsInstance {
  constructor(
    private readonly binary: string,
    baseDir: string,
    tracked: TrackedResource,
  ) {
    super('nats-server', baseDir, tracked, 'SIGTERM', 5_000);
  }

  get servers(): string[] {
    return [`nats://${HOST}:${this.port}`];
  }

  get storeDir(): string {
    return join(this.baseDir, 'jetstream');
  }

  start(): Promise<void> {
    return this.launch({ port: freePort, attempts: 3, readyTimeoutMs: 10_000, pollMs: 20 });
  }

  protected spawnOn(port: number): ManagedProcess {
    return ManagedProcess.spawn(
      {
        command: this.binary,
        args: [
          '-js',
          '-a',
          HOST,
          '-p',
          String(port),
          '-sd',
          this.storeDir,
          '-n',
          `sysmanage-harness-${port}`,
        ],
        env: cleanEnv(),
        logFile: join(this.baseDir, 'nats-server.log'),
      },
      this.tracked,
    );
  }

  /** Ready means a client can connect (the server logs "ready" slightly before it accepts). */
  protected async ready(): Promise<boolean> {
    try {
      const nc = await connect({ servers: `${HOST}:${this.port}`, reconnect: false, timeout: 500 });
      await nc.close();
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Starts a private `nats-server -js` (tests sharing the machine server's
 * subjects and streams would see each other's messages).
 */
export async function startNats(): Promise<NatsInstance> {
  const binary = findExecutable('nats-server', ['/usr/sbin/nats-server', '/usr/local/bin/nats-server']);
  if (binary === null) {
    throw new HarnessError(
      HarnessErrorCode.BINARY_NOT_FOUND,
      'nats-server not found in /usr/sbin, /usr/local/bin or on PATH (Debian: apt-get install nats-server)',
    );
  }
  const baseDir = mkdtempSync(join(tmpdir(), 'sysmanage-nats-'));
  return startOrCleanUp(new NatsServer(binary, baseDir, trackResource('nats', [baseDir])), (server) =>
    server.start(),
  );
}
