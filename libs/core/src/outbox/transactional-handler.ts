import { SetMetadata, Type } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainEvent } from './domain-event';

export const TRANSACTIONAL_HANDLER = Symbol('transactional-handler');

/**
 * A handler that runs inside the transaction that raises the event, so that what it writes commits or
 * rolls back with the change itself (the audit trail uses it: a reset without its audit row cannot exist).
 */
export interface TransactionalHandler<E extends DomainEvent = DomainEvent> {
  handle(event: E, em: EntityManager): Promise<void>;
}

export const OnEventInTransaction = (...events: Type<DomainEvent>[]) => SetMetadata(TRANSACTIONAL_HANDLER, events);
