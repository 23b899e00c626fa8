import { HostEventKind, type HostEvent } from '@sysmanage/contracts';
import type { HttpMetrics } from '@sysmanage/observability';
import {
  COLLAPSED_TENANT_ID,
  EnrollmentError,
  EnrollmentErrorCode,
  EnrollmentRefusedError,
  type EnrollmentRedemption,
  type EnrollmentResult,
  type EnrollmentTenant,
  type HostIdentity,
  type RecordHost,
} from '@sysmanage/tenancy';
import type { NatsConnection } from 'nats';
import type { ClientBase } from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { TenantDatabases } from '../tenant-db/tenant-databases';
import { TenantUnavailableError, TenantUnavailableErrorCode } from '../tenant-db/tenant-unavailable-error';
import { AgentError, AgentErrorCode } from './agent-error';
import { AgentMetrics } from './agent-metrics';
import { readAgentSettings } from './agent-settings';
import { RegistrationService } from './registration.service';

const TENANT: EnrollmentTenant = {
  tenantId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  slug: 'a',
  tokenId: 'tok-1',
};
const TOKEN = `sme_${'B'.repeat(43)}`;
const body = { hostname: 'web-1', machine_id: 'm-1', os: 'Linux' };

interface Calls {
  redeem: string[];
  withoutToken: number;
  tokenRequired: number;
  sql: { tenantId: string; text: string; params: unknown[] }[];
  published: { subject: string; event: HostEvent }[];
  registryQueries: string[];
}

function harness(opts: {
  multitenant?: boolean;
  env?: NodeJS.ProcessEnv;
  redeemError?: Error;
  database?: 'up' | 'down';
}) {
  const calls: Calls = {
    redeem: [],
    withoutToken: 0,
    tokenRequired: 0,
    sql: [],
    published: [],
    registryQueries: [],
  };
  const lines: Record<string, unknown>[] = [];
  const enroll = async (tenant: EnrollmentTenant, recordHost: RecordHost): Promise<EnrollmentResult> => {
    const hostId = await recordHost(tenant, 'proposed-id');
    return { ...tenant, hostId, hostToken: `smh_${'C'.repeat(43)}`, reEnrolled: false };
  };
  const redemption: EnrollmentRedemption = {
    redeem: async (token: string, _identity: HostIdentity, recordHost: RecordHost) => {
      calls.redeem.push(token);
      if (opts.redeemError) throw opts.redeemError;
      return enroll(TENANT, recordHost);
    },
    registerWithoutToken: async (_identity: HostIdentity, recordHost: RecordHost) => {
      calls.withoutToken += 1;
      return enroll({ tenantId: COLLAPSED_TENANT_ID, slug: 'default', tokenId: null }, recordHost);
    },
    // The real redeemer audits the refusal, then throws it.
    refuseTokenRequired: async () => {
      calls.tokenRequired += 1;
      throw new EnrollmentRefusedError('token_required', null, COLLAPSED_TENANT_ID);
    },
  };
  const databases: TenantDatabases = {
    withTenantClient: async (tenantId, work) => {
      if (opts.database === 'down') {
        throw new TenantUnavailableError(TenantUnavailableErrorCode.DATABASE_UNREACHABLE, tenantId, 'down');
      }
      const client = {
        query: async (text: string, params: unknown[]) => {
          calls.sql.push({ tenantId, text, params });
          return { rows: [{ id: params[0] }] };
        },
      } as unknown as ClientBase;
      return work(client);
    },
    forget: async () => undefined,
  };
  const nc = {
    publish: (subject: string, data: Uint8Array) =>
      calls.published.push({ subject, event: JSON.parse(new TextDecoder().decode(data)) as HostEvent }),
  } as unknown as NatsConnection;
  const registry = {
    query: async (text: string) => {
      calls.registryQueries.push(text);
      return [{ slug: 'default' }];
    },
  } as unknown as DataSource;
  const metrics = new AgentMetrics({ registry: new Registry() } as unknown as HttpMetrics);
  const service = new RegistrationService(
    redemption,
    databases,
    { multitenant: opts.multitenant ?? false, settings: readAgentSettings(opts.env ?? {}) },
    nc,
    registry,
    metrics,
    pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
  );
  return { service, calls, lines };
}

async function agentError(promise: Promise<unknown>): Promise<AgentError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AgentError)) throw new Error(`expected an AgentError, got ${String(error)}`);
  return error;
}

