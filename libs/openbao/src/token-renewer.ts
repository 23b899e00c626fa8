import { type Clock, systemClock, type TimerHandle } from './clock';
import { OpenBaoError } from './openbao-error';
import { type AuthToken, type OpenBaoLogger, silentLogger, type TokenRenewal } from './openbao.types';

export interface TokenRenewerOptions {
  /** renew-self with the current token. */
  renewSelf(incrementSeconds: number): Promise<TokenRenewal>;
  /** A fresh login (AppRole, or re-reading a token file); null when the token cannot be replaced. */
  reauthenticate: (() => Promise<AuthToken>) | null;
  /** Install a token obtained by reauthenticate(). */
  useToken(auth: AuthToken): void;
  clock?: Clock;
  /** Renew when this fraction of the TTL has passed; default 2/3. */
  renewAtFraction?: number;
  /** Wait before trying again after a transient failure; default 5 s (shortened to fit the TTL left). */
  retryDelayMs?: number;
  logger?: OpenBaoLogger;
}

export interface TokenRenewerStats {
  renewals: number;
  renewalFailures: number;
  reauthentications: number;
  reauthenticationFailures: number;
  /** When the current token expires; null for a token without TTL or before start(). */
  expiresAt: Date | null;
}

interface TokenState {
  /** What we ask for on renewal: the TTL the token had when obtained. */
  ttl: number;
  renewable: boolean;
  expiresAtMs: number;
}

/** Below this many seconds of difference a granted TTL counts as "what we asked for" (clock rounding). */
const GRANT_TOLERANCE_S = 1;

/**
 * Keeps the client's own token alive: renew-self at ~2/3 of its TTL while it
 * is renewable and renewals grant what was asked; log in again (AppRole) when
 * renewal is refused or the token reaches its max TTL. Never logs the token.
 *
 * Leases belong to the token that created them, so a re-login is announced
 * (the client's onTokenChange) and the LeaseCache re-leases under the new token
 * before the old one expires.
 */
export class TokenRenewer {
  private readonly clock: Clock;
  private readonly fraction: number;
  private readonly retryDelayMs: number;
  private readonly logger: OpenBaoLogger;
  private state: TokenState | null = null;
  private timer: TimerHandle | null = null;
  private stopped = false;
  private readonly counters = {
    renewals: 0,
    renewalFailures: 0,
    reauthentications: 0,
    reauthenticationFailures: 0,
  };

  constructor(private readonly options: TokenRenewerOptions) {
    this.clock = options.clock ?? systemClock;
    this.fraction = options.renewAtFraction ?? 2 / 3;
    this.retryDelayMs = options.retryDelayMs ?? 5_000;
    this.logger = options.logger ?? silentLogger;
  }

  /** Starts from the token the client holds now (its TTL in seconds; 0 = never expires). */
  start(current: { ttl: number; renewable: boolean }): void {
    this.stopped = false;
    this.adopt(current.ttl, current.renewable);
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  stats(): TokenRenewerStats {
    const expiresAt = this.state && this.state.ttl > 0 ? new Date(this.state.expiresAtMs) : null;
    return { ...this.counters, expiresAt };
  }

  private adopt(ttl: number, renewable: boolean): void {
    this.state = { ttl, renewable, expiresAtMs: this.clock.now() + ttl * 1000 };
    if (ttl <= 0) return; // root or periodic-less token without expiry: nothing to do
    if (!renewable && this.options.reauthenticate === null) {
      this.logger.warn(
        { ttlSeconds: ttl },
        'OpenBAO token is not renewable and cannot be replaced; it will expire',
      );
      return;
    }
    this.schedule(
      ttl * 1000 * this.fraction,
      () => void (renewable ? this.renew() : this.reauthenticate('not renewable')),
    );
  }

  private async renew(): Promise<void> {
    const state = this.state;
    if (state === null || this.stopped) return;
    let granted: TokenRenewal;
    try {
      granted = await this.options.renewSelf(state.ttl);
    } catch (err) {
      this.counters.renewalFailures += 1;
      if (this.stopped) return;
      if (err instanceof OpenBaoError && err.transient) {
        this.logger.warn(
          { code: err.code, error: err.message },
          'OpenBAO token renewal failed; will try again',
        );
        this.retryLater(state, () => void this.renew());
        return;
      }
      const reason = err instanceof Error ? err.message : String(err);
      void this.reauthenticate(`renewal refused: ${reason}`);
      return;
    }
    if (this.stopped) return;
    this.counters.renewals += 1;
    state.expiresAtMs = this.clock.now() + granted.leaseDuration * 1000;
    const capped = granted.leaseDuration + GRANT_TOLERANCE_S < state.ttl;
    if (capped && this.options.reauthenticate !== null) {
      void this.reauthenticate(
        `token reaches its max TTL (granted ${granted.leaseDuration}s of ${state.ttl}s)`,
      );
      return;
    }
    if (!granted.renewable || granted.leaseDuration <= 0) {
      this.logger.warn(
        { ttlSeconds: granted.leaseDuration },
        'OpenBAO token no longer renewable and cannot be replaced',
      );
      return;
    }
    this.schedule(granted.leaseDuration * 1000 * this.fraction, () => void this.renew());
  }

  private async reauthenticate(reason: string): Promise<void> {
    const login = this.options.reauthenticate;
    if (login === null || this.stopped) {
      this.logger.error({ reason }, 'OpenBAO token cannot be renewed and no login method is configured');
      return;
    }
    this.logger.info({ reason }, 'OpenBAO token: logging in again');
    try {
      const auth = await login();
      if (this.stopped) return;
      this.counters.reauthentications += 1;
      this.options.useToken(auth);
      this.adopt(auth.leaseDuration, auth.renewable);
    } catch (err) {
      this.counters.reauthenticationFailures += 1;
      if (this.stopped) return;
      this.logger.error(
        { error: err instanceof Error ? err.message : String(err) },
        'OpenBAO login failed; will try again',
      );
      const state = this.state;
      if (state !== null) this.retryLater(state, () => void this.reauthenticate(reason), true);
    }
  }

  /** Try again soon, but always before the token runs out; once expired, keep trying at the normal delay. */
  private retryLater(state: TokenState, action: () => void, evenIfExpired = false): void {
    const left = state.expiresAtMs - this.clock.now();
    if (left <= 0 && !evenIfExpired) {
      void this.reauthenticate('token expired while renewal was failing');
      return;
    }
    const delay = left > 0 ? Math.min(this.retryDelayMs, Math.max(left / 2, 100)) : this.retryDelayMs;
    this.schedule(delay, action);
  }

  private schedule(delayMs: number, action: () => void): void {
    this.clearTimer();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (!this.stopped) action();
    }, Math.round(delayMs));
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
