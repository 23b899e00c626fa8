import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SETPRIV = '/usr/bin/setpriv';
const DEFAULT_READY_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_GRACE_MS = 10_000;
/** Variables that configure SysManage, OpenBAO or PostgreSQL clients: a service gets them only on purpose. */
const CONFIGURING = /^(SYSMANAGE_|VAULT_|BAO_|PG)/;

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BuiltServiceSpec {
  /** Names the service in errors. */
  name: string;
  /** The built entry point, `dist/<project root>/src/main.js`. */
  main: string;
  args: readonly string[];
  cwd: string;
  /** What the service is given on purpose; the rest of its environment is serviceEnv()'s. */
  env: Readonly<Record<string, string>>;
  /** Node flags before the entry point (e.g. --cpu-prof); --enable-source-maps is always given. */
  nodeArgs?: readonly string[];
  /** stdout and stderr are appended to it. */
  logFile: string;
  /** start() resolves once it answers 200; without it, once the process is spawned. */
  readyUrl?: string;
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
}

/**
 * The environment of a spawned service: this process's, without anything
 * that configures SysManage, OpenBAO or PostgreSQL clients (a developer's
 * shell must not leak into a test), plus `extra`.
 */
export function serviceEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!CONFIGURING.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * A built service (or tool) as its own process, for tests and benchmarks:
 * `node --enable-source-maps <main> ...args`, its output appended to a log
 * file, started again after stop() or kill(). Spawned through `setpriv
 * --pdeathsig KILL` where it exists, so the process dies with the one that
 * started it even when that one is SIGKILLed.
 */
export class BuiltService {
  private child: ChildProcess | null = null;
  private exit: Promise<ServiceExit> | null = null;

  constructor(readonly spec: BuiltServiceSpec) {}

  /** The running process's pid; null when it is not running. */
  get pid(): number | null {
    return this.running() ? (this.child?.pid ?? null) : null;
  }

  /** Resolves when the process last started ends. */
  get exited(): Promise<ServiceExit> {
    if (this.exit === null) throw new Error(`${this.spec.name} was never started`);
    return this.exit;
  }

  running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process; with a readyUrl, resolves once it answers 200 (rejects if the process ends first). */
  async start(): Promise<void> {
    const { name, main, args, cwd, env, nodeArgs = [], logFile, readyUrl } = this.spec;
    if (this.running()) throw new Error(`${name} is already running (pid ${this.child?.pid})`);
    if (!existsSync(main)) throw new Error(`${main} is missing: build ${name} first`);
    const command = [process.execPath, ...nodeArgs, '--enable-source-maps', main, ...args];
    const withSetpriv = existsSync(SETPRIV);
    const child = spawn(
      withSetpriv ? SETPRIV : process.execPath,
      withSetpriv ? ['--pdeathsig', 'KILL', '--', ...command] : command.slice(1),
      { cwd, env: serviceEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = createWriteStream(logFile, { flags: 'a' });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    this.child = child;
    this.exit = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
    if (readyUrl !== undefined) await this.waitReady(readyUrl);
  }

  /** SIGTERM (the service's graceful shutdown), SIGKILL after the grace period; null when not running. */
  async stop(): Promise<ServiceExit | null> {
    if (!this.running() || this.child === null || this.exit === null) return null;
    this.child.kill('SIGTERM');
    const child = this.child;
    const timer = setTimeout(() => child.kill('SIGKILL'), this.spec.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    const exit = await this.exit;
    clearTimeout(timer);
    return exit;
  }

  /** SIGKILL: the process dies mid-whatever, as in a crash; null when not running. */
  async kill(): Promise<ServiceExit | null> {
    if (!this.running() || this.child === null || this.exit === null) return null;
    this.child.kill('SIGKILL');
    return this.exit;
  }

  /** Everything the process wrote so far (JSON log lines, plus any stderr). */
  log(): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  private async waitReady(url: string): Promise<void> {
    const timeoutMs = this.spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (!this.running()) {
        const exit = await this.exited;
        throw new Error(
          `${this.spec.name} exited (${JSON.stringify(exit)}) before it was ready:\n${this.tail()}`,
        );
      }
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200) return;
        last = `${res.status} ${await res.text()}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await this.stop();
    throw new Error(
      `${this.spec.name} not ready at ${url} after ${timeoutMs} ms (last: ${last}; log ${this.spec.logFile}):\n${this.tail()}`,
    );
  }

  private tail(): string {
    return this.log().split('\n').slice(-30).join('\n');
  }
}

/** `dist/<projectRoot>/src/main.js` under `workspace`: where tools/build.mjs puts a project's entry point. */
export function builtEntryPoint(workspace: string, projectRoot: string): string {
  return join(workspace, 'dist', projectRoot, 'src', 'main.js');
}

/** A BuiltService, started (and ready, with a readyUrl). */
export async function startBuiltService(spec: BuiltServiceSpec): Promise<BuiltService> {
  const service = new BuiltService(spec);
  await service.start();
  return service;
}
