import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { ServiceName, SysManageConfig } from '@sysmanage/config';
import type { DestinationStream, Logger } from 'pino';
import { createLogger } from '../logging/create-logger';
import { startHttpService } from './start-http-service';

/** Where a launch writes: tests pass their own streams to read them. */
export interface ServiceIo {
  /** Startup failures ("<ErrorName>: <message>"); default process.stderr. */
  stderr?: NodeJS.WritableStream;
  /** The JSON log; default stdout. */
  logDestination?: DestinationStream;
}

export interface ServiceBootstrap {
  /** The listening application, or null when the service refused to start. */
  app: INestApplication | null;
  /** 0 when listening, else the exit code the process should end with. */
  exitCode: number;
}

export interface LaunchOptions {
  service: ServiceName;
  /**
   * Loads the config and applies the license gate; throws to refuse. The
   * caller passes @sysmanage/tenancy's prepareServiceStartup: this utility
   * library may not depend on the tenancy layer.
   */
  prepare: () => { config: SysManageConfig; warnings: string[] };
  /** Prints a refusal and returns its exit code (tenancy's reportStartupFailure). */
  reportFailure: (error: unknown, stderr?: NodeJS.WritableStream) => number;
  /** The service's root module for this config. */
  rootModule: (config: SysManageConfig, logger: Logger) => DynamicModule;
  /** Pre-listen configuration of the application (startHttpService's `configure`). */
  configure?: (app: INestApplication) => void;
  io?: ServiceIo;
}

/**
 * Starts one HTTP service: the config and license gate first (a refusal
 * creates nothing: no logger output, no connection, no port), then the Nest
 * application on `config.api.<service>`.
 */
export async function launchHttpService(options: LaunchOptions): Promise<ServiceBootstrap> {
  const { service, io = {} } = options;
  let config: SysManageConfig;
  let warnings: string[];
  try {
    ({ config, warnings } = options.prepare());
  } catch (error) {
    return { app: null, exitCode: options.reportFailure(error, io.stderr) };
  }

  const logger = createLogger(service, config.logging.level, io.logDestination);
  for (const warning of warnings) logger.warn({ context: 'Startup' }, warning);
  try {
    const app = await startHttpService({
      service,
      logger,
      module: options.rootModule(config, logger),
      listen: config.api[service],
      configure: options.configure,
    });
    return { app, exitCode: 0 };
  } catch (error) {
    logger.fatal({ context: 'Startup', err: error }, `${service} failed to start`);
    return { app: null, exitCode: options.reportFailure(error, io.stderr) };
  }
}

/** The two startup functions of @sysmanage/tenancy, handed in (this utility library may not import them). */
export interface StartupGate {
  prepareServiceStartup(
    service: ServiceName,
    opts: { argv: string[]; env: NodeJS.ProcessEnv },
  ): { config: SysManageConfig; warnings: string[] };
  reportStartupFailure(error: unknown, stderr?: NodeJS.WritableStream): number;
}

export type ServiceBootstrapFn = (
  argv: string[],
  env: NodeJS.ProcessEnv,
  io?: ServiceIo,
) => Promise<ServiceBootstrap>;

/**
 * A service's exported `bootstrap(argv, env, io)`: the gate with these
 * arguments, then `rootModule` on `api.<service>`.
 */
export function defineServiceBootstrap(
  service: ServiceName,
  rootModule: LaunchOptions['rootModule'],
  gate: StartupGate,
  configure?: LaunchOptions['configure'],
): ServiceBootstrapFn {
  return (argv, env, io = {}) =>
    launchHttpService({
      service,
      prepare: () => gate.prepareServiceStartup(service, { argv, env }),
      reportFailure: (error, stderr) => gate.reportStartupFailure(error, stderr),
      rootModule,
      configure,
      io,
    });
}

/**
 * The side-effecting entry of a service's main.ts: runs `bootstrap` with the
 * process's arguments and environment and exits with its code on refusal
 * (exiting also ends whatever a half-started application left open).
 */
export function runServiceMain(bootstrap: ServiceBootstrapFn): void {
  void bootstrap(process.argv.slice(2), process.env).then(
    ({ exitCode }) => {
      if (exitCode !== 0) process.exit(exitCode);
    },
    (error: unknown) => {
      process.stderr.write(
        `unexpected startup error: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
