import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { LocalOpenBaoError, LocalOpenBaoErrorCode } from './local-openbao-error';
import { probeHealth, type SealHealth } from './seal-api';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const POLL_MS = 100;

/** util-linux's setpriv: an attached server gets SIGKILL when this process dies, even by SIGKILL (no orphaned server). */
const SETPRIV = '/usr/bin/setpriv';

export const SERVER_LOG_NAME = 'server.log';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `<binary> server -config=<file>`, output appended to
 * `<dataPath>/server.log`. Attached: dies with this process. Detached: its
 * own process group, not waited for, so it outlives this process (a CLI
 * step that the next step needs running).
 */
export function spawnServer(
  binary: string,
  configFile: string,
  dataPath: string,
  detached: boolean,
): ChildProcess {
  const log = openSync(path.join(dataPath, SERVER_LOG_NAME), 'a', 0o600);
  try {
    // A clean environment: no VAULT_* of the operator's shell reaches the server.
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dataPath };
    const args = ['server', `-config=${configFile}`];
    const [command, argv] =
      !detached && existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'KILL', binary, ...args]] : [binary, args];
    // Relative paths in a shipped config (e.g. ./data/openbao) are meant from the config file's directory.
    const child = spawn(command, argv, {
      env,
      stdio: ['ignore', log, log],
      cwd: path.dirname(configFile),
      detached,
    });
    if (detached) child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Polls sys/health until `accept` holds; fails when the server exits first or the start timeout passes. */
export async function waitForHealth(
  url: string,
  child: ChildProcess,
  accept: (h: SealHealth) => boolean,
  what: string,
): Promise<SealHealth> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited(child)) {
      throw new LocalOpenBaoError(
        LocalOpenBaoErrorCode.START_FAILED,
        `the server exited (${child.exitCode ?? child.signalCode}) before it ${what}`,
      );
    }
    const health = await probeHealth(url);
    if (health !== null && accept(health)) return health;
    if (Date.now() >= deadline) {
      throw new LocalOpenBaoError(
        LocalOpenBaoErrorCode.START_FAILED,
        `the server did not ${what} within ${START_TIMEOUT_MS / 1000} s at ${url}`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. Idempotent. */
export function stopper(child: ChildProcess, onStopped: () => void): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () => {
    stopping ??= new Promise<void>((resolve) => {
      if (exited(child)) {
        resolve();
        return;
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    }).finally(onStopped);
    return stopping;
  };
}
