import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgentError, AgentErrorCode } from './agent-error';

/** Where the agent API is mounted (no leading slash, as Nest controllers take it). */
export const AGENT_API_PREFIX = 'api/v1/agent';

// Beyond this many bytes the connection is cut instead of drained for a polite 413.
const HARD_CEILING_FACTOR = 4;

const BODY = Symbol('agentBody');

export type BodyOutcome = { ok: true; value: unknown } | { ok: false; error: AgentError };
type AgentRequest = IncomingMessage & { [BODY]?: BodyOutcome };

function parse(bytes: Buffer): BodyOutcome {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: new AgentError(AgentErrorCode.MALFORMED_JSON, `body is not valid JSON: ${reason}`),
    };
  }
}

function tooLarge(limit: number): BodyOutcome {
  return {
    ok: false,
    error: new AgentError(AgentErrorCode.PAYLOAD_TOO_LARGE, `body exceeds ${limit} bytes`),
  };
}

/**
 * Reads a request body up to `limit` bytes and hands `done` the parsed
 * value, or malformed_json / payload_too_large. A body over the limit is
 * drained (not buffered) so the agent reads the 413; far over it, the
 * connection is cut.
 */
export function readAgentBody(
  req: IncomingMessage,
  limit: number,
  done: (outcome: BodyOutcome) => void,
): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  let over = declared > limit;
  let size = 0;
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) over = true;
    if (!over) chunks.push(chunk);
    if (size > limit * HARD_CEILING_FACTOR) req.destroy();
  });
  req.once('end', () => done(over ? tooLarge(limit) : parse(Buffer.concat(chunks))));
}

/**
 * Reads the body of an agent request Nest serves (registration) instead of
 * leaving it to Express's json parser: the outcome is kept on the request and
 * raised by @AgentBody() in the route, so these refusals come out as the
 * agent API's problem+json, with the request id, access log and metrics like
 * any other.
 */
export function agentBodyReader(limit: number) {
  return (req: AgentRequest, _res: ServerResponse, next: () => void): void => {
    if (req.method !== 'POST') {
      next();
      return;
    }
    readAgentBody(req, limit, (outcome) => {
      req[BODY] = outcome;
      next();
    });
  };
}

/** The request body read by agentBodyReader; throws its malformed_json / payload_too_large. */
export function takeAgentBody(req: IncomingMessage & { body?: unknown }): unknown {
  const outcome = (req as AgentRequest)[BODY];
  // Without the reader (an app built without configureAgentHttp) Express's parser has run.
  if (outcome === undefined) return req.body;
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** Controller parameter: the agent request's parsed JSON body (see agentBodyReader). */
export const AgentBody = createParamDecorator((_data: unknown, ctx: ExecutionContext): unknown =>
  takeAgentBody(ctx.switchToHttp().getRequest()),
);
