import { generateToken, hashToken, HOST_TOKEN_PREFIX } from '@sysmanage/tenancy';
import pino from 'pino';
import { AgentError, AgentErrorCode } from '../agent/agent-error';
import { HostAuthenticator } from './host-authenticator';
import { HostCredentialCache, type HostCredentialRecord } from './host-credential-cache';

const token = generateToken(HOST_TOKEN_PREFIX);
const base: HostCredentialRecord = {
  hostId: '11111111-1111-4111-8111-111111111111',
  tenantId: '22222222-2222-4222-8222-222222222222',
  tokenId: null,
  revoked: false,
  tenantStatus: 'active',
};

function harness(row: HostCredentialRecord | null | Error) {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const lookups: string[] = [];
  const cache = new HostCredentialCache(async (hash) => {
    lookups.push(hash);
    if (row instanceof Error) throw row;
    return row;
  });
  const hits: boolean[] = [];
  return { auth: new HostAuthenticator(cache, log, (hit) => hits.push(hit)), lines, lookups, hits };
}

async function codeOf(promise: Promise<unknown>): Promise<AgentErrorCode> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AgentError)) throw new Error(`expected an AgentError, got ${String(error)}`);
  return error.code;
}

describe('HostAuthenticator', () => {
  it('returns the host and tenant of the credential and counts a miss, then a hit', async () => {
    const { auth, lookups, hits } = harness(base);
    const expected = { hostId: base.hostId, tenantId: base.tenantId, tokenId: null };
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual(expected);
    expect(await auth.authenticate(`bearer  ${token}`)).toEqual(expected);
    expect(lookups).toEqual([hashToken(token)]);
    expect(hits).toEqual([false, true]);
  });

  it.each([
    ['no header', undefined],
    ['another scheme', `Basic ${token}`],
    ['an enrollment token', `Bearer ${token.replace('smh_', 'sme_')}`],
    ['a short token', 'Bearer smh_abc'],
  ])('refuses %s with 401 without a lookup', async (_what, header) => {
    const { auth, lookups } = harness(base);
    expect(await codeOf(auth.authenticate(header))).toBe(AgentErrorCode.INVALID_HOST_CREDENTIAL);
    expect(lookups).toEqual([]);
  });

  it('refuses an unknown credential with 401 and logs its display prefix, never the token', async () => {
    const { auth, lines } = harness(null);
    expect(await codeOf(auth.authenticate(`Bearer ${token}`))).toBe(AgentErrorCode.INVALID_HOST_CREDENTIAL);
    expect(lines).toEqual([expect.objectContaining({ reason: 'unknown', tokenPrefix: token.slice(0, 10) })]);
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('refuses a revoked credential with 401, logging host, tenant and reason', async () => {
    const { auth, lines } = harness({ ...base, revoked: true });
    expect(await codeOf(auth.authenticate(`Bearer ${token}`))).toBe(AgentErrorCode.INVALID_HOST_CREDENTIAL);
    expect(lines).toEqual([
      expect.objectContaining({ hostId: base.hostId, tenantId: base.tenantId, reason: 'revoked' }),
    ]);
  });

  it.each(['suspended', 'deleted', 'provisioning'])(
    'refuses a %s tenant with 403 tenant_suspended',
    async (status) => {
      const { auth } = harness({ ...base, tenantStatus: status });
      expect(await codeOf(auth.authenticate(`Bearer ${token}`))).toBe(AgentErrorCode.TENANT_SUSPENDED);
    },
  );

  it('answers 503 ingest_unavailable when the registry cannot be read', async () => {
    const { auth } = harness(new Error('connection refused'));
    expect(await codeOf(auth.authenticate(`Bearer ${token}`))).toBe(AgentErrorCode.INGEST_UNAVAILABLE);
  });
});
