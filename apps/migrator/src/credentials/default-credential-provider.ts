import type { VaultConfig } from '@sysmanage/config';
import { OpenBaoClient } from '@sysmanage/openbao';
import {
  UnavailableTenantCredentialProvider,
  type TenantCredentialProvider,
} from '../plan/tenant-credential-provider';
import { OpenBaoTenantCredentialProvider } from './openbao-tenant-credential-provider';

/**
 * Tenant credentials with multi-tenancy on: owner leases from the OpenBAO in
 * `vault:` (authenticated as that block says, on first use). Without a
 * `vault:` block every tenant database fails loudly.
 */
export function defaultCredentialProvider(vault: VaultConfig | null): TenantCredentialProvider {
  if (vault === null) return new UnavailableTenantCredentialProvider();
  return new OpenBaoTenantCredentialProvider({
    connect: () => OpenBaoClient.fromConfig(vault),
    mount: vault.databaseMountPath,
    url: vault.url,
  });
}
