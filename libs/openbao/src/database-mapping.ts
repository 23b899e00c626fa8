import type { Clock } from './clock';
import type {
  DatabaseConnection,
  DatabaseConnectionInput,
  DatabaseCredential,
  DatabaseRole,
  DatabaseRoleInput,
  LeaseRenewal,
} from './openbao.types';
import { duration } from './duration';
import { bool, dataOf, type Json, num, optNum, optStr, record, str, strList } from './response-fields';
import { redactSecrets } from './secret-redaction';

export const POSTGRES_PLUGIN = 'postgresql-database-plugin';

export function connectionBody(input: DatabaseConnectionInput): Json {
  const body: Json = {
    plugin_name: POSTGRES_PLUGIN,
    connection_url: input.connectionUrl,
    username: input.username,
    password: input.password,
    allowed_roles: input.allowedRoles,
    verify_connection: input.verifyConnection ?? true,
  };
  if (input.maxOpenConnections !== undefined) body['max_open_connections'] = input.maxOpenConnections;
  if (input.passwordAuthentication !== undefined)
    body['password_authentication'] = input.passwordAuthentication;
  return body;
}

export function parseConnection(name: string, body: Json | null, path: string): DatabaseConnection {
  const data = dataOf(body, path);
  const details = record(data['connection_details']) ?? {};
  return {
    name,
    pluginName: str(data, 'plugin_name', path),
    connectionUrl: optStr(details, 'connection_url') ?? '',
    username: optStr(details, 'username') ?? '',
    allowedRoles: strList(data, 'allowed_roles'),
    maxOpenConnections: optNum(details, 'max_open_connections'),
    passwordAuthentication: optStr(details, 'password_authentication'),
  };
}

export function roleBody(input: DatabaseRoleInput): Json {
  return {
    db_name: input.dbName,
    creation_statements: input.creationStatements,
    revocation_statements: input.revocationStatements,
    renew_statements: input.renewStatements ?? [],
    default_ttl: duration('defaultTtl', input.defaultTtl),
    max_ttl: duration('maxTtl', input.maxTtl),
  };
}

export function parseRole(name: string, body: Json | null, path: string): DatabaseRole {
  const data = dataOf(body, path);
  return {
    name,
    dbName: str(data, 'db_name', path),
    creationStatements: strList(data, 'creation_statements'),
    revocationStatements: strList(data, 'revocation_statements'),
    renewStatements: strList(data, 'renew_statements'),
    defaultTtl: num(data, 'default_ttl', path),
    maxTtl: num(data, 'max_ttl', path),
  };
}

export function parseCredential(body: Json | null, path: string, clock: Clock): DatabaseCredential {
  const data = dataOf(body, path);
  const envelope = body ?? {};
  const obtainedAt = clock.now();
  const leaseDuration = num(envelope, 'lease_duration', path);
  return credential({
    leaseId: str(envelope, 'lease_id', path),
    leaseDuration,
    renewable: bool(envelope, 'renewable', path),
    username: str(data, 'username', path),
    password: str(data, 'password', path),
    obtainedAt: new Date(obtainedAt),
    expiresAt: new Date(obtainedAt + leaseDuration * 1000),
  });
}

/** The credential after a renewal at `renewedAtMs`: same login, new duration and expiry. */
export function renewedCredential(
  previous: DatabaseCredential,
  renewal: LeaseRenewal,
  renewedAtMs: number,
): DatabaseCredential {
  return credential({
    ...previous,
    leaseDuration: renewal.leaseDuration,
    renewable: renewal.renewable,
    expiresAt: new Date(renewedAtMs + renewal.leaseDuration * 1000),
  });
}

export function credential(fields: DatabaseCredential): DatabaseCredential {
  return redactSecrets({ ...fields }, ['password']);
}

export function parseRenewal(body: Json | null, path: string): LeaseRenewal {
  const envelope = body ?? {};
  return {
    leaseId: str(envelope, 'lease_id', path),
    leaseDuration: num(envelope, 'lease_duration', path),
    renewable: bool(envelope, 'renewable', path),
  };
}
