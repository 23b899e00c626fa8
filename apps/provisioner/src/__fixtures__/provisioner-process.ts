import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startBuiltService, type BuiltService } from '@sysmanage/testing';

const WORKSPACE = resolve(__dirname, '../../../..');
export const BUILT_MAIN = join(WORKSPACE, 'dist/apps/provisioner/src/main.js');

/** Builds the provisioner (and the libraries it needs) so the crash tests run the real process. */
export function buildProvisioner(): void {
  execFileSync('npx', ['nx', 'run', 'provisioner:build'], {
    cwd: WORKSPACE,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    stdio: 'pipe',
    timeout: 180_000,
  });
  if (!existsSync(BUILT_MAIN)) throw new Error(`the build did not produce ${BUILT_MAIN}`);
}

/**
 * `node dist/apps/provisioner/src/main.js --config <path>` with extra
 * environment, output appended to `logFile`; resolves once spawned (the
 * crash tests watch the job, not readiness).
 */
export function startProvisionerProcess(
  configPath: string,
  env: Record<string, string>,
  logFile: string,
): Promise<BuiltService> {
  return startBuiltService({
    name: 'provisioner',
    main: BUILT_MAIN,
    args: ['--config', configPath],
    cwd: WORKSPACE,
    env,
    logFile,
  });
}
