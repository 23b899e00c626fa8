import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first executable among `candidates`, then `name` on PATH; null when none. */
export function findExecutable(name: string, candidates: string[]): string | null {
  const onPath = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, name));
  for (const file of [...candidates, ...onPath]) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not there or not executable: try the next one.
    }
  }
  return null;
}

/** A minimal environment for a child: nothing like VAULT_TOKEN or PG* leaks from ours. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin', LANG: 'C', ...extra };
}
