import { Client, type ClientConfig } from 'pg';
import { MigratorError, MigratorErrorCode, errorMessage } from '../errors/migrator-error';

/**
 * Runs `fn` with one dedicated connection and always closes it. A dropped
 * connection emits 'error' on the client; without a listener that would crash
 * the process, so it is recorded and the next query fails instead.
 */
export async function withClient<T>(config: ClientConfig, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    const where = `${config.database ?? '?'} on ${config.host ?? '?'}:${config.port ?? '?'}`;
    throw new MigratorError(
      MigratorErrorCode.DATABASE_UNAVAILABLE,
      `cannot connect to ${where}: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
