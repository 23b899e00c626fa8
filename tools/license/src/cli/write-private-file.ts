import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `content` with exactly `mode`, whatever the umask, and fixes the mode
 * before writing: an existing file with wider permissions never holds the new
 * content readable to others, not even for a moment.
 */
export function writeFileWithMode(file: string, content: string, mode: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w', mode);
  try {
    fchmodSync(fd, mode);
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}
