import type { ConfigAuth } from './config-auth';
import { readSecretFile } from './config-auth';
import { authToken } from './auth-mapping';
import type { OpenBaoClient } from './openbao-client';
import type { AuthToken } from './openbao.types';

/**
 * A login function for the configured method, used for the first login and
 * again whenever the token cannot be renewed. Files are read on every call,
 * so a rotated secret id or token file is picked up without a restart.
 */
export function loginFor(
  client: OpenBaoClient,
  auth: ConfigAuth,
  appRoleMount: string,
): () => Promise<AuthToken> {
  switch (auth.kind) {
    case 'approle':
      return async () =>
        client.loginAppRole(
          auth.roleId,
          await readSecretFile(auth.secretIdFile, 'AppRole secret id'),
          appRoleMount,
        );
    case 'token_file':
      return async () => describe(client, await readSecretFile(auth.tokenFile, 'token'));
    case 'token':
      return () => describe(client, auth.token);
  }
}

/** A static token as a login result: lookup-self tells its TTL and policies. */
async function describe(client: OpenBaoClient, token: string): Promise<AuthToken> {
  const info = await client.withToken(token).lookupSelf();
  return authToken({
    token,
    accessor: info.accessor,
    leaseDuration: info.ttl,
    renewable: info.renewable,
    policies: info.policies,
  });
}
