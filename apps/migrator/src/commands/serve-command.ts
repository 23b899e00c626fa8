import type { SysManageConfig } from '@sysmanage/config';
import { createLogger, startHttpService } from '@sysmanage/observability';
import type { CliIo } from '../cli/cli-io';
import { MigratorServeModule } from '../serve/migrator-serve.module';

/** Resolves when the worker should stop: SIGINT, SIGTERM or the caller's abort signal. */
function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * `serve`: the long-running worker on `api.migrator` (default 8083). Returns 0
 * after a requested stop; a failed start is thrown to the caller, which prints
 * it and picks the exit code.
 */
export async function runServeCommand(config: SysManageConfig, warnings: string[], io: CliIo): Promise<number> {
  const logger = createLogger('migrator', config.logging.level, io.stdout);
  for (const warning of warnings) logger.warn({ context: 'Startup' }, warning);
  const app = await startHttpService({
    service: 'migrator',
    logger,
    module: MigratorServeModule.forRoot(config, logger),
    listen: config.api.migrator,
  });
  await stopRequested(io.signal);
  logger.info({ context: 'Shutdown' }, 'migrator stopping');
  await app.close();
  return 0;
}
