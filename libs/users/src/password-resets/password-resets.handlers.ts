import { Injectable } from '@nestjs/common';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { Clock, NotFoundError } from '@app/core';
import { PasswordReset } from '../domain/password-reset.entity';
import { PasswordResetView, toResetView } from '../domain/password-reset.view';
import { findUserOr404 } from '../domain/user-lookup';
import type { User } from '../domain/user.entity';
import { CountSessionsRevokedByResetQuery } from '../queries/sessions-revoked.query';
import { GetPasswordResetEmailDeliveryQuery } from '../queries/email-delivery.query';
import { GetPasswordResetQuery, ListPasswordResetsQuery } from './password-resets.queries';

const HISTORY_LIMIT = 100;

/** @Injectable so that TypeScript emits the constructor's types for the handlers that inherit it. */
@Injectable()
abstract class PasswordResetReader {
  constructor(
    protected readonly em: EntityManager,
    protected readonly clock: Clock,
    protected readonly queries: QueryBus,
  ) {}

  /** Joins in what other modules know: sessions ended (sessions) and the email's delivery (notifications). */
  protected async view(reset: PasswordReset, user: User): Promise<PasswordResetView> {
    const completed = reset.status === 'completed';
    const [sessionsRevoked, delivery] = await Promise.all([
      completed && reset.logoutSessions ? this.queries.execute(new CountSessionsRevokedByResetQuery(reset.id)) : Promise.resolve(null),
      completed && reset.sendEmail ? this.queries.execute(new GetPasswordResetEmailDeliveryQuery(reset.id)) : Promise.resolve(null),
    ]);
    return toResetView(reset, user, this.clock.now(), { sessionsRevoked, delivery });
  }
}

@QueryHandler(GetPasswordResetQuery)
export class GetPasswordResetHandler extends PasswordResetReader implements IQueryHandler<GetPasswordResetQuery> {
  async execute({ userId, resetId }: GetPasswordResetQuery): Promise<PasswordResetView> {
    const em = this.em.fork();
    const reset = await em.findOne(PasswordReset, { id: resetId, userId });
    if (!reset) throw new NotFoundError('The password reset');
    return this.view(reset, await findUserOr404(em, userId));
  }
}

@QueryHandler(ListPasswordResetsQuery)
export class ListPasswordResetsHandler extends PasswordResetReader implements IQueryHandler<ListPasswordResetsQuery> {
  async execute({ userId }: ListPasswordResetsQuery): Promise<PasswordResetView[]> {
    const em = this.em.fork();
    const user = await findUserOr404(em, userId);
    const resets = await em.find(PasswordReset, { userId }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: HISTORY_LIMIT });
    return Promise.all(resets.map((reset) => this.view(reset, user)));
  }
}
