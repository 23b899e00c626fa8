import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { currentContext, ROOT_LOGGER } from '@sysmanage/observability';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { CONTROL_PLANE_PREFIX } from '../control-plane.tokens';
import { PROBLEM_CATALOG, problemType } from './problem-catalog';
import { RegistryError, RegistryErrorCode, type FieldProblem } from './registry-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
  correlation_id?: string;
}

// Framework exceptions (unmatched route, malformed JSON body, payload too large) keep their status.
function fromHttpException(error: HttpException): {
  status: number;
  code: string;
  title: string;
  detail: string;
} {
  const status = error.getStatus();
  if (status === 404) {
    return {
      status,
      code: RegistryErrorCode.ROUTE_NOT_FOUND,
      title: PROBLEM_CATALOG.route_not_found.title,
      detail: 'no such route',
    };
  }
  const code = status >= 500 ? RegistryErrorCode.INTERNAL_ERROR : RegistryErrorCode.VALIDATION_FAILED;
  return { status, code, title: error.name, detail: error.message };
}

/**
 * The one exception filter of the control plane: RegistryError codes become
 * problem+json with the catalog's status; anything unexpected becomes a
 * generic `internal_error` with a correlation id, its detail going to the log only.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly log: Logger;

  constructor(@Inject(ROOT_LOGGER) logger: Logger) {
    this.log = logger.child({ context: 'ProblemDetailsFilter' });
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage & { originalUrl?: string }>();
    const res = http.getResponse<ServerResponse>();
    const instance = (req.originalUrl ?? req.url ?? '').split('?', 1)[0];
    if (error instanceof HttpException && !instance.startsWith(`/${CONTROL_PLANE_PREFIX}/`)) {
      // Probes (/health/ready's 503 report) keep their own documented bodies.
      const response = error.getResponse();
      res.statusCode = error.getStatus();
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(
        JSON.stringify(
          typeof response === 'string' ? { statusCode: res.statusCode, message: response } : response,
        ),
      );
      return;
    }
    const body = this.toProblem(error, instance);
    res.statusCode = body.status;
    res.setHeader('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    res.end(JSON.stringify(body));
  }

  private toProblem(error: unknown, instance: string): ProblemBody {
    if (error instanceof RegistryError) {
      const kind = PROBLEM_CATALOG[error.code];
      const body: ProblemBody = {
        type: problemType(error.code),
        title: kind.title,
        status: kind.status,
        code: error.code,
        detail: error.message,
        instance,
      };
      if (error.fieldErrors.length > 0) body.errors = [...error.fieldErrors];
      return body;
    }
    if (error instanceof HttpException && error.getStatus() < 500) {
      const mapped = fromHttpException(error);
      return { type: `urn:sysmanage:problem:${mapped.code}`, ...mapped, instance };
    }
    const correlationId = currentContext()?.requestId ?? 'none';
    this.log.error({ err: error, correlationId, instance }, 'unhandled error in a control-plane request');
    const code = RegistryErrorCode.INTERNAL_ERROR;
    return {
      type: problemType(code),
      title: PROBLEM_CATALOG[code].title,
      status: 500,
      code,
      detail: `an internal error occurred; quote correlation id ${correlationId} to the operator`,
      instance,
      correlation_id: correlationId,
    };
  }
}
