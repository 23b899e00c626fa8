import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  encodeMessage,
  HostEventKind,
  hostEventSubject,
  NATS_CONNECTION,
  type HostEvent,
} from '@sysmanage/contracts';
import { runWithContext, ROOT_LOGGER } from '@sysmanage/observability';
import {
  ensureCollapsedTenant,
  EnrollmentError,
  EnrollmentErrorCode,
  EnrollmentRefusedError,
  hashToken,
  tokenDisplayPrefix,
  type EnrollmentRedemption,
  type EnrollmentResult,
  type HostIdentity,
} from '@sysmanage/tenancy';
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { TENANT_DATABASES, type TenantDatabases } from '../tenant-db/tenant-databases';
import { isConnectionLoss } from '../tenant-db/budget-error-mapping';
import { isTenantUnavailable } from '../tenant-db/tenant-unavailable-error';
import { AgentError, AgentErrorCode } from './agent-error';
import { AgentMetrics } from './agent-metrics';
import type { AgentSettings } from './agent-settings';
import { AGENT_OPTIONS, ENROLLMENT_REDEMPTION } from './agent.tokens';
import { hostRecorder } from './host-record';
import { RegistrationGate, RegistrationGateTimeout } from './registration-gate';
import { parseRegisterRequest } from './register-request';

/** pg-pool's acquire timeout, and the redeemer's bounded wait for a token or machine lock. */
function isRegistryBusy(error: unknown): boolean {
  if (error instanceof EnrollmentError && error.code === EnrollmentErrorCode.BUSY) return true;
  return error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message);
}

export interface AgentOptions {
  /** multitenancy.enabled: every registration needs an enrollment token. */
  multitenant: boolean;
  settings: AgentSettings;
}

/** The 201 body of `POST /register`: the host token is shown this once. */
export interface RegisterResponse {
  host_id: string;
  host_token: string;
  tenant_id: string;
}

/**
 * Registers hosts: validates the identity, redeems the enrollment token (or,
 * in collapsed mode, registers without one unless a token is required) with
 * the host row written to the tenant database inside the redemption, and
 * announces the (possibly rotated) credential so every replica's cache
 * drops the old one.
 */
@Injectable()
export class RegistrationService implements OnApplicationBootstrap {
  private readonly log: Logger;
  private collapsedTenant: Promise<void> | null = null;
  private readonly gate: RegistrationGate;

  constructor(
    @Inject(ENROLLMENT_REDEMPTION) private readonly redemption: EnrollmentRedemption,
    @Inject(TENANT_DATABASES) private readonly databases: TenantDatabases,
    @Inject(AGENT_OPTIONS) private readonly options: AgentOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly registry: DataSource,
    private readonly metrics: AgentMetrics,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'AgentRegistration' });
    const { registrationConcurrency, registrationWaitMs } = options.settings;
    this.gate = new RegistrationGate(registrationConcurrency, registrationWaitMs);
  }

  /** Collapsed mode: the built-in tenant row; a registry not migrated yet is retried at the first registration. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.options.multitenant) return;
    await this.ensureCollapsedTenant().catch((error: unknown) =>
      this.log.warn(
        { err: error },
        'collapsed-mode tenant not created yet (registry not migrated?); retried at the first registration',
      ),
    );
  }

  async register(body: unknown): Promise<RegisterResponse> {
    const { enrollmentToken, identity } = parseRegisterRequest(body);
    const recordHost = hostRecorder(this.databases, identity);
    const tokenPrefix = enrollmentToken === null ? null : tokenDisplayPrefix(enrollmentToken);
    let result: EnrollmentResult;
    // One token's registrations queue here rather than on its row lock in the registry (see RegistrationGate).
    const turn =
      enrollmentToken === null ? `machine:${identity.machineId}` : `token:${hashToken(enrollmentToken)}`;
    try {
      result = await this.gate.run(turn, async () => {
        if (enrollmentToken !== null || this.options.multitenant) {
          return this.redemption.redeem(enrollmentToken ?? '', identity, recordHost);
        }
        if (this.options.settings.requireEnrollmentToken)
          return this.redemption.refuseTokenRequired(identity);
        await this.ensureCollapsedTenant();
        return this.redemption.registerWithoutToken(identity, recordHost);
      });
    } catch (error) {
      if (error instanceof RegistrationGateTimeout) {
        this.log.warn(
          { machineId: identity.machineId, tokenPrefix, pending: this.gate.pending },
          'registration gave up waiting for its turn; the agent retries',
        );
        throw new AgentError(
          AgentErrorCode.INGEST_UNAVAILABLE,
          'too many registrations in progress; retry later',
        );
      }
      throw this.refusal(error, identity, tokenPrefix);
    }
    this.metrics.registered(result.reEnrolled);
    runWithContext({ tenantId: result.tenantId }, () =>
      this.log.info(
        {
          hostId: result.hostId,
          tokenId: result.tokenId,
          machineId: identity.machineId,
          reEnrolled: result.reEnrolled,
        },
        result.reEnrolled ? 'host re-registered (credential rotated)' : 'host enrolled',
      ),
    );
    this.announce(result);
    return { host_id: result.hostId, host_token: result.hostToken, tenant_id: result.tenantId };
  }

  private ensureCollapsedTenant(): Promise<void> {
    this.collapsedTenant ??= ensureCollapsedTenant(this.registry).catch((error: unknown) => {
      this.collapsedTenant = null;
      throw error;
    });
    return this.collapsedTenant;
  }

  private refusal(error: unknown, identity: HostIdentity, tokenPrefix: string | null): unknown {
    if (error instanceof EnrollmentRefusedError) {
      this.log.warn(
        {
          reason: error.reason,
          tokenId: error.tokenId,
          tenantId: error.tenantId,
          tokenPrefix,
          machineId: identity.machineId,
          hostname: identity.hostname,
        },
        `registration refused: ${error.reason}`,
      );
      return new AgentError(AgentErrorCode.ENROLLMENT_REFUSED, 'enrollment refused');
    }
    if (isTenantUnavailable(error)) {
      this.log.error(
        { err: error, code: error.code, tenantId: error.tenantId, machineId: identity.machineId },
        'registration failed: tenant database unavailable; nothing counted',
      );
      return new AgentError(
        AgentErrorCode.TENANT_UNAVAILABLE,
        'the tenant database is unavailable; retry later',
        {},
        { cause: error },
      );
    }
    if (isConnectionLoss(error) || isRegistryBusy(error)) {
      // The registry database is away or saturated (the redemption could not run or commit): nothing counted.
      this.log.error(
        { err: error, machineId: identity.machineId },
        'registration failed: registry database unreachable or busy',
      );
      return new AgentError(
        AgentErrorCode.INGEST_UNAVAILABLE,
        'registration cannot be completed right now; retry later',
        {},
        { cause: error },
      );
    }
    return error;
  }

  /** HostEvent `enrolled` after commit: a re-registration rotated the credential, other replicas drop the old one. */
  private announce(result: EnrollmentResult): void {
    const event: HostEvent = {
      eventId: randomUUID(),
      kind: HostEventKind.ENROLLED,
      tenantId: result.tenantId,
      hostId: result.hostId,
      ...(result.tokenId === null ? {} : { tokenId: result.tokenId }),
      occurredAt: new Date().toISOString(),
    };
    try {
      this.nc.publish(hostEventSubject(HostEventKind.ENROLLED), encodeMessage(event));
    } catch (error) {
      this.log.warn(
        { err: error, hostId: result.hostId },
        'could not announce the enrolment (caches expire the old credential by TTL)',
      );
    }
  }
}
