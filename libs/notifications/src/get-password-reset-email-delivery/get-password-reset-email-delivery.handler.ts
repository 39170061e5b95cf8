import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MikroORM } from '@mikro-orm/postgresql';
import { EmailDeliveryStatus, GetPasswordResetEmailDeliveryQuery } from '@app/users';
import { EmailDeliveries } from '../domain/email-delivery.repository';

/** The `email` status fields of GET …/password-resets/:resetId; null when no email was requested. */
@QueryHandler(GetPasswordResetEmailDeliveryQuery)
export class GetPasswordResetEmailDeliveryHandler implements IQueryHandler<GetPasswordResetEmailDeliveryQuery> {
  constructor(private readonly orm: MikroORM) {}

  async execute(query: GetPasswordResetEmailDeliveryQuery): Promise<EmailDeliveryStatus | null> {
    const row = await EmailDeliveries.find(this.orm.em.fork(), query.resetId);
    if (!row) return null;
    return {
      delivery: row.status,
      address: row.address ?? '',
      attempts: row.attempts,
      sentAt: row.sentAt ? new Date(row.sentAt).toISOString() : null,
      lastError: row.lastError,
    };
  }
}
