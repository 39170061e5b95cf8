import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { QueryBus } from '@nestjs/cqrs';
import { Strategy } from 'passport-local';
import { RequestContext } from '@app/core';
import { AuthenticatedUser, AuthenticateUserQuery, ResolveLoginQuery } from '@app/users';
import { LoginThrottle } from '../login-throttle/login-throttle';
import { AuthErrors } from '../auth.errors';

/** Sign-in with username or email. Past a limit it answers 429 even for the right password. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(
    private readonly queries: QueryBus,
    private readonly throttle: LoginThrottle,
  ) {
    super({ usernameField: 'login', passwordField: 'password' });
  }

  async validate(login: string, password: string): Promise<AuthenticatedUser> {
    const accountId = await this.queries.execute(new ResolveLoginQuery(login));
    // Unknown logins are counted under their own name, so probing them is limited too.
    const attempt = await this.throttle.begin(accountId ?? `unknown:${login.toLowerCase()}`, RequestContext.current()?.ip ?? null);
    const result = await this.queries.execute(new AuthenticateUserQuery(login, password));
    if (result.outcome === 'invalid') throw AuthErrors.invalidCredentials();
    // Right password (even an expired one): not a guess, so the attempt is given back.
    await attempt.succeeded();
    if (result.outcome !== 'ok') throw AuthErrors.passwordExpired();
    return result.user;
  }
}
