import { Injectable, OnModuleInit, Logger, Type } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DomainEvent, eventNameOf } from './domain-event';
import { TRANSACTIONAL_HANDLER, TransactionalHandler } from './transactional-handler';
import { deliveryPending, OutboxDispatcher } from './outbox-dispatcher';
import { DomainError } from '../errors/domain-error';

export interface Transaction {
  em: EntityManager;
  /** Records an event: stored in the outbox with this transaction, handed to in-transaction handlers now, delivered after commit. */
  raise(event: DomainEvent): void;
}

export interface RunOptions {
  /** Wait until every after-commit consumer of the raised events has finished (e.g. sessions revoked). */
  awaitDelivery?: boolean;
}

@Injectable()
export class UnitOfWork implements OnModuleInit {
  private readonly logger = new Logger(UnitOfWork.name);
  private readonly handlers = new Map<Type<DomainEvent>, TransactionalHandler[]>();

  constructor(
    private readonly orm: MikroORM,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as TransactionalHandler | undefined;
      if (!instance || !wrapper.metatype) continue;
      const events = this.reflector.get<Type<DomainEvent>[] | undefined>(TRANSACTIONAL_HANDLER, wrapper.metatype as Type);
      for (const event of events ?? []) this.handlers.set(event, [...(this.handlers.get(event) ?? []), instance]);
    }
  }

  /** Runs `work` in one transaction on a forked EntityManager, with its events in the outbox of the same transaction. */
  async run<T>(work: (tx: Transaction) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const stored: string[] = [];
    const result = await this.orm.em.fork().transactional(async (em) => {
      const queue: DomainEvent[] = [];
      const value = await work({ em, raise: (event) => queue.push(event) });
      await em.flush();
      while (queue.length > 0) {
        const event = queue.shift()!;
        await em.execute('insert into outbox_event (id, name, payload) values (?, ?, ?)', [
          event.eventId,
          eventNameOf(event),
          JSON.stringify(event),
        ]);
        stored.push(event.eventId);
        for (const handler of this.handlers.get(event.constructor as Type<DomainEvent>) ?? []) {
          await handler.handle(event, em);
        }
        await em.flush();
      }
      return value;
    });
    if (stored.length === 0) return result;
    const delivery = this.dispatcher.deliverNow(stored);
    if (!options.awaitDelivery) {
      this.dispatcher.track(delivery);
      return result;
    }
    try {
      await delivery;
    } catch (error) {
      // The change is committed: the caller must not read this as "nothing happened". The sweeper finishes it.
      throw error instanceof DomainError && error.code === 'DELIVERY_PENDING' ? error : deliveryPending();
    }
    return result;
  }
}
