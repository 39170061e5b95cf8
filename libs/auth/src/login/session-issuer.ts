import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Actor } from '@app/core';
import { GetUserQuery } from '@app/users';
import { AccessTokens } from '../tokens/access-tokens';
import { AuthSessionView } from './auth-session.view';

/** The answer to a sign-in or a refresh: a token pair and the signed-in user. */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly queries: QueryBus,
  ) {}

  async issue(user: Omit<Actor, 'sessionId'>, sessionId: string, refreshToken: string): Promise<AuthSessionView> {
    const view = await this.queries.execute(new GetUserQuery({ ...user, sessionId }, user.id));
    return { accessToken: this.tokens.issue(user.id, sessionId), refreshToken, expiresIn: this.tokens.ttlSeconds, user: view };
  }
}
