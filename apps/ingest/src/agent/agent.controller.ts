import { All, Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import type { AuthenticatedHost } from '../auth/host-authenticator';
import { CurrentHost, HostCredentialGuard, inTenantContext } from '../auth/host-credential.guard';
import { AGENT_API_PREFIX, AgentBody } from './agent-body';
import { AgentError, AgentErrorCode } from './agent-error';
import { AgentProblemFilter } from './agent-problem.filter';
import { MessageIntakeService, type AcceptedResponse } from './message-intake.service';
import { RegistrationService, type RegisterResponse } from './registration.service';

/** The agent API (DESIGN section 6): registration and message batches. */
@Controller(AGENT_API_PREFIX)
@UseFilters(AgentProblemFilter)
export class AgentController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly intake: MessageIntakeService,
  ) {}

  @Post('register')
  @HttpCode(201)
  register(@AgentBody() body: unknown): Promise<RegisterResponse> {
    return this.registration.register(body);
  }

  @Post('messages')
  @HttpCode(202)
  @UseGuards(HostCredentialGuard)
  messages(@CurrentHost() host: AuthenticatedHost, @AgentBody() body: unknown): Promise<AcceptedResponse> {
    return inTenantContext(host, () => this.intake.accept(host, body));
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
