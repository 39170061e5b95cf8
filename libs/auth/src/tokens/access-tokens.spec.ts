import { JwtService } from '@nestjs/jwt';
import type { ConfigService } from '@nestjs/config';
import jwt from 'jsonwebtoken';
import { AppConfig, Clock, SecretBox } from '@app/core';
import { AccessTokens } from './access-tokens';

class MovableClock extends Clock {
  offsetMs = 0;
  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

function setUp(): { tokens: AccessTokens; clock: MovableClock } {
  const values: Partial<AppConfig> = { accessTokenTtlSeconds: 900, appSecret: 'a-secret-of-at-least-thirty-two-characters' };
  const config = { get: (key: keyof AppConfig) => values[key] } as unknown as ConfigService<AppConfig, true>;
  const clock = new MovableClock();
  return { tokens: new AccessTokens(new JwtService({}), clock, new SecretBox(config), config), clock };
}

describe('access tokens', () => {
  it('carry the user and session, issued and expiring by the application clock', () => {
    const { tokens, clock } = setUp();
    clock.offsetMs = 3 * 24 * 3600 * 1000;
    const claims = jwt.verify(tokens.issue('user-1', 'session-1'), tokens.key, { algorithms: ['HS256'], ignoreExpiration: true }) as Record<string, number | string>;
    const now = Math.floor(clock.now().getTime() / 1000);
    expect(claims).toMatchObject({ sub: 'user-1', sid: 'session-1' });
    expect(Math.abs((claims.iat as number) - now)).toBeLessThanOrEqual(1);
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
  });

  it('are live until exp and expired from exp on, by the application clock', () => {
    const { tokens, clock } = setUp();
    const { exp } = jwt.decode(tokens.issue('user-1', 'session-1')) as { exp: number };
    expect(tokens.isExpired(exp)).toBe(false);
    clock.offsetMs = (exp * 1000 - Date.now()) - 1500;
    expect(tokens.isExpired(exp)).toBe(false);
    clock.offsetMs = exp * 1000 - Date.now();
    expect(tokens.isExpired(exp)).toBe(true);
  });

  it('treat a token without a numeric exp as expired', () => {
    const { tokens } = setUp();
    for (const exp of [undefined, null, '9999999999', {}]) expect(tokens.isExpired(exp)).toBe(true);
  });
});
