import type { SysManageConfig, VaultConfig } from '@sysmanage/config';
import { ensureLocalOpenBao, type LocalOpenBao } from '@sysmanage/openbao';
import type { CliIo, MigratorDependencies } from '../cli/cli-io';
import { defaultCredentialProvider } from '../credentials/default-credential-provider';
import { errorMessage } from '../errors/migrator-error';
import {
  UnavailableTenantCredentialProvider,
  type TenantCredentialProvider,
} from '../plan/tenant-credential-provider';
import type { ProgressReporter } from '../report/progress-reporter';

/** The tenant fan-out runs: multi-tenancy on and not `--no-tenants`. */
export function fanOutRuns(config: SysManageConfig, args: { noTenants: boolean }): boolean {
  return config.multitenancy.enabled && !args.noTenants;
}

/** A progress line outside the per-database ones: the progress output, or stderr under --json (stdout is the document). */
export function noteLine(io: CliIo, json: boolean, progress: ProgressReporter, line: string): void {
  if (json) io.stderr.write(`${line}\n`);
  else progress.note(line);
}

const hasAuth = (vault: VaultConfig): boolean =>
  vault.token !== undefined || vault.tokenFile !== undefined || vault.approle !== undefined;

/**
 * The vault config for the run: as configured when it names a credential,
 * else the root token of the bootstrap server's init file (a server this run
 * started, or one already running on that storage, e.g. from `make start`).
 */
function runVault(vault: VaultConfig, local: LocalOpenBao, progress: (line: string) => void): VaultConfig {
  if (hasAuth(vault) || local.rootToken === null) return vault;
  if (!local.startedByUs)
    progress(
      `openbao: no vault token or AppRole configured; using the root token of ${local.initFile} for this run`,
    );
  return { ...vault, token: local.rootToken };
}

/** What a run needs to reach tenant databases, and what to tear down afterwards. */
export interface FanOutSession {
  credentials: TenantCredentialProvider;
  close(): Promise<void>;
}

/**
 * Opens the tenant side of a run: starts the local OpenBAO of
 * `vault.bootstrap` when none answers (DESIGN 7), then the credential
 * provider (injected, or OpenBAO owner leases). A failed bootstrap does not
 * stop the control-plane chains; every tenant database then fails naming it.
 */
export async function openFanOutSession(
  config: SysManageConfig,
  io: CliIo,
  deps: MigratorDependencies,
  progress: (line: string) => void,
): Promise<FanOutSession> {
  let local: LocalOpenBao | null = null;
  let credentials: TenantCredentialProvider;
  try {
    const vault = config.vault;
    if (vault?.bootstrap !== undefined)
      local = await ensureLocalOpenBao(vault, { log: progress, env: io.env, cwd: io.cwd ?? process.cwd() });
    const effective =
      vault !== null && local !== null ? { ...config, vault: runVault(vault, local, progress) } : config;
    credentials = deps.credentialProvider?.(effective) ?? defaultCredentialProvider(effective.vault);
  } catch (err) {
    progress(`openbao: ${errorMessage(err)}`);
    credentials = new UnavailableTenantCredentialProvider(errorMessage(err));
  }
  return {
    credentials,
    close: async () => {
      await credentials.close?.();
      await local?.stop();
    },
  };
}
