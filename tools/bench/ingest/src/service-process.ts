import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A built service as a process (`node dist/<root>/src/main.js`), output appended to a log file. */
export interface ServiceProcess {
  readonly name: string;
  readonly logFile: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A benchmark stopped with Ctrl-C (or crashing) must not leave services behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function builtMain(workspace: string, projectRoot: string): string {
  const main = join(workspace, 'dist', projectRoot, 'src', 'main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: build first (make bench-ingest builds what it runs)`);
  return main;
}

/**
 * Starts `node [nodeArgs] <main> ...args` with exactly `env` (plus PATH/HOME)
 * and resolves once `readyUrl` answers 200.
 */
export async function startService(options: {
  name: string;
  main: string;
  args: string[];
  env: Record<string, string>;
  nodeArgs?: string[];
  readyUrl: string;
  logFile: string;
  cwd: string;
}): Promise<ServiceProcess> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--enable-source-maps', options.main, ...options.args],
    { cwd: options.cwd, env: { ...base, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    running.delete(child);
    log.end();
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`${options.name} exited before it was ready (log: ${options.logFile})`);
    }
    const status = await fetch(options.readyUrl).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} not ready at ${options.readyUrl} (log: ${options.logFile})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { name: options.name, logFile: options.logFile, pid: child.pid ?? -1, stop };
}

/** VmHWM (peak resident set) and VmRSS of a process, in MiB, from /proc/<pid>/status. */
export function memoryMiB(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { hwm: Math.round(kb('VmHWM') / 102.4) / 10, rss: Math.round(kb('VmRSS') / 102.4) / 10 };
}

/** Total CPU seconds (user + system) of a process so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime) of stat are at 11 and 12 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function statFields(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // gone meanwhile
  }
}

/**
 * CPU seconds of a process tree one level deep (PostgreSQL: the postmaster,
 * its live backends and workers, and its reaped children's time).
 */
export function treeCpuSeconds(rootPid: number): number {
  const root = statFields(rootPid);
  if (root === null) return Number.NaN;
  // After the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
  let ticks = Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields !== null && Number(fields[1]) === rootPid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}
