import { runMigrateCli } from './cli/run-migrate-cli';

export { runMigrateCli } from './cli/run-migrate-cli';
export type { CliIo, MigratorDependencies } from './cli/cli-io';
export type { TenantCredentialProvider } from './plan/tenant-credential-provider';
export { OpenBaoTenantCredentialProvider } from './credentials/openbao-tenant-credential-provider';
export type { TenantPlacement, TenantTargetSource } from './plan/tenant-target-source';

/** `sysmanage-migrate`: sets the exit code and lets the event loop drain instead of cutting output short. */
if (require.main === module) {
  void runMigrateCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: process.stdout.isTTY === true,
  }).then((code) => {
    process.exitCode = code;
  });
}
