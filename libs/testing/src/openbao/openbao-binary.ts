import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HarnessError, HarnessErrorCode } from '../harness-error';
import { harnessRoot } from '../process/registry';
import { repoRoot } from '../repo-root';

const execFileAsync = promisify(execFile);
/** A cold build takes minutes; a cached binary returns in milliseconds. */
const BUILD_TIMEOUT_MS = 30 * 60_000;

let pending: Promise<string> | null = null;

/**
 * The server binary from tools/openbao/build.sh (which builds once and then
 * prints the cached path). flock serialises concurrent callers (Jest workers,
 * parallel suites) so a build in progress is waited for, never duplicated.
 */
export function openBaoBinary(): Promise<string> {
  pending ??= build().catch((err: unknown) => {
    pending = null;
    throw err;
  });
  return pending;
}

async function build(): Promise<string> {
  const script = join(repoRoot(), 'tools', 'openbao', 'build.sh');
  mkdirSync(harnessRoot(), { recursive: true });
  const lock = join(harnessRoot(), 'openbao-build.lock');
  try {
    const { stdout } = await execFileAsync('flock', [lock, 'bash', script], {
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    const path = stdout.trim().split('\n').pop()?.trim() ?? '';
    if (path === '')
      throw new HarnessError(HarnessErrorCode.BUILD_FAILED, `${script} printed no binary path`);
    return path;
  } catch (err) {
    if (err instanceof HarnessError) throw err;
    const stderr =
      typeof err === 'object' && err !== null && 'stderr' in err
        ? String(err.stderr).trim().split('\n').slice(-10).join('\n')
        : '';
    throw new HarnessError(HarnessErrorCode.BUILD_FAILED, `${script} failed: ${stderr || String(err)}`, {
      cause: err,
    });
  }
}
