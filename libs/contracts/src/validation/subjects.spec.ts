import { randomUUID } from 'node:crypto';
import { ingestSubject, ingestTenantFilter, INGEST_STREAM_SUBJECTS } from '../ingest/ingest.subjects';
import {
  TENANT_EVENTS_WILDCARD,
  TenantEventKind,
  tenantEventSubject,
} from '../tenant-events/tenant-events.subjects';
import { ContractErrorCode } from './contract.error';

describe('subjects', () => {
  it('builds tenant event subjects under the wildcard', () => {
    expect(tenantEventSubject(TenantEventKind.SUSPENDED)).toBe('sysmanage.tenant.events.suspended');
    expect(TENANT_EVENTS_WILDCARD).toBe('sysmanage.tenant.events.*');
  });

  it('builds ingest subjects and per-tenant filters covered by the stream', () => {
    const tenantId = randomUUID();
    expect(ingestSubject(tenantId, 'heartbeat')).toBe(`sysmanage.ingest.${tenantId}.heartbeat`);
    expect(ingestTenantFilter(tenantId)).toBe(`sysmanage.ingest.${tenantId}.>`);
    expect(INGEST_STREAM_SUBJECTS).toEqual(['sysmanage.ingest.>']);
  });

  it.each(['a.b', '*', '>', 'has space', ''])('refuses %p as a subject token', (token) => {
    expect(() => ingestSubject(token, 'heartbeat')).toThrow(
      expect.objectContaining({
        code: ContractErrorCode.INVALID_SUBJECT_TOKEN,
        message: expect.stringContaining(`tenant id "${token}" cannot be a NATS subject token`),
      }),
    );
    expect(() => ingestSubject(randomUUID(), token)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('message type') }),
    );
  });
});
