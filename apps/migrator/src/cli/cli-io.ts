import type { SysManageConfig } from '@sysmanage/config';
import type { TenantCredentialProvider } from '../plan/tenant-credential-provider';
import type { TenantTargetSource } from '../plan/tenant-target-source';

/** The process's outside world, passed in so tests run the CLI in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** stdout is a terminal: live progress bars instead of one line per database. */
  isTTY: boolean;
  /** Base for relative paths (config search, lint's default files); default process.cwd(). */
  cwd?: string;
  /** `serve` stops when this aborts (in addition to SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

/**
 * Seams for the tenant fan-out and the responder. The defaults are the
 * registry-backed target source and OpenBAO owner leases
 * (OpenBaoTenantCredentialProvider) from the run's `vault:` config (after a
 * local bootstrap, the config the local server is used with).
 */
export interface MigratorDependencies {
  tenantTargetSource?: (config: SysManageConfig) => TenantTargetSource;
  credentialProvider?: (config: SysManageConfig) => TenantCredentialProvider;
}
