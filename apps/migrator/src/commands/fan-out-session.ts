import type { SysManageConfig } from '@sysmanage/config';
import type { CliIo, MigratorDependencies } from '../cli/cli-io';
import { defaultCredentialProvider } from '../credentials/default-credential-provider';
import { errorMessage } from '../errors/migrator-error';
import { bootstrapRootTokenVault, startLocalOpenBaoIfNeeded, type LocalOpenBao } from '../openbao-bootstrap/local-openbao';
import { UnavailableTenantCredentialProvider, type TenantCredentialProvider } from '../plan/tenant-credential-provider';
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
    const ctx = { env: io.env, cwd: io.cwd ?? process.cwd(), progress };
    local = vault === null ? null : await startLocalOpenBaoIfNeeded(vault, ctx);
    const running = local === null && vault !== null ? await bootstrapRootTokenVault(vault, ctx) : null;
    const effective = local !== null ? { ...config, vault: local.vault } : running !== null ? { ...config, vault: running } : config;
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
