import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentBodyReader, takeAgentBody } from './agent-body';
import { AgentError } from './agent-error';

const LIMIT = 1000;

/** A bare HTTP server running the reader, answering with what takeAgentBody gives or throws. */
async function serve(): Promise<{ server: Server; url: string }> {
  const reader = agentBodyReader(LIMIT);
  const server = createServer((req: IncomingMessage, res) => {
    reader(req, res, () => {
      try {
        res.end(JSON.stringify({ ok: takeAgentBody(req) }));
      } catch (error) {
        res.end(JSON.stringify({ code: error instanceof AgentError ? error.code : 'other' }));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('agentBodyReader', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => ({ server, url } = await serve()));
  afterAll(() => server.close());

  const postRaw = async (body: string | Uint8Array) =>
    (await (
      await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    ).json()) as unknown;

  it('parses a JSON body up to the limit', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(LIMIT - 20) });
    expect(body.length).toBeLessThanOrEqual(LIMIT);
    expect(await postRaw(body)).toEqual({ ok: { pad: 'x'.repeat(LIMIT - 20) } });
  });

  it('gives malformed_json for a body that is not JSON, including an empty one', async () => {
    expect(await postRaw('{"a":')).toEqual({ code: 'malformed_json' });
    expect(await postRaw('')).toEqual({ code: 'malformed_json' });
  });

  it('gives payload_too_large one byte over the limit, after draining the body (the client reads the answer)', async () => {
    expect(await postRaw(JSON.stringify({ pad: 'x'.repeat(LIMIT) }))).toEqual({ code: 'payload_too_large' });
  });

  it('gives payload_too_large for a chunked body without a content-length', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(LIMIT / 2)));
        controller.close();
      },
    });
    const res = await fetch(url, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(await res.json()).toEqual({ code: 'payload_too_large' });
  });
});
