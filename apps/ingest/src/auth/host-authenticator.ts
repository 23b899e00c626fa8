import { HOST_TOKEN_PREFIX, hashToken, isWellFormedToken, tokenDisplayPrefix } from '@sysmanage/tenancy';
import type { Logger } from 'pino';
import { AgentError, AgentErrorCode } from '../agent/agent-error';
import type { HostCredentialCache } from './host-credential-cache';

/** The host a request is from, as its credential says (never as its body says). */
export interface AuthenticatedHost {
  readonly hostId: string;
  readonly tenantId: string;
  readonly tokenId: string | null;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function refused(): AgentError {
  return new AgentError(
    AgentErrorCode.INVALID_HOST_CREDENTIAL,
    'missing, malformed, unknown or revoked host credential',
  );
}

/**
 * Turns an `Authorization: Bearer smh_...` header into the host and tenant,
 * from the credential cache. Every refusal gives the agent the same 401 (or
 * 403 for a tenant that is not active) while the log says which host, token
 * and reason.
 */
export class HostAuthenticator {
  constructor(
    private readonly cache: HostCredentialCache,
    private readonly log: Logger,
    private readonly onLookup: (hit: boolean) => void = () => undefined,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AuthenticatedHost> {
    const token = BEARER.exec(authorization ?? '')?.[1];
    if (!isWellFormedToken(token, HOST_TOKEN_PREFIX)) {
      this.log.warn(
        { reason: authorization ? 'malformed' : 'missing' },
        'agent request refused: no usable host credential',
      );
      throw refused();
    }
    let lookup;
    try {
      lookup = await this.cache.get(hashToken(token));
    } catch (error) {
      this.log.error({ err: error }, 'host credential lookup failed: registry unavailable');
      throw new AgentError(
        AgentErrorCode.INGEST_UNAVAILABLE,
        'cannot verify the host credential right now; retry later',
        {},
        { cause: error },
      );
    }
    this.onLookup(lookup.hit);
    const { record } = lookup;
    if (record === null) {
      this.log.warn(
        { reason: 'unknown', tokenPrefix: tokenDisplayPrefix(token) },
        'agent request refused: unknown host credential',
      );
      throw refused();
    }
    const context = { hostId: record.hostId, tenantId: record.tenantId, tokenId: record.tokenId };
    if (record.revoked) {
      this.log.warn({ ...context, reason: 'revoked' }, 'agent request refused: host credential revoked');
      throw refused();
    }
    if (record.tenantStatus !== 'active') {
      this.log.warn(
        { ...context, reason: 'tenant_not_active', tenantStatus: record.tenantStatus },
        'agent request refused: tenant not active',
      );
      throw new AgentError(AgentErrorCode.TENANT_SUSPENDED, 'the tenant of this host is not active');
    }
    return context;
  }
}
