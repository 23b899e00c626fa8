import type { ServerResponse } from 'node:http';
import { AgentErrorCode, type AgentError } from './agent-error';

interface ProblemKind {
  status: number;
  title: string;
}

/** The one place an AgentErrorCode becomes an HTTP status and a title. */
export const AGENT_PROBLEM_CATALOG: Readonly<Record<AgentErrorCode, ProblemKind>> = {
  [AgentErrorCode.MALFORMED_JSON]: { status: 400, title: 'Body is not valid JSON' },
  [AgentErrorCode.PAYLOAD_TOO_LARGE]: { status: 413, title: 'Body or payload too large' },
  [AgentErrorCode.BATCH_TOO_LARGE]: { status: 413, title: 'Too many messages in one batch' },
  [AgentErrorCode.EMPTY_BATCH]: { status: 400, title: 'Empty batch' },
  [AgentErrorCode.INVALID_BATCH]: { status: 400, title: 'Invalid batch' },
  [AgentErrorCode.UNKNOWN_MESSAGE_TYPE]: { status: 400, title: 'Unknown message type' },
  [AgentErrorCode.INVALID_TIMESTAMP]: { status: 400, title: 'Invalid timestamp' },
  [AgentErrorCode.INVALID_PAYLOAD]: { status: 400, title: 'Invalid payload' },
  [AgentErrorCode.DUPLICATE_MESSAGE_ID]: { status: 400, title: 'Duplicate message id in the batch' },
  [AgentErrorCode.VALIDATION_FAILED]: { status: 400, title: 'Invalid request' },
  [AgentErrorCode.INVALID_HOST_CREDENTIAL]: { status: 401, title: 'Invalid host credential' },
  [AgentErrorCode.ENROLLMENT_REFUSED]: { status: 403, title: 'Enrollment refused' },
  [AgentErrorCode.TENANT_SUSPENDED]: { status: 403, title: 'Tenant not active' },
  [AgentErrorCode.ROUTE_NOT_FOUND]: { status: 404, title: 'No such route' },
  [AgentErrorCode.TENANT_UNAVAILABLE]: { status: 503, title: 'Tenant database unavailable' },
  [AgentErrorCode.INGEST_UNAVAILABLE]: { status: 503, title: 'Message stream unavailable' },
  [AgentErrorCode.INTERNAL_ERROR]: { status: 500, title: 'Internal error' },
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface AgentProblemBody {
  type: string;
  title: string;
  status: number;
  code: AgentErrorCode;
  detail: string;
  instance: string;
  index?: number;
  field?: string;
  correlation_id?: string;
}

/** The problem+json body of an AgentError. */
export function agentProblem(error: AgentError, instance: string): AgentProblemBody {
  const kind = AGENT_PROBLEM_CATALOG[error.code];
  return {
    type: `urn:sysmanage:problem:${error.code}`,
    title: kind.title,
    status: kind.status,
    code: error.code,
    detail: error.message,
    instance,
    ...error.location,
  };
}

/** Writes a problem body (503s say when to come back: the agent retries anyway). */
export function writeProblem(res: ServerResponse, body: AgentProblemBody): void {
  res.statusCode = body.status;
  res.setHeader('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  if (body.status === 503) res.setHeader('retry-after', '5');
  res.end(JSON.stringify(body));
}
