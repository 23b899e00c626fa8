import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticksPerSecond;
}

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime: the process's own CPU. */
  own: number;
  /** cutime + cstime: CPU of children it has reaped. */
  reaped: number;
}

function readStat(pid: number | 'self'): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number): number => Number(fields[i - 3]);
  return {
    pid: Number(text.slice(0, text.indexOf(' '))),
    ppid: n(4),
    own: n(14) + n(15),
    reaped: n(16) + n(17),
  };
}

/**
 * CPU seconds a process tree has used so far: every live process under
 * `root` (its own time plus what its reaped children used). PostgreSQL's
 * exited backends land in the postmaster's reaped time.
 */
export function treeCpuSeconds(root: number): number {
  const stats = readdirSync('/proc')
    .filter((name) => /^[0-9]+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let ticks = 0;
  const stack = stats.filter((s) => s.pid === root);
  while (stack.length > 0) {
    const s = stack.pop() as ProcStat;
    ticks += s.own + s.reaped;
    stack.push(...(children.get(s.pid) ?? []));
  }
  return ticks / clockTicks();
}

/** CPU seconds of this process's children that exited and were reaped (e.g. one sysmanage-migrate run). */
export function reapedChildrenCpuSeconds(): number {
  return (readStat('self')?.reaped ?? 0) / clockTicks();
}

/** Busy CPU seconds of the whole machine (all processes, every core), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / clockTicks();
}
