import { type CanActivate, type ExecutionContext, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { ObservabilityModule } from '@sysmanage/observability';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';
import { AdminKeysRepository } from './admin-keys.repository';
import { hashApiKey } from './api-key-material';
import type { AuthenticatedRequest } from './principal';
import { PUBLIC_ROUTE } from './public-route.decorator';

const READ_METHODS = new Set(['GET', 'HEAD']);
const BEARER = /^Bearer +(\S{1,1024})$/i;

/**
 * The global guard: every route needs a valid `Authorization: Bearer <api key>`
 * unless it is marked @PublicRoute(), or belongs to ObservabilityModule (the
 * /health and /metrics probes, which a load balancer calls without a key).
 * Viewers may only read; operators may do everything.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate, OnModuleInit {
  private readonly probeControllers = new Set<unknown>();

  constructor(
    private readonly reflector: Reflector,
    private readonly modules: ModulesContainer,
    private readonly keys: AdminKeysRepository,
  ) {}

  onModuleInit(): void {
    for (const module of this.modules.values()) {
      if (module.metatype !== ObservabilityModule) continue;
      for (const controller of module.controllers.keys()) this.probeControllers.add(controller);
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    if (header === undefined) {
      throw new RegistryError(
        RegistryErrorCode.UNAUTHENTICATED,
        'missing Authorization: Bearer <api key> header',
      );
    }
    const match = BEARER.exec(header);
    const principal = match ? await this.keys.findPrincipalByKeyHash(hashApiKey(match[1])) : null;
    if (!principal) {
      throw new RegistryError(
        RegistryErrorCode.UNAUTHENTICATED,
        'the API key is not valid (unknown, revoked or malformed)',
      );
    }
    req.principal = principal;
    if (principal.role !== 'operator' && !READ_METHODS.has(req.method ?? '')) {
      throw new RegistryError(
        RegistryErrorCode.FORBIDDEN,
        `role ${principal.role} may only read; ${req.method} needs role operator`,
      );
    }
    return true;
  }

  /** True for routes reachable without a key; exported for the route-table test's cross-check. */
  isPublic(context: Pick<ExecutionContext, 'getClass' | 'getHandler'>): boolean {
    if (this.probeControllers.has(context.getClass())) return true;
    return (
      this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]) ===
      true
    );
  }
}
