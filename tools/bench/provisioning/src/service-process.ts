import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';

/** A service started from its build (`dist/<project>/src/main.js`), output appended to a log file. */
export interface ServiceProcess {
  readonly name: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A benchmark stopped with Ctrl-C (or crashing) must not leave services behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function builtMain(workspace: string, projectRoot: string): string {
  const main = join(workspace, 'dist', projectRoot, 'src', 'main.js');
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: build first (make bench-provisioning builds what it runs)`);
  }
  return main;
}

async function waitForReady(
  name: string,
  url: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    }
    const status = await fetch(url).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${name} not ready at ${url} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts `node <main> ...args` and resolves once `readyUrl` answers 200. */
export async function startService(options: {
  name: string;
  main: string;
  args: string[];
  readyUrl: string;
  logFile: string;
  cwd: string;
}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', options.main, ...options.args], {
    cwd: options.cwd,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    running.delete(child);
    log.end();
  };
  try {
    await waitForReady(options.name, options.readyUrl, child, 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)} (log: ${options.logFile})`);
  }
  return { name: options.name, logFile: options.logFile, stop };
}
