import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey, KeyObject } from 'node:crypto';
import { AppConfig, Clock, SecretBox } from '@app/core';

export interface AccessTokenClaims {
  /** user id */
  sub: string;
  /** session id: every request checks this session is still active */
  sid: string;
  /** issued at / expires at, in seconds, by the application's clock */
  iat: number;
  exp: number;
}

export const JWT_ALGORITHM = 'HS256';

/**
 * Short-lived JWTs signed with a key derived from APP_SECRET. Issue and expiry follow the application's
 * Clock (not the library's Date.now()), like every other lifetime in the system.
 */
@Injectable()
export class AccessTokens {
  readonly ttlSeconds: number;
  readonly key: Buffer;
  /**
   * The same key as a KeyObject, for verifying. Given a Buffer, jsonwebtoken first tries to parse it as a
   * public key on every verify and only then falls back to a secret key: that failed parse cost ~0.3 ms of
   * CPU per authenticated request (bench/, BENCHMARKS.md).
   */
  readonly verificationKey: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    box: SecretBox,
    config: ConfigService<AppConfig, true>,
  ) {
    this.ttlSeconds = config.get('accessTokenTtlSeconds', { infer: true });
    this.key = box.signingKey('access-token');
    this.verificationKey = createSecretKey(this.key);
  }

  issue(userId: string, sessionId: string): string {
    // jsonwebtoken computes `exp` from a given `iat`.
    const claims: Omit<AccessTokenClaims, 'exp'> = { sub: userId, sid: sessionId, iat: this.nowSeconds() };
    return this.jwt.sign(claims, { secret: this.key, algorithm: JWT_ALGORITHM, expiresIn: this.ttlSeconds });
  }

  /** Expired at `exp` itself, as jsonwebtoken judges it. A token without a numeric `exp` never counts as live. */
  isExpired(exp: unknown): boolean {
    return typeof exp !== 'number' || this.nowSeconds() >= exp;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}
