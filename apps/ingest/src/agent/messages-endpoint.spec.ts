import type { INestApplication } from '@nestjs/common';
import { HttpMetrics, ROOT_LOGGER } from '@sysmanage/observability';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { AuthenticatedHost } from '../auth/host-authenticator';
import { AgentError, AgentErrorCode } from './agent-error';
import { AgentProblemFilter } from './agent-problem.filter';
import { HOST_AUTHENTICATOR } from './agent.tokens';
import { installMessagesEndpoint, MessagesEndpoint } from './messages-endpoint';
import { MessageIntakeService } from './message-intake.service';

const HOST: AuthenticatedHost = { hostId: 'h-1', tenantId: 't-1', tokenId: null };

/** An app as installMessagesEndpoint sees it: its providers by token, and a real HTTP server. */
function fakeApp(server: Server, withAgentApi: boolean, accepted: unknown[]): INestApplication {
  const providers = new Map<unknown, unknown>([
    [ROOT_LOGGER, pino({ level: 'silent' })],
    [HttpMetrics, { observe: () => undefined }],
    [
      AgentProblemFilter,
      {
        respond: (error: AgentError, _req: IncomingMessage, res: ServerResponse) =>
          res.writeHead(401).end(error.code),
      },
    ],
    [
      HOST_AUTHENTICATOR,
      {
        authenticate: (authorization?: string) =>
          authorization === 'Bearer good'
            ? Promise.resolve(HOST)
            : Promise.reject(new AgentError(AgentErrorCode.INVALID_HOST_CREDENTIAL, 'no')),
      },
    ],
  ]);
  if (withAgentApi) {
    providers.set(MessageIntakeService, {
      accept: (_host: AuthenticatedHost, body: unknown) => {
        accepted.push(body);
        return Promise.resolve({ accepted: 1 });
      },
    });
  }
  return {
    get: (token: unknown) => {
      if (!providers.has(token)) throw new Error('no such provider');
      return providers.get(token);
    },
    getHttpServer: () => server,
  } as unknown as INestApplication;
}

async function send(
  server: Server,
  method: string,
  path: string,
  authorization?: string,
): Promise<{ status: number; body: string }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ port, method, path, headers: authorization ? { authorization } : {} }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{"messages":[]}' : undefined);
  });
}

describe('installMessagesEndpoint', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function serve(withAgentApi: boolean, accepted: unknown[]): Promise<Server> {
    // The framework's handler: answers 299 so a test sees which of the two served.
    const server = createServer((_req, res) => res.writeHead(299).end('framework'));
    servers.push(server);
    installMessagesEndpoint(fakeApp(server, withAgentApi, accepted));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return server;
  }

  it('serves POST /messages itself and hands every other request to the framework', async () => {
    const accepted: unknown[] = [];
    const server = await serve(true, accepted);
    expect(await send(server, 'POST', '/api/v1/agent/messages', 'Bearer good')).toEqual({
      status: 202,
      body: '{"accepted":1}',
    });
    expect(accepted).toEqual([{ messages: [] }]);
    expect(await send(server, 'POST', '/api/v1/agent/messages', 'Bearer bad')).toEqual({
      status: 401,
      body: 'invalid_host_credential',
    });
    for (const [method, path] of [
      ['GET', '/api/v1/agent/messages'],
      ['POST', '/api/v1/agent/register'],
      ['POST', '/api/v1/agent/messages/x'],
      ['POST', '/api/v1/agent/messagesx'],
      ['POST', '/api/v1/agent'],
    ] as const) {
      expect([method, path, await send(server, method, path, 'Bearer good')]).toEqual([
        method,
        path,
        { status: 299, body: 'framework' },
      ]);
    }
    expect(accepted).toHaveLength(1);
  });

  it('leaves the server alone when the app has no agent API (SYSMANAGE_INGEST_ROLE=writer)', async () => {
    const server = await serve(false, []);
    expect(await send(server, 'POST', '/api/v1/agent/messages', 'Bearer good')).toEqual({
      status: 299,
      body: 'framework',
    });
  });
});

describe('MessagesEndpoint.handle', () => {
  it('cuts the connection and logs when answering a refusal itself fails', async () => {
    const logged: unknown[] = [];
    const endpoint = new MessagesEndpoint({
      authenticator: {
        authenticate: () => Promise.reject(new AgentError(AgentErrorCode.INVALID_HOST_CREDENTIAL, 'no')),
      } as never,
      intake: {} as never,
      problems: {
        respond: () => {
          throw new Error('cannot write the problem');
        },
      } as never,
      reporter: {
        log: { info: () => undefined, error: (fields: unknown) => logged.push(fields) } as never,
        metrics: { observe: () => undefined } as never,
      },
      bodyLimit: 1024,
    });
    const server = createServer((req, res) => endpoint.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await expect(send(server, 'POST', '/api/v1/agent/messages', 'Bearer bad')).rejects.toThrow(
        /socket hang up|ECONNRESET/,
      );
      expect(logged).toEqual([{ err: expect.objectContaining({ message: 'cannot write the problem' }) }]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('MessagesEndpoint.matches', () => {
  const endpoint = new MessagesEndpoint({} as never);
  it.each([
    ['POST', '/api/v1/agent/messages', true],
    ['POST', '/api/v1/agent/messages/', true],
    ['POST', '/API/V1/Agent/Messages?x=1', true],
    ['PUT', '/api/v1/agent/messages', false],
    ['POST', '/api/v1/agent/messages//', false],
    ['POST', '/api/v1/agent/messages.json', false],
    ['POST', '/api/v1/agent/register', false],
  ])('%s %s: %s', (method, url, expected) => {
    expect(endpoint.matches({ method, url } as IncomingMessage)).toBe(expected);
  });
});
