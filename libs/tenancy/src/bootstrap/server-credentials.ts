import { inspect } from 'node:util';
import type { OpenBaoClient } from '@sysmanage/openbao';
import { BootstrapError, BootstrapErrorCode } from './bootstrap-error';
import { checkMount } from './service-policies';

/** sysmanage_provisioner's login on one database server, as stored in KV. JSON/inspect output hides the password. */
export interface ServerCredentials {
  username: string;
  password: string;
  host: string;
  port: number;
}

/** The registry's rule for server names (apps/registry SERVER_NAME_PATTERN). */
export const SERVER_NAME_REGEX = /^[a-z][a-z0-9_-]{1,62}$/;

/** Server names become an OpenBAO path segment (KV key, database/config/<name>). */
export function checkServerName(name: string): string {
  if (!SERVER_NAME_REGEX.test(name))
    throw new BootstrapError(
      BootstrapErrorCode.INVALID_INPUT,
      `database server name ${JSON.stringify(name)} must match ${SERVER_NAME_REGEX.source}`,
    );
  return name;
}

/** The KV v2 key (under the mount) of a server's provisioner credentials. */
export function serverCredentialsKvPath(serverName: string): string {
  return `sysmanage/database-servers/${checkServerName(serverName)}`;
}

export function serverCredentials(fields: ServerCredentials): ServerCredentials {
  const visible = (): Record<string, unknown> => ({
    username: fields.username,
    password: '[redacted]',
    host: fields.host,
    port: fields.port,
  });
  const result = { ...fields };
  Object.defineProperty(result, 'toJSON', { value: visible, enumerable: false });
  Object.defineProperty(result, inspect.custom, { value: visible, enumerable: false });
  return result;
}

/** The provisioner's PostgreSQL login for `serverName`; CREDENTIALS_MISSING when the server was never bootstrapped. */
export async function readServerCredentials(
  openBao: OpenBaoClient,
  serverName: string,
  kvMount = 'secret',
): Promise<ServerCredentials> {
  const path = serverCredentialsKvPath(serverName);
  const data = await openBao.kvGet(checkMount('kv mount', kvMount), path);
  if (data === null) {
    throw new BootstrapError(
      BootstrapErrorCode.CREDENTIALS_MISSING,
      `no credentials for database server "${serverName}" at ${kvMount}/${path}: run provision-bootstrap --server ${serverName}`,
    );
  }
  const { username, password, host, port } = data;
  if (
    typeof username !== 'string' ||
    typeof password !== 'string' ||
    typeof host !== 'string' ||
    typeof port !== 'number' ||
    !Number.isInteger(port)
  ) {
    throw new BootstrapError(
      BootstrapErrorCode.CREDENTIALS_MISSING,
      `credentials for database server "${serverName}" at ${kvMount}/${path} are malformed (need username, password, host, integer port)`,
    );
  }
  return serverCredentials({ username, password, host, port });
}
