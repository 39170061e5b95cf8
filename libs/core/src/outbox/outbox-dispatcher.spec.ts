import { Logger } from '@nestjs/common';
import type { CommandBus, EventBus, ICommand } from '@nestjs/cqrs';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DomainEvent, DomainEventName } from './domain-event';
import { OutboxDispatcher } from './outbox-dispatcher';
import { RequestContext } from '../context/request-context';

@DomainEventName('test.dispatcher_something_happened')
class SomethingHappened extends DomainEvent {
  constructor(readonly subject: string) {
    super();
  }
}

interface Row {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  attempts: number;
  lockedBy: 'us' | 'elsewhere' | null;
  dispatched: boolean;
  lastError: string | null;
}

/**
 * An outbox table in memory, answering the dispatcher's few statements by their shape. Enough to exercise
 * the delivery logic without PostgreSQL (the e2e suites do the real thing).
 */
class FakeOutbox {
  readonly rows = new Map<string, Row>();

  add(event: DomainEvent, lockedBy: Row['lockedBy'] = null): Row {
    const row: Row = { id: event.eventId, name: 'test.dispatcher_something_happened', payload: JSON.parse(JSON.stringify(event)), attempts: 0, lockedBy, dispatched: false, lastError: null };
    this.rows.set(row.id, row);
    return row;
  }

  readonly orm = {
    em: {
      fork: () => ({
        execute: async (sql: string, params: unknown[]) => this.execute(sql, params),
      }),
    },
  } as unknown as MikroORM;

  private execute(sql: string, params: unknown[]): unknown[] {
    if (sql.startsWith('update outbox_event set locked_until = now()')) {
      const ids = new Set(Array.isArray(params[0]) ? (params[0] as string[]) : [params[0] as string]);
      const claimed = [...this.rows.values()].filter((row) => ids.has(row.id) && !row.dispatched && row.lockedBy === null);
      for (const row of claimed) {
        row.lockedBy = 'us';
        row.attempts += 1;
      }
      return claimed.map(({ id, name, payload, attempts }) => ({ id, name, payload, attempts }));
    }
    if (sql.startsWith('update outbox_event set dispatched_at = now()')) {
      const row = this.rows.get(params[0] as string)!;
      Object.assign(row, { dispatched: true, lockedBy: null, lastError: null });
      return [];
    }
    if (sql.startsWith('update outbox_event set locked_until = null, available_at')) {
      const row = this.rows.get(params[2] as string)!;
      Object.assign(row, { lockedBy: null, lastError: params[1] });
      return [];
    }
    if (sql.startsWith('select count(*)::int as pending')) {
      const ids = params[0] as string[];
      return [{ pending: ids.filter((id) => !this.rows.get(id)!.dispatched).length }];
    }
    throw new Error(`unexpected SQL: ${sql}`);
  }
}

/** A saga in miniature: every event becomes one command, executed from inside `publish` as @nestjs/cqrs does. */
function busesWith(handle: (command: ICommand) => Promise<unknown>) {
  const handled = jest.fn(handle);
  const commandBus = { execute: (command: ICommand) => handled(command) } as unknown as CommandBus;
  const published: DomainEvent[] = [];
  const eventBus = {
    publish: (event: DomainEvent) => {
      published.push(event);
      void commandBus.execute({ event } as ICommand).catch(() => undefined);
    },
  } as unknown as EventBus;
  return { commandBus, eventBus, published, handled };
}

function dispatcherFor(outbox: FakeOutbox, handle: (command: ICommand) => Promise<unknown>) {
  const buses = busesWith(handle);
  const dispatcher = new OutboxDispatcher(outbox.orm, buses.eventBus, buses.commandBus);
  dispatcher.onModuleInit();
  return { dispatcher, ...buses };
}

describe('OutboxDispatcher.deliverNow', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('publishes the stored event, rebuilt as its class, and marks it dispatched once its saga commands succeed', async () => {
    const outbox = new FakeOutbox();
    const event = new SomethingHappened('a');
    outbox.add(event);
    const { dispatcher, published } = dispatcherFor(outbox, async () => 'done');

    await dispatcher.deliverNow([event.eventId]);

    expect(published).toHaveLength(1);
    expect(published[0]).toBeInstanceOf(SomethingHappened);
    expect(published[0]).toMatchObject({ eventId: event.eventId, subject: 'a' });
    expect(outbox.rows.get(event.eventId)).toMatchObject({ dispatched: true, attempts: 1, lockedBy: null });
  });

  it('retries at once a consumer that fails once, so the waiting caller sees success', async () => {
    const outbox = new FakeOutbox();
    const event = new SomethingHappened('b');
    outbox.add(event);
    let calls = 0;
    const { dispatcher, handled } = dispatcherFor(outbox, async () => {
      calls += 1;
      if (calls === 1) throw new Error('deadlock detected');
      return 'done';
    });

    await expect(dispatcher.deliverNow([event.eventId])).resolves.toBeUndefined();

    expect(handled).toHaveBeenCalledTimes(2);
    expect(outbox.rows.get(event.eventId)).toMatchObject({ dispatched: true, attempts: 2 });
  });

  it('gives up after three tries and leaves the event to the sweeper, with the error recorded', async () => {
    const outbox = new FakeOutbox();
    const event = new SomethingHappened('c');
    outbox.add(event);
    const { dispatcher, handled } = dispatcherFor(outbox, async () => {
      throw new Error('still broken');
    });

    await expect(dispatcher.deliverNow([event.eventId])).rejects.toThrow('still broken');

    expect(handled).toHaveBeenCalledTimes(3);
    expect(outbox.rows.get(event.eventId)).toMatchObject({ dispatched: false, lockedBy: null, lastError: 'Error: still broken' });
  });

  it('waits for an event another instance holds until it is dispatched there', async () => {
    const outbox = new FakeOutbox();
    const event = new SomethingHappened('d');
    const row = outbox.add(event, 'elsewhere');
    const { dispatcher, handled } = dispatcherFor(outbox, async () => 'done');

    const delivery = dispatcher.deliverNow([event.eventId]);
    setTimeout(() => Object.assign(row, { dispatched: true, lockedBy: null }), 50);
    await delivery;

    expect(handled).not.toHaveBeenCalled();
  });

  it('runs the consumers inside the context of the request that raised the event', async () => {
    const outbox = new FakeOutbox();
    const event = RequestContext.run({ requestId: 'req-42', ip: '203.0.113.7', userAgent: 'jest' }, () => new SomethingHappened('e'));
    outbox.add(event);
    const seen: unknown[] = [];
    const { dispatcher } = dispatcherFor(outbox, async () => seen.push(RequestContext.current()));

    await dispatcher.deliverNow([event.eventId]);

    expect(seen).toEqual([{ requestId: 'req-42', ip: '203.0.113.7', userAgent: 'jest' }]);
  });
});
