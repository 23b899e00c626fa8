import type { INestApplication } from '@nestjs/common';
import { AGENT_LIMITS } from '@sysmanage/contracts';
import {
  HttpMetrics,
  ROOT_LOGGER,
  runWithContext,
  trackExchange,
  type ExchangeReporter,
} from '@sysmanage/observability';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { HostAuthenticator } from '../auth/host-authenticator';
import { AGENT_API_PREFIX, agentBodyReader, readAgentBody, type BodyOutcome } from './agent-body';
import { AgentProblemFilter } from './agent-problem.filter';
import { HOST_AUTHENTICATOR } from './agent.tokens';
import { MessageIntakeService } from './message-intake.service';

/** The route of `POST /messages`, as the access log and the HTTP metrics label it. */
const MESSAGES_ROUTE = `/${AGENT_API_PREFIX}/messages`;

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface MessagesEndpointDeps {
  authenticator: HostAuthenticator;
  intake: MessageIntakeService;
  problems: AgentProblemFilter;
  reporter: ExchangeReporter;
  bodyLimit: number;
}

function bodyOf(req: IncomingMessage, limit: number): Promise<BodyOutcome> {
  return new Promise((resolve) => readAgentBody(req, limit, resolve));
}

/**
 * `POST /api/v1/agent/messages` served straight off Node's HTTP server,
 * outside Express and Nest (the only implementation of the route): it is the
 * one route every agent calls all the time, and the framework's routing,
 * middleware chain, guard, parameter and response handling were a tenth of
 * ingest's busy time at the bench's peak. It does what that pipeline did for
 * it, in the same order and with the same answers: a request id and the access log and HTTP metrics
 * (trackExchange), the body read with its limit, the host credential checked
 * before the body is looked at, the batch accepted in the tenant's log
 * context, and every refusal as the agent API's problem+json
 * (AgentProblemFilter). The agent API tests run against it.
 */
export class MessagesEndpoint {
  constructor(private readonly deps: MessagesEndpointDeps) {}

  /** Whether this endpoint serves `req`: a POST to the route (case-insensitive, one trailing slash, any query), as Express matches it. */
  matches(req: IncomingMessage): boolean {
    if (req.method !== 'POST' || req.url === undefined) return false;
    const path = req.url.split('?', 1)[0] ?? '';
    const bare = path.endsWith('/') ? path.slice(0, -1) : path;
    return bare.length === MESSAGES_ROUTE.length && bare.toLowerCase() === MESSAGES_ROUTE;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const requestId = trackExchange(this.deps.reporter, req, res, () => MESSAGES_ROUTE);
    runWithContext({ requestId }, () =>
      // serve() answers every error itself; this is for a failure while answering one.
      this.serve(req, res).catch((error: unknown) => {
        this.deps.reporter.log.error({ err: error }, 'agent request failed while being answered');
        res.destroy();
      }),
    );
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await bodyOf(req, this.deps.bodyLimit);
      const host = await this.deps.authenticator.authenticate(req.headers.authorization);
      if (!body.ok) throw body.error;
      const accepted = await runWithContext({ tenantId: host.tenantId }, () =>
        this.deps.intake.accept(host, body.value),
      );
      res.statusCode = 202;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(accepted));
    } catch (error) {
      if (res.headersSent) {
        res.destroy(error instanceof Error ? error : undefined);
        return;
      }
      this.deps.problems.respond(error, req, res);
    }
  }
}

/**
 * Puts MessagesEndpoint in front of the application's request handler (a
 * no-op when the app has no agent API, SYSMANAGE_INGEST_ROLE=writer). Called
 * before listen, with the providers already created.
 */
export function installMessagesEndpoint(app: INestApplication): void {
  let intake: MessageIntakeService;
  try {
    intake = app.get(MessageIntakeService, { strict: false });
  } catch {
    return;
  }
  const root = app.get<Logger>(ROOT_LOGGER, { strict: false });
  const endpoint = new MessagesEndpoint({
    authenticator: app.get<HostAuthenticator>(HOST_AUTHENTICATOR, { strict: false }),
    intake,
    problems: app.get(AgentProblemFilter, { strict: false }),
    reporter: {
      log: root.child({ context: 'HttpAccess' }),
      metrics: app.get(HttpMetrics, { strict: false }),
    },
    bodyLimit: AGENT_LIMITS.maxBodyBytes,
  });
  const server = app.getHttpServer() as Server;
  const framework = server.listeners('request') as RequestHandler[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (endpoint.matches(req)) endpoint.handle(req, res);
    else for (const listener of framework) listener(req, res);
  });
}

/**
 * The agent API's HTTP set-up; main.ts passes this as the service's
 * `configure`. The body reader is registered before Nest's init adds
 * Express's json parser, which then finds the body already read.
 */
export function configureAgentHttp(app: INestApplication): void {
  app.use(`/${AGENT_API_PREFIX}`, agentBodyReader(AGENT_LIMITS.maxBodyBytes));
  installMessagesEndpoint(app);
}
