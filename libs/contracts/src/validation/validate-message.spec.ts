import { randomUUID } from 'node:crypto';
import { IngestMessage } from '../ingest/ingest-message.message';
import { MigrateTenantReply, MigrateTenantRequest } from '../migrate/migrate-tenant.message';
import { ProvisioningAction, ProvisioningCommand } from '../provisioning/provisioning-command.message';
import { TenantEvent } from '../tenant-events/tenant-event.message';
import { TenantEventKind } from '../tenant-events/tenant-events.subjects';
import { TenantStatus } from '../tenant-events/tenant-status';
import { ContractError, ContractErrorCode } from './contract.error';
import { encodeMessage, validateMessage } from './validate-message';

function validIngest(): Record<string, unknown> {
  return {
    messageId: randomUUID(),
    tenantId: randomUUID(),
    hostId: randomUUID(),
    type: 'heartbeat',
    timestamp: '2026-01-02T03:04:00Z',
    receivedAt: '2026-01-02T03:04:05.678Z',
    payload: { uptime: 12, nested: { anything: true } },
  };
}

function catchContractError(fn: () => unknown): ContractError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error('expected a ContractError');
}

describe('validateMessage', () => {
  it('returns a typed instance from bytes, a string or an object', () => {
    const plain = validIngest();
    for (const input of [encodeMessage(plain), JSON.stringify(plain), plain]) {
      const message = validateMessage(IngestMessage, input);
      expect(message).toBeInstanceOf(IngestMessage);
      expect(message).toEqual(plain);
    }
  });

  it('drops undeclared properties but keeps the free-form payload intact', () => {
    const message = validateMessage(IngestMessage, { ...validIngest(), injected: 'x' });
    expect(message).not.toHaveProperty('injected');
    expect(message.payload).toEqual({ uptime: 12, nested: { anything: true } });
  });

  it('throws INVALID_JSON for bytes that are not JSON', () => {
    const error = catchContractError(() => validateMessage(IngestMessage, new TextEncoder().encode('{nope')));
    expect(error.code).toBe(ContractErrorCode.INVALID_JSON);
    expect(error.message).toMatch(/^IngestMessage is not valid JSON: /);
    expect(error.fieldErrors).toEqual([]);
  });

  it.each([
    ['null', null, 'null'],
    ['an array', [1], 'an array'],
    ['a number', 42, 'number'],
  ])('throws INVALID_MESSAGE for %s', (_case, input, found) => {
    const error = catchContractError(() => validateMessage(IngestMessage, input));
    expect(error.code).toBe(ContractErrorCode.INVALID_MESSAGE);
    expect(error.message).toBe(`IngestMessage must be a JSON object, got ${found}`);
  });

  it('names every failed field and its constraint', () => {
    const error = catchContractError(() =>
      validateMessage(IngestMessage, {
        ...validIngest(),
        hostId: 'host-1',
        type: 'Bad.Type',
        payload: undefined,
      }),
    );
    expect(error).toBeInstanceOf(ContractError);
    expect(error.name).toBe('ContractError');
    expect(error.code).toBe(ContractErrorCode.INVALID_MESSAGE);
    expect(error.fieldErrors).toEqual([
      { field: 'hostId', constraints: ['hostId must be a UUID'] },
      { field: 'type', constraints: ['type must match ^[a-z][a-z0-9_]{0,63}$'] },
      { field: 'payload', constraints: ['payload must be an object'] },
    ]);
    expect(error.message).toBe(
      'IngestMessage is invalid: hostId must be a UUID; type must match ^[a-z][a-z0-9_]{0,63}$; payload must be an object',
    );
  });

  it('validates tenant events, including the slug shape and optional reason', () => {
    const event = {
      eventId: randomUUID(),
      kind: TenantEventKind.FAILED,
      tenantId: randomUUID(),
      slug: 'acme_corp',
      status: TenantStatus.FAILED,
      occurredAt: '2026-01-02T03:04:05Z',
      reason: 'create_database: permission denied',
    };
    expect(validateMessage(TenantEvent, event)).toEqual(event);

    const error = catchContractError(() =>
      validateMessage(TenantEvent, {
        ...event,
        slug: 'Acme-Corp',
        kind: 'exploded',
        occurredAt: 'yesterday',
      }),
    );
    expect(error.fieldErrors.map((e) => e.field)).toEqual(['kind', 'slug', 'occurredAt']);
    expect(error.fieldErrors[1]!.constraints).toEqual(['slug must match ^[a-z][a-z0-9_]{0,39}$']);
  });

  it('validates provisioning commands, with keepDatabase optional but boolean', () => {
    const command = {
      jobId: randomUUID(),
      tenantId: randomUUID(),
      action: ProvisioningAction.DEPROVISION,
      requestedAt: '2026-01-02T03:04:05Z',
    };
    expect(validateMessage(ProvisioningCommand, command)).toEqual(command);
    const error = catchContractError(() =>
      validateMessage(ProvisioningCommand, { ...command, action: 'nuke', keepDatabase: 'yes' }),
    );
    expect(error.fieldErrors.map((e) => e.field)).toEqual(['action', 'keepDatabase']);
  });

  it('validates migrate requests and both reply shapes', () => {
    const tenantId = randomUUID();
    expect(validateMessage(MigrateTenantRequest, { tenantId, slug: 'acme' })).toEqual({
      tenantId,
      slug: 'acme',
    });
    expect(
      catchContractError(() => validateMessage(MigrateTenantRequest, { tenantId, slug: 'A' })).fieldErrors,
    ).toEqual([{ field: 'slug', constraints: ['slug must match ^[a-z][a-z0-9_]{0,39}$'] }]);

    const success = {
      tenantId,
      ok: true,
      applied: ['TenantInit1700000000000'],
      version: 'TenantInit1700000000000',
    };
    expect(validateMessage(MigrateTenantReply, success)).toEqual(success);

    const failure = {
      tenantId,
      ok: false,
      applied: [],
      version: null,
      error: { code: 'LOCKED', message: 'busy' },
    };
    const parsed = validateMessage(MigrateTenantReply, failure);
    expect(parsed.error).toEqual({ code: 'LOCKED', message: 'busy' });

    const missingError = catchContractError(() =>
      validateMessage(MigrateTenantReply, { ...failure, error: undefined }),
    );
    expect(missingError.fieldErrors.map((e) => e.field)).toEqual(['error']);
    const badNested = catchContractError(() =>
      validateMessage(MigrateTenantReply, { ...failure, error: { code: 'LOCKED', message: 7 } }),
    );
    expect(badNested.fieldErrors).toEqual([
      { field: 'error.message', constraints: expect.arrayContaining(['message must be a string']) },
    ]);
  });
});
