import { All, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { AGENT_API_PREFIX, AgentBody } from './agent-body';
import { AgentError, AgentErrorCode } from './agent-error';
import { AgentProblemFilter } from './agent-problem.filter';
import { RegistrationService, type RegisterResponse } from './registration.service';

/**
 * The agent API (DESIGN section 6) as far as Nest serves it: registration.
 * `POST /messages`, the route every agent calls all the time, is served
 * before Express and Nest by MessagesEndpoint (messages-endpoint.ts).
 */
@Controller(AGENT_API_PREFIX)
@UseFilters(AgentProblemFilter)
export class AgentController {
  constructor(private readonly registration: RegistrationService) {}

  @Post('register')
  @HttpCode(201)
  register(@AgentBody() body: unknown): Promise<RegisterResponse> {
    return this.registration.register(body);
  }
}

/**
 * Everything else under the agent prefix (a typo, a wrong method): the same
 * problem+json as the rest of the agent API instead of the framework's 404.
 * Registered after AgentController, so the real routes match first.
 */
@Controller(AGENT_API_PREFIX)
@UseFilters(AgentProblemFilter)
export class AgentFallbackController {
  @All('*path')
  unknown(): never {
    throw new AgentError(AgentErrorCode.ROUTE_NOT_FOUND, 'no such route');
  }
}
