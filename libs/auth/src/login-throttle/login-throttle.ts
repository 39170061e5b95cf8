import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig, RateLimit, RateLimiter, TooManyRequestsError } from '@app/core';

/**
 * Failed sign-ins per account and per client address, counted in PostgreSQL so every instance sees them.
 * An attempt takes its place before the password is checked (parallel guesses cannot slip through) and
 * gives it back when it succeeds.
 */
@Injectable()
export class LoginThrottle {
  private readonly settings: AppConfig['login'];

  constructor(
    private readonly limiter: RateLimiter,
    config: ConfigService<AppConfig, true>,
  ) {
    this.settings = config.get('login', { infer: true });
  }

  static accountKey(accountId: string): string {
    return `login:account:${accountId}`;
  }

  private limits(account: string, ip: string | null): RateLimit[] {
    const window = this.settings.failureWindowSeconds;
    return [
      { key: LoginThrottle.accountKey(account), limit: this.settings.maxFailuresPerAccount, windowSeconds: window },
      { key: `login:ip:${ip ?? 'unknown'}`, limit: this.settings.maxFailuresPerIp, windowSeconds: window },
    ];
  }

  /** Throws 429 when either limit is reached; otherwise returns a handle to give the attempt back. */
  async begin(account: string, ip: string | null): Promise<{ succeeded(): Promise<void> }> {
    const { state, hitIds } = await this.limiter.reserve(this.limits(account, ip));
    if (state.limited) throw new TooManyRequestsError(state.retryAfterSeconds, 'Too many failed sign-ins; try again later.');
    return { succeeded: () => this.limiter.release(hitIds) };
  }

  /**
   * Clears the account's lock: an admin reset does it in its own transaction, and so does the owner signing
   * in again from a session they already hold (a refresh), so that guesses by others cannot keep them out.
   */
  clearAccount(accountId: string, em?: EntityManager): Promise<void> {
    return this.limiter.clear(LoginThrottle.accountKey(accountId), em);
  }
}