describe('RegistrationService', () => {
  it('collapsed mode without a token: ensures the built-in tenant, upserts the host row, announces the enrolment', async () => {
    const { service, calls } = harness({});
    const res = await service.register(body);
    expect(res).toEqual({
      host_id: 'proposed-id',
      host_token: expect.stringMatching(/^smh_/),
      tenant_id: COLLAPSED_TENANT_ID,
    });
    expect(calls.withoutToken).toBe(1);
    expect(calls.registryQueries[0]).toMatch(/INSERT INTO registry_tenants/);
    expect(calls.sql).toEqual([
      {
        tenantId: COLLAPSED_TENANT_ID,
        text: expect.stringMatching(/ON CONFLICT \(machine_id\) DO UPDATE[\s\S]*RETURNING id/),
        params: ['proposed-id', 'web-1', null, 'm-1', 'Linux', null, null],
      },
    ]);
    expect(calls.published).toEqual([
      {
        subject: 'sysmanage.host.events.enrolled',
        event: expect.objectContaining({
          kind: HostEventKind.ENROLLED,
          hostId: 'proposed-id',
          tenantId: COLLAPSED_TENANT_ID,
        }),
      },
    ]);
  });

  it.each([
    ['the registry pool has no free connection', new Error('timeout exceeded when trying to connect')],
    [
      "the token's lock wait ran out",
      new EnrollmentError(EnrollmentErrorCode.BUSY, 'registration waited more than 10000 ms'),
    ],
  ])('%s -> 503 ingest_unavailable (retryable), not 500', async (_case, redeemError) => {
    const { service } = harness({ multitenant: true, redeemError });
    const error = await agentError(service.register({ ...body, enrollment_token: TOKEN }));
    expect(error.code).toBe(AgentErrorCode.INGEST_UNAVAILABLE);
  });

  it('collapsed mode with a token redeems it', async () => {
    const { service, calls } = harness({});
    expect((await service.register({ ...body, enrollment_token: TOKEN })).tenant_id).toBe(TENANT.tenantId);
    expect(calls.redeem).toEqual([TOKEN]);
    expect(calls.withoutToken).toBe(0);
  });

  it('collapsed mode with SYSMANAGE_INGEST_REQUIRE_ENROLLMENT_TOKEN=true refuses a tokenless registration', async () => {
    const { service, calls, lines } = harness({ env: { SYSMANAGE_INGEST_REQUIRE_ENROLLMENT_TOKEN: 'true' } });
    const error = await agentError(service.register(body));
    expect(error).toMatchObject({ code: AgentErrorCode.ENROLLMENT_REFUSED, message: 'enrollment refused' });
    expect(calls.withoutToken + calls.redeem.length + calls.sql.length).toBe(0);
    expect(calls.tokenRequired).toBe(1);
    expect(lines).toContainEqual(expect.objectContaining({ reason: 'token_required' }));
  });

  it('multi-tenant mode without a token goes through the redemption (refused there, audited as malformed)', async () => {
    const { service, calls } = harness({
      multitenant: true,
      redeemError: new EnrollmentRefusedError('malformed'),
    });
    expect((await agentError(service.register(body))).code).toBe(AgentErrorCode.ENROLLMENT_REFUSED);
    expect(calls.redeem).toEqual(['']);
    expect(calls.withoutToken).toBe(0);
  });

  it.each(['unknown', 'expired', 'revoked', 'exhausted', 'tenant_not_active'] as const)(
    'gives the agent the same 403 for a %s token while the log names the reason, token id and prefix',
    async (reason) => {
      const { service, lines, calls } = harness({
        multitenant: true,
        redeemError: new EnrollmentRefusedError(reason, 'tok-9', TENANT.tenantId),
      });
      const error = await agentError(service.register({ ...body, enrollment_token: TOKEN }));
      expect(error.code).toBe(AgentErrorCode.ENROLLMENT_REFUSED);
      expect(error.message).toBe('enrollment refused');
      expect(lines).toContainEqual(
        expect.objectContaining({ reason, tokenId: 'tok-9', tokenPrefix: 'sme_BBBBBB', machineId: 'm-1' }),
      );
      expect(JSON.stringify(lines)).not.toContain(TOKEN);
      expect(calls.published).toEqual([]);
    },
  );

  it('answers 503 tenant_unavailable when the tenant database is down (the redemption rolls back)', async () => {
    const { service, calls } = harness({ multitenant: true, database: 'down' });
    const error = await agentError(service.register({ ...body, enrollment_token: TOKEN }));
    expect(error.code).toBe(AgentErrorCode.TENANT_UNAVAILABLE);
    expect(calls.published).toEqual([]);
  });

  it.each([
    ['a missing hostname', { machine_id: 'm-1' }, 'hostname'],
    ['a machine_id with a space', { hostname: 'h', machine_id: 'm 1' }, 'machine_id'],
    ['a machine_id over 128 characters', { hostname: 'h', machine_id: 'm'.repeat(129) }, 'machine_id'],
    ['a hostname over 255 characters', { hostname: 'h'.repeat(256), machine_id: 'm' }, 'hostname'],
    ['a numeric os', { hostname: 'h', machine_id: 'm', os: 7 }, 'os'],
  ])('refuses %s with validation_failed before any redemption', async (_what, input, field) => {
    const { service, calls } = harness({});
    const error = await agentError(service.register(input));
    expect(error).toMatchObject({ code: AgentErrorCode.VALIDATION_FAILED, location: { field } });
    expect(calls.withoutToken + calls.redeem.length).toBe(0);
  });

  it('answers 503 ingest_unavailable when the registry database is unreachable, and 500 stays for anything else', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { service } = harness({ multitenant: true, redeemError: down });
    expect((await agentError(service.register({ ...body, enrollment_token: TOKEN }))).code).toBe(
      AgentErrorCode.INGEST_UNAVAILABLE,
    );
    const bug = new TypeError('x is not a function');
    const other = harness({ multitenant: true, redeemError: bug });
    await expect(other.service.register({ ...body, enrollment_token: TOKEN })).rejects.toBe(bug);
  });
});
