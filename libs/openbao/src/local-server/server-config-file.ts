import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalOpenBaoError, LocalOpenBaoErrorCode } from './local-openbao-error';

/** host:port of `vault.url` (http only: the local server is for development). */
export function listenAddress(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:') {
    throw new LocalOpenBaoError(
      LocalOpenBaoErrorCode.CONFIG_INVALID,
      `vault.url ${url}: a local OpenBAO is started only for an http:// URL (TLS servers are run by the operator)`,
    );
  }
  const port = parsed.port === '' ? '80' : parsed.port;
  return `${parsed.hostname}:${port}`;
}

/** A minimal single-node server: file storage under data_path, one plain-HTTP listener at vault.url. */
export function minimalServerConfig(url: string, dataPath: string): string {
  const address = listenAddress(url);
  return [
    '# Written by SysManage for a local development OpenBAO (vault.bootstrap).',
    `storage "file" {\n  path = ${JSON.stringify(dataPath)}\n}`,
    `listener "tcp" {\n  address     = ${JSON.stringify(address)}\n  tls_disable = true\n}`,
    `api_addr      = ${JSON.stringify(url.replace(/\/+$/, ''))}`,
    'disable_mlock = true',
    'ui            = false',
    '',
  ].join('\n');
}

/**
 * Uses `vault.bootstrap.config_file` as it is when it exists (the repository
 * ships one); otherwise writes the minimal config there. Returns true when it
 * wrote the file.
 */
export async function ensureServerConfigFile(file: string, url: string, dataPath: string): Promise<boolean> {
  if (existsSync(file)) return false;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, minimalServerConfig(url, dataPath), { mode: 0o600 });
  return true;
}
