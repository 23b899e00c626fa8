import { readFile } from 'node:fs/promises';
import type { VaultConfig } from '@sysmanage/config';
import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';

/** How a process authenticates, from `vault:` in its config. */
export type ConfigAuth =
  | { kind: 'approle'; roleId: string; secretIdFile: string }
  | { kind: 'token_file'; tokenFile: string }
  | { kind: 'token'; token: string };

/**
 * AppRole wins over token_file, which wins over token: the config validator
 * may accept several, and the order goes from the production method to the
 * development one.
 */
export function configAuth(vault: VaultConfig): ConfigAuth {
  if (vault.approle)
    return { kind: 'approle', roleId: vault.approle.roleId, secretIdFile: vault.approle.secretIdFile };
  if (vault.tokenFile) return { kind: 'token_file', tokenFile: vault.tokenFile };
  if (vault.token) return { kind: 'token', token: vault.token };
  throw new OpenBaoError(
    'vault: config gives no authentication: set vault.approle (role_id + secret_id_file), vault.token_file or vault.token',
    {
      code: OpenBaoErrorCode.AUTH_CONFIG,
      status: null,
      path: null,
      transient: false,
    },
  );
}

/** The trimmed content of a secret file (token or secret id); errors name the file and the reason, never the content. */
export async function readSecretFile(file: string, what: string): Promise<string> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (err) {
    const reason = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
    throw new OpenBaoError(`Cannot read the OpenBAO ${what} file ${file}: ${reason}`, {
      code: OpenBaoErrorCode.AUTH_CONFIG,
      status: null,
      path: null,
      transient: false,
    });
  }
  const value = content.trim();
  if (value === '') {
    throw new OpenBaoError(`The OpenBAO ${what} file ${file} is empty`, {
      code: OpenBaoErrorCode.AUTH_CONFIG,
      status: null,
      path: null,
      transient: false,
    });
  }
  return value;
}
