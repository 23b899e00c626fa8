import { readFileSync } from 'node:fs';

/**
 * The kernel's start time of a process (clock ticks since boot, field 22 of
 * /proc/<pid>/stat), or null when the process does not exist. Together with
 * the pid it identifies a process even after the pid number is reused.
 */
export function processStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  // A zombie has exited already; only its parent's wait() is missing.
  if (state === 'Z' || state === 'X') return null;
  return fields[19] ?? null;
}

/** True when `pid` is alive and is still the process that had `startTime`. */
export function isSameProcessAlive(pid: number, startTime: string | null): boolean {
  const now = processStartTime(pid);
  return now !== null && (startTime === null || now === startTime);
}
