import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { LocalOpenBaoError, LocalOpenBaoErrorCode } from './local-openbao-error';

const execFileAsync = promisify(execFile);
/** A cold build compiles the server from the Go module proxy; a cached one answers at once. */
const BUILD_TIMEOUT_MS = 30 * 60_000;

/** The nearest directory at or above `from` holding nx.json, or null. */
export function findWorkspaceRoot(from: string): string | null {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The server binary: `SYSMANAGE_BAO_BIN` when set, else what
 * `tools/openbao/build.sh` prints (it builds once, then answers from its
 * cache). The workspace is found from the working directory, then from this
 * file's location (a built library under dist/node_modules/@sysmanage/openbao).
 */
export async function resolveBaoBinary(
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<string> {
  const explicit = env['SYSMANAGE_BAO_BIN'];
  if (explicit !== undefined && explicit !== '') {
    if (!existsSync(explicit))
      throw new LocalOpenBaoError(
        LocalOpenBaoErrorCode.BINARY_UNAVAILABLE,
        `SYSMANAGE_BAO_BIN=${explicit} does not exist`,
      );
    return explicit;
  }
  const root = findWorkspaceRoot(cwd) ?? findWorkspaceRoot(__dirname);
  if (root === null) {
    throw new LocalOpenBaoError(
      LocalOpenBaoErrorCode.BINARY_UNAVAILABLE,
      `no workspace (nx.json) above ${cwd} to build the server from; set SYSMANAGE_BAO_BIN to the OpenBAO binary`,
    );
  }
  const script = path.join(root, 'tools', 'openbao', 'build.sh');
  try {
    const { stdout } = await execFileAsync('bash', [script], {
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    const binary = stdout.trim().split('\n').pop()?.trim() ?? '';
    if (binary === '' || !existsSync(binary)) throw new Error(`${script} printed no usable binary path`);
    return binary;
  } catch (err) {
    const stderr =
      typeof err === 'object' && err !== null && 'stderr' in err
        ? String(err.stderr).trim().split('\n').slice(-5).join(' | ')
        : '';
    throw new LocalOpenBaoError(
      LocalOpenBaoErrorCode.BINARY_UNAVAILABLE,
      `${script} failed${stderr === '' ? '' : `: ${stderr}`}`,
      { cause: err },
    );
  }
}
