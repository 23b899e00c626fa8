import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { currentContext, ROOT_LOGGER } from '@sysmanage/observability';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AgentError, AgentErrorCode } from './agent-error';
import { agentProblem, writeProblem } from './agent-problem';
import { AgentMetrics } from './agent-metrics';

/**
 * The exception filter of the agent API: AgentError codes become problem+json
 * with the catalog's status; anything unexpected becomes `internal_error` with
 * a correlation id, its detail going to the log only. Every refusal is counted
 * by code.
 */
@Catch()
export class AgentProblemFilter implements ExceptionFilter {
  private readonly log: Logger;

  constructor(
    @Inject(ROOT_LOGGER) logger: Logger,
    private readonly metrics: AgentMetrics,
  ) {
    this.log = logger.child({ context: 'AgentProblemFilter' });
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.respond(error, http.getRequest(), http.getResponse());
  }

  /** Answers `req` with the problem of `error` (also used by the POST /messages handler outside Nest). */
  respond(error: unknown, req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): void {
    const instance = (req.originalUrl ?? req.url ?? '').split('?', 1)[0] ?? '';
    const known = this.toAgentError(error, instance);
    this.metrics.rejected(known.code);
    const body = agentProblem(known, instance);
    if (known.code === AgentErrorCode.INTERNAL_ERROR) {
      body.correlation_id = currentContext()?.requestId ?? 'none';
    }
    writeProblem(res, body);
  }

  private toAgentError(error: unknown, instance: string): AgentError {
    if (error instanceof AgentError) return error;
    if (error instanceof HttpException && error.getStatus() === 404) {
      return new AgentError(AgentErrorCode.ROUTE_NOT_FOUND, 'no such route');
    }
    const correlationId = currentContext()?.requestId ?? 'none';
    this.log.error({ err: error, correlationId, instance }, 'unhandled error in an agent request');
    return new AgentError(
      AgentErrorCode.INTERNAL_ERROR,
      `an internal error occurred; quote correlation id ${correlationId} to the operator`,
    );
  }
}
