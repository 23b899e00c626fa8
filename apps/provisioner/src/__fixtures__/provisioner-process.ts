import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const WORKSPACE = resolve(__dirname, '../../../..');
export const BUILT_MAIN = join(WORKSPACE, 'dist/apps/provisioner/src/main.js');

/** Builds the provisioner (and the libraries it needs) so the crash tests run the real process. */
export function buildProvisioner(): void {
  execFileSync('npx', ['nx', 'run', 'provisioner:build'], {
    cwd: WORKSPACE,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    stdio: 'pipe',
    timeout: 180_000,
  });
  if (!existsSync(BUILT_MAIN)) throw new Error(`the build did not produce ${BUILT_MAIN}`);
}

export interface ProvisionerProcess {
  child: ChildProcess;
  /** Resolves with the exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** `node dist/apps/provisioner/src/main.js --config <path>` with extra environment; output appended to `logFile`. */
export function startProvisionerProcess(
  configPath: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
): ProvisionerProcess {
  const child = spawn(process.execPath, [BUILT_MAIN, '--config', configPath], {
    cwd: WORKSPACE,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
