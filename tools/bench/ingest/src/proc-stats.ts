import { readdirSync, readFileSync } from 'node:fs';

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
