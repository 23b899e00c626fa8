import type { AppRoleInput, AppRoleSecretId, AuthToken, TokenInfo, TokenRenewal } from './openbao.types';
import { duration } from './duration';
import { authOf, bool, dataOf, type Json, num, optDate, optStr, str, strList } from './response-fields';
import { redactSecrets } from './secret-redaction';

export function appRoleBody(input: AppRoleInput): Json {
  return {
    token_policies: input.tokenPolicies,
    token_ttl: duration('tokenTtl', input.tokenTtl),
    token_max_ttl: duration('tokenMaxTtl', input.tokenMaxTtl),
    secret_id_ttl: duration('secretIdTtl', input.secretIdTtl),
    bind_secret_id: input.bindSecretId,
  };
}

export function parseSecretId(body: Json | null, path: string): AppRoleSecretId {
  const data = dataOf(body, path);
  return redactSecrets(
    {
      secretId: str(data, 'secret_id', path),
      accessor: str(data, 'secret_id_accessor', path),
      ttl: num(data, 'secret_id_ttl', path),
    },
    ['secretId'],
  );
}

export function parseLogin(body: Json | null, path: string): AuthToken {
  const auth = authOf(body, path);
  return authToken({
    token: str(auth, 'client_token', path),
    accessor: optStr(auth, 'accessor') ?? '',
    leaseDuration: num(auth, 'lease_duration', path),
    renewable: bool(auth, 'renewable', path),
    policies: strList(auth, 'policies'),
  });
}

export function authToken(fields: AuthToken): AuthToken {
  return redactSecrets({ ...fields }, ['token']);
}

export function parseTokenRenewal(body: Json | null, path: string): TokenRenewal {
  const auth = authOf(body, path);
  return {
    leaseDuration: num(auth, 'lease_duration', path),
    renewable: bool(auth, 'renewable', path),
    policies: strList(auth, 'policies'),
  };
}

/** lookup-self carries the token itself in `id`: it is deliberately not copied. */
export function parseTokenInfo(body: Json | null, path: string): TokenInfo {
  const data = dataOf(body, path);
  return {
    accessor: optStr(data, 'accessor') ?? '',
    displayName: optStr(data, 'display_name') ?? '',
    policies: strList(data, 'policies'),
    ttl: num(data, 'ttl', path),
    renewable: data['renewable'] === true,
    expireTime: optDate(data, 'expire_time'),
  };
}
