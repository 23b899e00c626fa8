import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalOpenBaoError, LocalOpenBaoErrorCode } from './local-openbao-error';
import type { InitResult } from './seal-api';

export const INIT_FILE_NAME = 'init.json';

export function initFilePath(dataPath: string): string {
  return path.join(dataPath, INIT_FILE_NAME);
}

/** Written once, at initialisation, readable by its owner only: it holds the unseal key and the root token. */
export async function writeInitFile(file: string, init: InitResult): Promise<void> {
  const doc = {
    unseal_keys_b64: [init.unsealKey],
    root_token: init.rootToken,
    initialized_at: new Date().toISOString(),
  };
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
}

/** The stored key and token; the error names the file and what is wrong, never the content. */
export async function readInitFile(file: string): Promise<InitResult> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const reason =
      typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'not valid JSON';
    throw new LocalOpenBaoError(
      LocalOpenBaoErrorCode.INIT_FILE_INVALID,
      `cannot read ${file} (${reason}): the server's storage is initialised, so its unseal key is needed`,
    );
  }
  const keys = (doc as { unseal_keys_b64?: unknown }).unseal_keys_b64;
  const rootToken = (doc as { root_token?: unknown }).root_token;
  if (!Array.isArray(keys) || typeof keys[0] !== 'string' || typeof rootToken !== 'string') {
    throw new LocalOpenBaoError(
      LocalOpenBaoErrorCode.INIT_FILE_INVALID,
      `${file} has no unseal_keys_b64[0]/root_token`,
    );
  }
  return { unsealKey: keys[0], rootToken };
}
