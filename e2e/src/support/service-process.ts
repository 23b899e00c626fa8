import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { builtMain, cleanEnv, WORKSPACE, type StackService } from './built-programs';

const READY_TIMEOUT_MS = 60_000;
const SETPRIV = '/usr/bin/setpriv';
const STOP_GRACE_MS = 10_000;

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One built service running as its own process (`node dist/apps/<service>/src/main.js
 * --config <file>`, `serve` for the migrator), its stdout/stderr appended to a
 * log file. Started again after stop()/kill() on the same port and environment.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<ServiceExit> | null = null;

  constructor(
    readonly name: StackService,
    readonly port: number,
    private readonly configPath: string,
    /** Only what the fixture gives this service on purpose (its AppRole, keys, settings). */
    readonly env: Readonly<Record<string, string>>,
    readonly logFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | null {
    return this.running() ? (this.child?.pid ?? null) : null;
  }

  running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process and resolves once GET /health/ready answers 200. */
  async start(): Promise<void> {
    if (this.running()) throw new Error(`${this.name} is already running (pid ${this.child?.pid})`);
    const node = [process.execPath, '--enable-source-maps', builtMain(this.name)];
    const args = [...node, ...(this.name === 'migrator' ? ['serve'] : []), '--config', this.configPath];
    // Through setpriv --pdeathsig: the service dies with the test process even when that is SIGKILLed.
    const withSetpriv = existsSync(SETPRIV);
    const child = spawn(
      withSetpriv ? SETPRIV : process.execPath,
      withSetpriv ? ['--pdeathsig', 'KILL', '--', ...args] : args.slice(1),
      {
        cwd: WORKSPACE,
        env: cleanEnv({ ...this.env }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const log = createWriteStream(this.logFile, { flags: 'a' });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
    await this.waitReady();
  }

  /** SIGTERM (the service's graceful shutdown), SIGKILL after a grace period. */
  async stop(): Promise<ServiceExit | null> {
    if (!this.running() || this.child === null || this.exited === null) return null;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), STOP_GRACE_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** SIGKILL: the process dies mid-whatever, as in a crash. */
  async kill(): Promise<ServiceExit | null> {
    if (!this.running() || this.child === null || this.exited === null) return null;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Everything the process wrote so far (JSON log lines, plus any stderr). */
  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (!this.running()) {
        const exit = await this.exited;
        throw new Error(`${this.name} exited (${JSON.stringify(exit)}) before it was ready:\n${this.tail()}`);
      }
      try {
        const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200) return;
        last = `${res.status} ${await res.text()}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(
      `${this.name} not ready on ${this.url} after ${READY_TIMEOUT_MS} ms (last: ${last}):\n${this.tail()}`,
    );
  }

  private tail(): string {
    return this.log().split('\n').slice(-30).join('\n');
  }
}
