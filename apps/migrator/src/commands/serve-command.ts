import type { SysManageConfig } from '@sysmanage/config';
import { createLogger, startHttpService } from '@sysmanage/observability';
import type { CliIo, MigratorDependencies } from '../cli/cli-io';
import { MigratorServeModule } from '../serve/migrator-serve.module';

/**
 * Resolves when the in-process caller aborts. SIGTERM/SIGINT are not handled
 * here: the application's shutdown hooks close it (NATS drains, the pool ends)
 * and exit the process; closing it a second time from here would fail.
 */
function abortRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * `serve`: the long-running worker on `api.migrator` (default 8083). Returns 0
 * after `io.signal` aborts (a signal ends the process through the shutdown
 * hooks); a failed start is thrown to the caller, which prints it and picks
 * the exit code.
 */
export async function runServeCommand(
  config: SysManageConfig,
  warnings: string[],
  io: CliIo,
  deps: MigratorDependencies = {},
): Promise<number> {
  const logger = createLogger('migrator', config.logging.level, io.stdout);
  for (const warning of warnings) logger.warn({ context: 'Startup' }, warning);
  const app = await startHttpService({
    service: 'migrator',
    logger,
    module: MigratorServeModule.forRoot(config, logger, deps.credentialProvider),
    listen: config.api.migrator,
  });
  await abortRequested(io.signal);
  logger.info({ context: 'Shutdown' }, 'migrator stopping');
  await app.close();
  return 0;
}
