import path from 'node:path';
import type { Duration, OpenBaoClient } from '@sysmanage/openbao';
import { readTrimmed, writePrivateFile } from './private-file';
import {
  BOOTSTRAP_SERVICES,
  type BootstrapService,
  checkMount,
  INGEST_TENANTS_POLICY,
  MIGRATOR_TENANTS_POLICY,
  renderIngestTenantsPolicy,
  renderMigratorTenantsPolicy,
  renderServicePolicy,
  servicePolicyName,
  serviceTokenPolicies,
} from './service-policies';

/** Lease TTLs of the database engine mount: roles may ask for less, never more. */
export const DATABASE_MOUNT_TTLS = { defaultLeaseTtl: '15m', maxLeaseTtl: '24h' } as const;
/** Service tokens: renewed hourly, a fresh login at least daily; secret ids do not expire (rotate by deleting the file and re-running). */
export const SERVICE_APPROLE_TTLS = { tokenTtl: '1h', tokenMaxTtl: '24h', secretIdTtl: 0 } as const;

export interface BootstrapOpenBaoOptions {
  /** Authenticated with an operator (root-equivalent) token. */
  openBao: OpenBaoClient;
  databaseMount?: string;
  kvMount?: string;
  /** Where `<service>.role-id` / `<service>.secret-id` land (0600). */
  outDir: string;
  /** AppRole auth mount, default `approle`. */
  appRoleMount?: string;
  databaseTtls?: { defaultLeaseTtl: Duration; maxLeaseTtl: Duration };
}

export interface ServiceAppRoleResult {
  service: BootstrapService;
  /** AppRole name = static policy name: `sysmanage-<service>`. */
  appRole: string;
  tokenPolicies: string[];
  roleIdFile: string;
  secretIdFile: string;
  /** false when the secret id file already existed and was kept. */
  secretIdWritten: boolean;
}

export interface OpenBaoBootstrapResult {
  databaseMount: string;
  kvMount: string;
  appRoleMount: string;
  /** The static policies, (re)written on every run. */
  staticPolicies: string[];
  /** Generated policies created empty by this run (existing ones are left to the provisioner). */
  createdTenantPolicies: string[];
  services: ServiceAppRoleResult[];
}

/**
 * The OpenBAO side of `provision-bootstrap` (docs/multitenancy.md, "OpenBAO
 * policies"): engine mounts, static policies, empty generated policies,
 * one AppRole per service and its role-id/secret-id files. Idempotent.
 */
export async function bootstrapOpenBao(options: BootstrapOpenBaoOptions): Promise<OpenBaoBootstrapResult> {
  const { openBao } = options;
  const databaseMount = checkMount('database mount', options.databaseMount ?? 'database');
  const kvMount = checkMount('kv mount', options.kvMount ?? 'secret');
  const appRoleMount = checkMount('approle mount', options.appRoleMount ?? 'approle');
  const mounts = { databaseMount, kvMount };

  await openBao.enableSecretsEngine(databaseMount, 'database', {
    ...(options.databaseTtls ?? DATABASE_MOUNT_TTLS),
  });
  await openBao.enableSecretsEngine(kvMount, 'kv', { options: { version: '2' } });
  await openBao.enableAuthMethod(appRoleMount, 'approle');

  const staticPolicies: string[] = [];
  for (const service of BOOTSTRAP_SERVICES) {
    await openBao.putPolicy(servicePolicyName(service), renderServicePolicy(service, mounts));
    staticPolicies.push(servicePolicyName(service));
  }
  const createdTenantPolicies: string[] = [];
  for (const [name, hcl] of [
    [INGEST_TENANTS_POLICY, renderIngestTenantsPolicy([], mounts)],
    [MIGRATOR_TENANTS_POLICY, renderMigratorTenantsPolicy([], mounts)],
  ] as const) {
    if ((await openBao.readPolicy(name)) !== null) continue;
    await openBao.putPolicy(name, hcl);
    createdTenantPolicies.push(name);
  }

  const services: ServiceAppRoleResult[] = [];
  for (const service of BOOTSTRAP_SERVICES)
    services.push(await ensureAppRole(openBao, service, appRoleMount, options.outDir));
  return { databaseMount, kvMount, appRoleMount, staticPolicies, createdTenantPolicies, services };
}

async function ensureAppRole(
  openBao: OpenBaoClient,
  service: BootstrapService,
  mount: string,
  outDir: string,
): Promise<ServiceAppRoleResult> {
  const appRole = servicePolicyName(service);
  const tokenPolicies = serviceTokenPolicies(service);
  await openBao.writeAppRole(appRole, { tokenPolicies, ...SERVICE_APPROLE_TTLS, bindSecretId: true }, mount);
  const roleIdFile = path.resolve(outDir, `${service}.role-id`);
  const secretIdFile = path.resolve(outDir, `${service}.secret-id`);
  const roleId = await openBao.readAppRoleId(appRole, mount);
  if (readTrimmed(roleIdFile) !== roleId) writePrivateFile(roleIdFile, `${roleId}\n`);
  let secretIdWritten = false;
  if (readTrimmed(secretIdFile) === null) {
    const secret = await openBao.createAppRoleSecretId(appRole, mount);
    writePrivateFile(secretIdFile, `${secret.secretId}\n`);
    secretIdWritten = true;
  }
  return { service, appRole, tokenPolicies, roleIdFile, secretIdFile, secretIdWritten };
}
