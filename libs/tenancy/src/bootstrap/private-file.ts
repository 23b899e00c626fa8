import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { BootstrapError, BootstrapErrorCode } from './bootstrap-error';

/**
 * Writes `content` as a 0600 file (its directory 0700 when created). The mode
 * is fixed before the content lands, so an existing wider file never shows
 * the new secret to others.
 */
export function writePrivateFile(file: string, content: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fd = openSync(file, 'w', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new BootstrapError(
      BootstrapErrorCode.FILE_FAILED,
      `cannot write ${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** The trimmed content, or null when the file is absent or empty. */
export function readTrimmed(file: string): string | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8').trim();
  return text === '' ? null : text;
}
