import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostGlobal, hostProcess } from './host-process';
import { isSameProcessAlive, processStartTime } from './proc-info';

/**
 * Leak safety for everything the harness starts. Each process keeps an
 * in-memory list of its children and temp dirs, mirrored to
 * <tmp>/sysmanage-harness/runs/<pid>-<start>/<id>.json so that a later run can
 * reap what a SIGKILLed run (Jest force-exit, OOM) left behind. On 'exit',
 * SIGINT and SIGTERM the list is cleaned synchronously.
 */

interface EntryRecord {
  label: string;
  pid: number | null;
  pidStartTime: string | null;
  dirs: string[];
}

export interface ReapReport {
  /** Dead runs whose leftovers were cleaned. */
  runs: number;
  /** Processes that were still alive and got SIGKILL. */
  killed: number;
  /** Directories removed. */
  removedDirs: number;
}

export function harnessRoot(): string {
  return join(tmpdir(), 'sysmanage-harness');
}

function runsRoot(): string {
  return join(harnessRoot(), 'runs');
}

interface RegistryState {
  entries: Map<string, EntryRecord>;
  runDir: string | null;
  nextId: number;
  handlersInstalled: boolean;
}

const STATE_KEY = Symbol.for('@sysmanage/testing.registry');

/** One state per OS process, whichever module instance (Jest test file) asks. */
function state(): RegistryState {
  let current = hostGlobal[STATE_KEY] as RegistryState | undefined;
  if (current === undefined) {
    current = { entries: new Map(), runDir: null, nextId: 0, handlersInstalled: false };
    hostGlobal[STATE_KEY] = current;
  }
  return current;
}

function killAndRemove(record: EntryRecord): { killed: number; removed: number } {
  let killed = 0;
  if (record.pid !== null && isSameProcessAlive(record.pid, record.pidStartTime)) {
    try {
      process.kill(record.pid, 'SIGKILL');
      killed = 1;
    } catch {
      // Exited between the check and the kill: nothing to do.
    }
  }
  for (const dir of record.dirs) rmSync(dir, { recursive: true, force: true });
  return { killed, removed: record.dirs.length };
}

function cleanupAllSync(): void {
  const current = state();
  for (const record of current.entries.values()) killAndRemove(record);
  current.entries.clear();
  if (current.runDir !== null) rmSync(current.runDir, { recursive: true, force: true });
  current.runDir = null;
}

function onSignal(signal: NodeJS.Signals): void {
  cleanupAllSync();
  hostProcess.removeListener(signal, onSignal);
  // Listening replaced the default action (terminate); restore it when nobody
  // else handles the signal.
  if (hostProcess.listenerCount(signal) === 0) hostProcess.kill(hostProcess.pid, signal);
}

/**
 * Kills processes and removes temp dirs recorded by harness runs whose owning
 * process is gone. Runs automatically before the first start in a process.
 */
export function reapStaleHarnessProcesses(): ReapReport {
  const report: ReapReport = { runs: 0, killed: 0, removedDirs: 0 };
  let names: string[];
  try {
    names = readdirSync(runsRoot());
  } catch {
    return report;
  }
  for (const name of names) {
    const match = /^(\d+)-(\d+)$/.exec(name);
    if (match === null) continue;
    const ownerPid = Number(match[1]);
    if (isSameProcessAlive(ownerPid, match[2] ?? null)) continue;
    const dir = join(runsRoot(), name);
    for (const file of safeReaddir(dir)) {
      const record = readRecord(join(dir, file));
      if (record === null) continue;
      const result = killAndRemove(record);
      report.killed += result.killed;
      report.removedDirs += result.removed;
    }
    rmSync(dir, { recursive: true, force: true });
    report.runs += 1;
  }
  return report;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readRecord(file: string): EntryRecord | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const value = parsed as Partial<EntryRecord>;
    return {
      label: String(value.label ?? ''),
      pid: typeof value.pid === 'number' ? value.pid : null,
      pidStartTime: typeof value.pidStartTime === 'string' ? value.pidStartTime : null,
      dirs: Array.isArray(value.dirs) ? value.dirs.filter((d): d is string => typeof d === 'string') : [],
    };
  } catch {
    return null;
  }
}

function ensureRunDir(): string {
  const current = state();
  if (current.runDir !== null) return current.runDir;
  reapStaleHarnessProcesses();
  const dir = join(runsRoot(), `${hostProcess.pid}-${processStartTime(hostProcess.pid) ?? '0'}`);
  mkdirSync(dir, { recursive: true });
  if (!current.handlersInstalled) {
    hostProcess.on('exit', cleanupAllSync);
    hostProcess.on('SIGINT', onSignal);
    hostProcess.on('SIGTERM', onSignal);
    current.handlersInstalled = true;
  }
  current.runDir = dir;
  return dir;
}

/**
 * One tracked resource: temp dirs that must go, and at most one process at a
 * time (a PostgreSQL instance can be stopped and started again).
 */
export class TrackedResource {
  private readonly file: string;

  constructor(
    private readonly id: string,
    label: string,
    dirs: string[],
  ) {
    this.file = join(ensureRunDir(), `${id}.json`);
    state().entries.set(id, { label, pid: null, pidStartTime: null, dirs: [...dirs] });
    this.persist();
  }

  setProcess(pid: number): void {
    const record = this.record();
    if (record === undefined) return;
    record.pid = pid;
    record.pidStartTime = processStartTime(pid);
    this.persist();
  }

  clearProcess(): void {
    const record = this.record();
    if (record === undefined) return;
    record.pid = null;
    record.pidStartTime = null;
    this.persist();
  }

  /** The resource was cleaned up by its owner: forget it. */
  release(): void {
    state().entries.delete(this.id);
    rmSync(this.file, { force: true });
  }

  private record(): EntryRecord | undefined {
    return state().entries.get(this.id);
  }

  private persist(): void {
    const record = this.record();
    if (record !== undefined) writeFileSync(this.file, JSON.stringify(record), { mode: 0o600 });
  }
}

export function trackResource(label: string, dirs: string[]): TrackedResource {
  const current = state();
  current.nextId += 1;
  return new TrackedResource(`${label}-${current.nextId}`, label, dirs);
}
