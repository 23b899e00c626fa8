import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
} from '@nestjs/common';
import { runWithContext } from '@sysmanage/observability';
import type { IncomingMessage } from 'node:http';
import { HOST_AUTHENTICATOR } from '../agent/agent.tokens';
import type { AuthenticatedHost, HostAuthenticator } from './host-authenticator';

const HOST = Symbol('authenticatedHost');
type HostRequest = IncomingMessage & { [HOST]?: AuthenticatedHost };

/** Authenticates the host credential of the request before anything of its body is looked at. */
@Injectable()
export class HostCredentialGuard implements CanActivate {
  constructor(@Inject(HOST_AUTHENTICATOR) private readonly authenticator: HostAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<HostRequest>();
    req[HOST] = await this.authenticator.authenticate(req.headers.authorization);
    return true;
  }
}

/** Controller parameter: the host HostCredentialGuard authenticated. */
export const CurrentHost = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthenticatedHost => {
    const host = ctx.switchToHttp().getRequest<HostRequest>()[HOST];
    if (!host) throw new Error('CurrentHost used on a route without HostCredentialGuard');
    return host;
  },
);

/** Runs `work` with the host's tenant in the log context. */
export function inTenantContext<T>(host: AuthenticatedHost, work: () => T): T {
  return runWithContext({ tenantId: host.tenantId }, work);
}
