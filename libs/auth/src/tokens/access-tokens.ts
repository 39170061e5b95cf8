import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, SecretBox } from '@app/core';

export interface AccessTokenClaims {
  /** user id */
  sub: string;
  /** session id: every request checks this session is still active */
  sid: string;
}

export const JWT_ALGORITHM = 'HS256';

/** Short-lived JWTs signed with a key derived from APP_SECRET. */
@Injectable()
export class AccessTokens {
  readonly ttlSeconds: number;
  readonly key: Buffer;

  constructor(
    private readonly jwt: JwtService,
    box: SecretBox,
    config: ConfigService<AppConfig, true>,
  ) {
    this.ttlSeconds = config.get('accessTokenTtlSeconds', { infer: true });
    this.key = box.signingKey('access-token');
  }

  issue(userId: string, sessionId: string): string {
    const claims: AccessTokenClaims = { sub: userId, sid: sessionId };
    return this.jwt.sign(claims, { secret: this.key, algorithm: JWT_ALGORITHM, expiresIn: this.ttlSeconds });
  }
}
