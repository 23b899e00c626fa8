import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HarnessError, HarnessErrorCode } from './harness-error';

/** The workspace root: the nearest directory above `from` holding nx.json (works from src/ and from dist/). */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) {
      throw new HarnessError(
        HarnessErrorCode.REPO_ROOT_NOT_FOUND,
        `no nx.json in ${from} or any directory above it`,
      );
    }
  }
}
