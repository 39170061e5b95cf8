import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { QueryBus } from '@nestjs/cqrs';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Actor, RequestContext } from '@app/core';
import { GetUserAuthStateQuery } from '@app/users';
import { GetActiveSessionQuery } from '@app/sessions';
import { AccessTokenClaims, AccessTokens, JWT_ALGORITHM } from '../tokens/access-tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Bearer JWTs, HS256 only (an `alg: none` or RS256 token fails the signature check), then the session row:
 * a revoked session's token is refused on the very next request, on every instance.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly queries: QueryBus,
    private readonly tokens: AccessTokens,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands the key to jsonwebtoken unchanged; its typings only list string | Buffer.
      secretOrKey: tokens.verificationKey as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
      // Expiry is judged in validate() by the application's Clock, which the library cannot see.
      ignoreExpiration: true,
    });
  }

  async validate(claims: Partial<AccessTokenClaims>): Promise<Actor | false> {
    if (this.tokens.isExpired(claims.exp)) return false;
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !UUID.test(claims.sid) || !UUID.test(claims.sub)) return false;
    const session = await this.queries.execute(new GetActiveSessionQuery(claims.sid));
    if (!session || session.userId !== claims.sub) return false;
    const user = await this.queries.execute(new GetUserAuthStateQuery(claims.sub));
    if (!user) return false;
    const actor: Actor = { id: user.id, username: user.username, roles: user.roles, sessionId: claims.sid, mustChangePassword: user.mustChangePassword };
    RequestContext.setActor(actor);
    return actor;
  }
}
