import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { HarnessError, HarnessErrorCode } from '../harness-error';
import type { TrackedResource } from './registry';

const SETPRIV = '/usr/bin/setpriv';
const LOG_TAIL_CHARS = 2000;

export interface SpawnSpec {
  command: string;
  args: string[];
  /** Run as this OS user (we are root; PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
  /** The full environment of the child: nothing of ours leaks in. */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr are appended here instead of piped, so a chatty child never blocks on a full pipe. */
  logFile: string;
}

/**
 * A child process that dies with us: when setpriv is available it sets
 * PR_SET_PDEATHSIG=SIGKILL (it survives setpriv's uid change and the exec),
 * so even a SIGKILLed Jest worker leaves no server behind.
 */
export class ManagedProcess {
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
    private readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
      });
    });
    // A forgotten instance must not keep Jest alive; the exit handler kills it.
    child.unref();
  }

  static spawn(spec: SpawnSpec, tracked: TrackedResource): ManagedProcess {
    const fd = openSync(spec.logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = existsSync(SETPRIV)
        ? spawn(SETPRIV, setprivArgs(spec), { env: spec.env, cwd: spec.cwd, stdio: ['ignore', fd, fd] })
        : // Without setpriv the child cannot die with us; the exit handlers and the reaper still clean up.
          spawn(spec.command, spec.args, {
            env: spec.env,
            cwd: spec.cwd,
            stdio: ['ignore', fd, fd],
            uid: spec.user?.uid,
            gid: spec.user?.gid,
          });
    } finally {
      closeSync(fd);
    }
    if (child.pid === undefined) {
      throw new HarnessError(
        HarnessErrorCode.START_FAILED,
        `could not spawn ${spec.command}: ${readTail(spec.logFile)}`,
      );
    }
    tracked.setProcess(child.pid);
    return new ManagedProcess(child, child.pid, spec.logFile);
  }

  isRunning(): boolean {
    return this.exitInfo === null;
  }

  exitDescription(): string {
    if (this.exitInfo === null) return 'still running';
    return this.exitInfo.signal !== null
      ? `killed by ${this.exitInfo.signal}`
      : `exited with code ${String(this.exitInfo.code)}`;
  }

  logTail(): string {
    return readTail(this.logFile);
  }

  /** Sends `signal`, waits up to `graceMs`, then SIGKILLs; resolves once the process is gone. */
  async stop(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    if (!this.isRunning()) return;
    // Keep the event loop alive while we wait for the exit.
    this.child.ref();
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Resolves when the process has exited (for any reason). */
  waitForExit(): Promise<void> {
    return this.exited;
  }
}

function setprivArgs(spec: SpawnSpec): string[] {
  const userArgs =
    spec.user === undefined
      ? []
      : ['--reuid', String(spec.user.uid), '--regid', String(spec.user.gid), '--clear-groups'];
  return ['--pdeathsig', 'KILL', ...userArgs, '--', spec.command, ...spec.args];
}

export function readTail(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > LOG_TAIL_CHARS ? text.slice(-LOG_TAIL_CHARS) : text;
  } catch {
    return '(no log)';
  }
}
