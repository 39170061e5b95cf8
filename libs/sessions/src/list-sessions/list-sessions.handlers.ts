import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MikroORM } from '@mikro-orm/postgresql';
import { Clock } from '@app/core';
import { CountSessionsRevokedByResetQuery } from '@app/users';
import { Session } from '../domain/session.entity';
import { SessionView, toSessionView } from '../domain/session.view';
import { ListActiveSessionsQuery } from './list-sessions.query';

@QueryHandler(ListActiveSessionsQuery)
export class ListActiveSessionsHandler implements IQueryHandler<ListActiveSessionsQuery> {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  async execute({ userId, currentSessionId }: ListActiveSessionsQuery): Promise<SessionView[]> {
    const sessions = await this.orm.em
      .fork()
      .find(Session, { userId, revokedAt: null, expiresAt: { $gt: this.clock.now() } }, { orderBy: { createdAt: 'desc' }, limit: 200 });
    return sessions.map((session) => toSessionView(session, currentSessionId));
  }
}

/** Answers the users module's question for the reset status: how many sessions this reset ended. */
@QueryHandler(CountSessionsRevokedByResetQuery)
export class CountSessionsRevokedByResetHandler implements IQueryHandler<CountSessionsRevokedByResetQuery> {
  constructor(private readonly orm: MikroORM) {}

  async execute({ resetId }: CountSessionsRevokedByResetQuery): Promise<number> {
    const [row] = await this.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from session where revoked_correlation_id = ?', [resetId]);
    return row.n;
  }
}
