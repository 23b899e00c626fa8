import { authToken } from './auth-mapping';
import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';
import type { AuthToken, OpenBaoLogger, TokenRenewal } from './openbao.types';
import { FakeClock } from './__fixtures__/fake-clock';
import { TokenRenewer } from './token-renewer';

const denied = new OpenBaoError('OpenBAO POST auth/token/renew-self failed (403): permission denied', {
  code: OpenBaoErrorCode.PERMISSION_DENIED,
  status: 403,
  path: 'auth/token/renew-self',
  transient: false,
});
const down = new OpenBaoError('unreachable', {
  code: OpenBaoErrorCode.UNREACHABLE,
  status: null,
  path: 'auth/token/renew-self',
  transient: true,
});

function setup(opts: { canLogin?: boolean } = {}) {
  const clock = new FakeClock();
  const renewCalls: number[] = [];
  const used: string[] = [];
  const logs: string[] = [];
  const logger: OpenBaoLogger = {
    info: (f, m) => logs.push(`info ${m} ${JSON.stringify(f)}`),
    warn: (f, m) => logs.push(`warn ${m} ${JSON.stringify(f)}`),
    error: (f, m) => logs.push(`error ${m} ${JSON.stringify(f)}`),
  };
  const script = {
    renew: (increment: number): TokenRenewal => ({
      leaseDuration: increment,
      renewable: true,
      policies: ['svc'],
    }),
    loginTtl: 60,
    loginFails: null as unknown,
    logins: 0,
  };
  const login = async (): Promise<AuthToken> => {
    if (script.loginFails !== null) throw script.loginFails;
    script.logins += 1;
    return authToken({
      token: `token-secret-${script.logins}`,
      accessor: `acc-${script.logins}`,
      leaseDuration: script.loginTtl,
      renewable: true,
      policies: ['svc'],
    });
  };
  const renewer = new TokenRenewer({
    clock,
    logger,
    renewSelf: async (increment) => {
      renewCalls.push(increment);
      return script.renew(increment);
    },
    reauthenticate: opts.canLogin === false ? null : login,
    useToken: (auth) => used.push(auth.accessor),
  });
  return { clock, renewer, renewCalls, used, logs, script };
}

describe('TokenRenewer', () => {
  it('renews at 2/3 of the TTL, asking for the original TTL each time', async () => {
    const { clock, renewer, renewCalls } = setup();
    renewer.start({ ttl: 60, renewable: true });
    expect(clock.pendingDelays()).toEqual([40_000]);
    await clock.advance(39_999);
    expect(renewCalls).toEqual([]);
    await clock.advance(1);
    expect(renewCalls).toEqual([60]);
    await clock.advance(40_000);
    expect(renewCalls).toEqual([60, 60]);
    expect(renewer.stats()).toMatchObject({
      renewals: 2,
      reauthentications: 0,
      expiresAt: new Date(clock.now() + 60_000),
    });
  });

  it('logs in again when the token reaches its max TTL (renewal grants less than asked)', async () => {
    const { clock, renewer, renewCalls, used, script } = setup();
    renewer.start({ ttl: 60, renewable: true });
    script.renew = () => ({ leaseDuration: 20, renewable: true, policies: [] });
    await clock.advance(40_000);
    expect(renewCalls).toEqual([60]);
    expect(used).toEqual(['acc-1']);
    expect(renewer.stats()).toMatchObject({ renewals: 1, reauthentications: 1 });
    expect(clock.pendingDelays()).toEqual([40_000]);
  });

  it('logs in again when renewal is refused', async () => {
    const { clock, renewer, used, script } = setup();
    renewer.start({ ttl: 30, renewable: true });
    script.renew = () => {
      throw denied;
    };
    await clock.advance(20_000);
    expect(used).toEqual(['acc-1']);
    expect(renewer.stats()).toMatchObject({ renewalFailures: 1, reauthentications: 1 });
  });

  it('retries a transient renewal failure before the token runs out', async () => {
    const { clock, renewer, renewCalls, used, script } = setup();
    renewer.start({ ttl: 30, renewable: true });
    script.renew = () => {
      throw down;
    };
    await clock.advance(20_000);
    expect(clock.pendingDelays()).toEqual([5_000]);
    script.renew = (increment) => ({ leaseDuration: increment, renewable: true, policies: [] });
    await clock.advance(5_000);
    expect(renewCalls).toEqual([30, 30]);
    expect(used).toEqual([]);
    expect(renewer.stats()).toMatchObject({ renewals: 1, renewalFailures: 1 });
  });

  it('logs in at 2/3 of a non-renewable token', async () => {
    const { clock, renewer, renewCalls, used } = setup();
    renewer.start({ ttl: 30, renewable: false });
    await clock.advance(20_000);
    expect(renewCalls).toEqual([]);
    expect(used).toEqual(['acc-1']);
  });

  it('keeps retrying a failed login, and never logs a token', async () => {
    const { clock, renewer, used, script, logs } = setup();
    renewer.start({ ttl: 30, renewable: false });
    script.loginFails = down;
    await clock.advance(20_000);
    expect(renewer.stats().reauthenticationFailures).toBe(1);
    script.loginFails = null;
    await clock.advance(5_000);
    expect(used).toEqual(['acc-1']);
    expect(logs.join('\n')).not.toContain('token-secret');
    expect(logs.some((l) => l.startsWith('error OpenBAO login failed'))).toBe(true);
  });

  it('without a login method, a refused renewal stops renewing and is logged', async () => {
    const { clock, renewer, logs, script } = setup({ canLogin: false });
    renewer.start({ ttl: 30, renewable: true });
    script.renew = () => {
      throw denied;
    };
    await clock.advance(20_000);
    expect(clock.pendingDelays()).toEqual([]);
    expect(logs.some((l) => l.includes('no login method is configured'))).toBe(true);
  });

  it('does nothing for a token without TTL (root), and stop() cancels', async () => {
    const root = setup();
    root.renewer.start({ ttl: 0, renewable: false });
    expect(root.clock.pendingDelays()).toEqual([]);
    expect(root.renewer.stats().expiresAt).toBeNull();

    const { clock, renewer, renewCalls } = setup();
    renewer.start({ ttl: 60, renewable: true });
    renewer.stop();
    await clock.advance(120_000);
    expect(renewCalls).toEqual([]);
  });
});
