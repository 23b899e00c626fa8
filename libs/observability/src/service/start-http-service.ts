import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { PinoLoggerService } from '../logging/pino-logger.service';

export interface HttpServiceOptions {
  service: string;
  logger: Logger;
  /** The service's root module. */
  module: DynamicModule | Type<unknown>;
  /** `config.api.<service>`. */
  listen: { host: string; port: number };
  /** Applied to the application before it listens (e.g. OpenAPI routes); optional. */
  configure?: (app: INestApplication) => void;
}

/**
 * Creates the Nest application of one service with the JSON logger (Nest's own
 * lines included), shutdown hooks (SIGTERM/SIGINT close modules: NATS drains,
 * pools end) and starts listening. Errors are thrown, never `process.abort()`ed,
 * so the caller decides the exit code.
 */
export async function startHttpService(options: HttpServiceOptions): Promise<INestApplication> {
  const app = await NestFactory.create(options.module, {
    logger: new PinoLoggerService(options.logger),
    abortOnError: false,
  });
  // process.exit() after the graceful close (not re-raising the signal) so the 'exit' handlers flush the log.
  app.enableShutdownHooks([], { useProcessExit: true });
  // No framework fingerprint in responses.
  const express: { disable(setting: string): void } = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  try {
    options.configure?.(app);
    await app.listen(options.listen.port, options.listen.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  const { host, port } = options.listen;
  options.logger.info(
    { context: 'Bootstrap', host, port },
    `${options.service} listening on http://${host}:${port}`,
  );
  return app;
}
