import { rmSync } from 'node:fs';
import { HarnessError, HarnessErrorCode } from '../harness-error';
import { pollUntil } from '../wait';
import type { ManagedProcess } from './managed-process';
import type { TrackedResource } from './registry';

export interface LaunchOptions {
  /** Picks the port for each attempt (a fresh free port, or the same one on restart). */
  port: () => Promise<number>;
  /** Attempts when another process grabbed the port first. */
  attempts: number;
  readyTimeoutMs: number;
  pollMs: number;
}

const PORT_IN_USE = /address already in use|could not bind/i;

/**
 * What the harness's servers share: a child process on a port, a temp dir
 * (removed once), start with readiness polling and a retry when the port was
 * taken, stop with a grace period.
 */
export abstract class ServerProcess {
  protected proc: ManagedProcess | null = null;
  private boundPort = 0;
  private removed = false;

  protected constructor(
    /** For messages, e.g. `PostgreSQL "tenant-a"`. */
    protected readonly label: string,
    protected readonly baseDir: string,
    protected readonly tracked: TrackedResource,
    private readonly stopSignal: NodeJS.Signals,
    private readonly stopGraceMs: number,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get pid(): number | null {
    return this.proc?.isRunning() === true ? this.proc.pid : null;
  }

  isRunning(): boolean {
    return this.proc?.isRunning() === true;
  }

  /** Stops the process and removes the temp dir. Idempotent. */
  async stop(): Promise<void> {
    await this.stopProcess();
    this.removeDir();
  }

  protected get dirRemoved(): boolean {
    return this.removed;
  }

  /** Starts the child on `port`; ManagedProcess.spawn with this.tracked. */
  protected abstract spawnOn(port: number): ManagedProcess;

  /** True once the server accepts work. */
  protected abstract ready(): Promise<boolean>;

  protected async launch(options: LaunchOptions): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const port = await options.port();
      this.boundPort = port;
      const proc = this.spawnOn(port);
      this.proc = proc;
      const ready = await pollUntil(
        async () => (!proc.isRunning() || (await this.ready()) ? true : undefined),
        options.readyTimeoutMs,
        options.pollMs,
      );
      if (ready === true && proc.isRunning()) return;

      const log = proc.logTail();
      await this.stopProcess();
      if (PORT_IN_USE.test(log)) {
        if (attempt < options.attempts) continue;
        throw new HarnessError(
          HarnessErrorCode.START_FAILED,
          `${this.label} cannot start: port ${port} is taken (${attempt} attempt(s)): ${log}`,
        );
      }
      if (ready === undefined) {
        throw new HarnessError(
          HarnessErrorCode.START_TIMEOUT,
          `${this.label} not ready on port ${port} after ${options.readyTimeoutMs} ms: ${log}`,
        );
      }
      throw new HarnessError(
        HarnessErrorCode.START_FAILED,
        `${this.label} ${proc.exitDescription()} during start on port ${port}: ${log}`,
      );
    }
  }

  protected async stopProcess(): Promise<void> {
    if (this.proc === null) return;
    await this.proc.stop(this.stopSignal, this.stopGraceMs);
    this.proc = null;
    this.tracked.clearProcess();
  }

  protected removeDir(): void {
    if (this.removed) return;
    rmSync(this.baseDir, { recursive: true, force: true });
    this.removed = true;
    this.tracked.release();
  }
}

/** Runs `start`; on failure stops the server (process and dir) before rethrowing, so a failed start leaks nothing. */
export async function startOrCleanUp<T extends ServerProcess>(
  server: T,
  start: (server: T) => Promise<void>,
): Promise<T> {
  try {
    await start(server);
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}
