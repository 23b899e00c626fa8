import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AdminRole } from '@sysmanage/schema';
import type { IncomingMessage } from 'node:http';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';

/** The authenticated caller of a control-plane request. */
export interface Principal {
  id: string;
  name: string;
  role: AdminRole;
}

export interface AuthenticatedRequest extends IncomingMessage {
  principal?: Principal;
}

/** The audit actor string of a principal. */
export function actorOf(principal: Principal): string {
  return `principal:${principal.id}`;
}

/** Injects the principal the guard authenticated; a route without one is a wiring bug. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new RegistryError(RegistryErrorCode.UNAUTHENTICATED, 'no authenticated principal');
  return principal;
});
