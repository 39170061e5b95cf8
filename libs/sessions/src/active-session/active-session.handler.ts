import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MikroORM } from '@mikro-orm/postgresql';
import { Clock } from '@app/core';
import { GetActiveSessionQuery } from './active-session.query';

/** lastUsedAt is refreshed at most this often, so that reading a session costs a write only once a minute. */
const TOUCH_INTERVAL_SECONDS = 60;

@QueryHandler(GetActiveSessionQuery)
export class GetActiveSessionHandler implements IQueryHandler<GetActiveSessionQuery> {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  async execute({ sessionId }: GetActiveSessionQuery): Promise<{ userId: string } | null> {
    const now = this.clock.now();
    const em = this.orm.em.fork();
    const [row] = await em.execute<{ user_id: string; last_used_at: Date }[]>(
      'select user_id, last_used_at from session where id = ? and revoked_at is null and expires_at > ?',
      [sessionId, now],
    );
    if (!row) return null;
    if (now.getTime() - new Date(row.last_used_at).getTime() > TOUCH_INTERVAL_SECONDS * 1000) {
      await em.execute('update session set last_used_at = ? where id = ?', [now, sessionId]);
    }
    return { userId: row.user_id };
  }
}
