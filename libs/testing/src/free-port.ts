import { createServer } from 'node:net';
import { HarnessError, HarnessErrorCode } from './harness-error';

const HOST = '127.0.0.1';

function listenOn(port: number): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host: HOST, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      resolve({ port: bound, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. Callers still retry on
 * "address in use": another process may take the port before the server binds.
 */
export async function freePort(): Promise<number> {
  const probe = await listenOn(0);
  await probe.close();
  return probe.port;
}

/**
 * A port P such that P and P + 1 are both free (OpenBAO/Vault dev mode binds
 * its cluster listener on the API port + 1).
 */
export async function freePortPair(attempts = 20): Promise<number> {
  for (let i = 0; i < attempts; i += 1) {
    const first = await listenOn(0);
    if (first.port >= 65535) {
      await first.close();
      continue;
    }
    try {
      const second = await listenOn(first.port + 1);
      await second.close();
      await first.close();
      return first.port;
    } catch {
      await first.close();
    }
  }
  throw new HarnessError(
    HarnessErrorCode.NO_FREE_PORT,
    `no free port pair P, P+1 on ${HOST} after ${attempts} attempts`,
  );
}
