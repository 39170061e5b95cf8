import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CommandBus, EventBus, ICommand } from '@nestjs/cqrs';
import { MikroORM } from '@mikro-orm/postgresql';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DomainEvent, rehydrateEvent } from './domain-event';
import { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';

interface OutboxRow {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Deliveries take milliseconds; a lease this short lets a crashed instance's events be taken up quickly. */
const LEASE_SECONDS = 20;
const SWEEP_INTERVAL_MS = 2000;
const SWEEP_BATCH = 50;
/** Rows younger than this are left to the instance that committed them (it delivers right after commit). */
const SWEEP_GRACE_SECONDS = 5;
const AWAIT_DELIVERY_TIMEOUT_MS = 15000;
/** A consumer that fails once (a dropped connection, a deadlock) usually succeeds on a prompt second try. */
const IMMEDIATE_RETRIES = 2;
const IMMEDIATE_RETRY_DELAY_MS = 100;

/**
 * Delivers committed outbox events to the EventBus: right after the commit that stored them, and again
 * for anything left over (a crash, a failed consumer) on start-up and every few seconds. Each instance
 * leases rows with FOR UPDATE SKIP LOCKED, so an event is delivered by one instance at a time; consumers
 * are idempotent by event id, so a re-delivery after a crash does no work twice.
 *
 * A delivery succeeds when every command the sagas issued for the event has succeeded: the commands are
 * collected while the EventBus publishes (sagas call the CommandBus synchronously from `publish`).
 */
@Injectable()
export class OutboxDispatcher implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private readonly collecting = new AsyncLocalStorage<Promise<unknown>[]>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly eventBus: EventBus,
    private readonly commandBus: CommandBus,
  ) {}

  onModuleInit(): void {
    // Why a wrapper: @nestjs/cqrs runs saga commands fire-and-forget, reporting failures only to the
    // UnhandledExceptionBus. Collecting the promises lets a delivery know that its consumers succeeded.
    const execute = this.commandBus.execute.bind(this.commandBus);
    this.commandBus.execute = (<R>(command: ICommand) => {
      const result = execute(command) as Promise<R>;
      this.collecting.getStore()?.push(result);
      return result;
    }) as CommandBus['execute'];
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.track(this.sweep()), SWEEP_INTERVAL_MS);
    this.timer.unref();
    this.track(this.sweep());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Keeps a background delivery visible (awaited at shutdown, failures logged) instead of forgetting it. */
  track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.logger.warn(`Background delivery failed: ${describe(error)}`));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /**
   * Delivers the given events now; resolves when they are delivered (here or by another instance). A failed
   * delivery is retried at once a couple of times: the caller may be waiting on it (the complete endpoint
   * answers only after the sessions are revoked); what still fails is left to the sweeper's back-off.
   */
  async deliverNow(ids: string[]): Promise<void> {
    const claimed = await this.claim('id in (?)', [ids]);
    const results = await Promise.allSettled(claimed.map((row) => this.deliverRetryingPromptly(row)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    const elsewhere = ids.filter((id) => !claimed.some((row) => row.id === id));
    if (elsewhere.length > 0) await this.waitUntilDelivered(elsewhere);
  }

  /** Delivers leftovers: events whose first delivery failed or whose instance died. */
  async sweep(): Promise<number> {
    if (this.sweeping || this.stopped) return 0;
    this.sweeping = true;
    try {
      const rows = await this.claim(
        `available_at <= now() and created_at < now() - interval '${SWEEP_GRACE_SECONDS} seconds'`,
        [],
      );
      await Promise.allSettled(rows.map((row) => this.deliver(row)));
      return rows.length;
    } finally {
      this.sweeping = false;
    }
  }

  private async claim(where: string, params: unknown[]): Promise<OutboxRow[]> {
    return this.orm.em.fork().execute<OutboxRow[]>(
      `update outbox_event set locked_until = now() + interval '${LEASE_SECONDS} seconds', attempts = attempts + 1
        where id in (select id from outbox_event
                      where dispatched_at is null and (locked_until is null or locked_until < now()) and ${where}
                      order by created_at limit ${SWEEP_BATCH} for update skip locked)
        returning id, name, payload, attempts`,
      params,
    );
  }

  private async deliverRetryingPromptly(row: OutboxRow): Promise<void> {
    for (let retry = 0; ; retry++) {
      try {
        return await this.deliver(row);
      } catch (error) {
        if (retry >= IMMEDIATE_RETRIES || this.stopped) throw error;
        await new Promise((resolve) => setTimeout(resolve, IMMEDIATE_RETRY_DELAY_MS * 2 ** retry));
        const [again] = await this.claim('id = ?', [row.id]);
        // Taken by another instance's sweeper in the meantime: it delivers; wait for it like for any other.
        if (!again) return this.waitUntilDelivered([row.id]);
        row = again;
      }
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const event = rehydrateEvent(row.name, row.payload);
    const consumers: Promise<unknown>[] = [];
    try {
      this.collecting.run(consumers, () =>
        RequestContext.run({ ...contextOf(event) }, () => this.eventBus.publish(event)),
      );
      const results = await Promise.allSettled(consumers);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      await this.orm.em.fork().execute(
        'update outbox_event set dispatched_at = now(), locked_until = null, last_error = null where id = ?',
        [row.id],
      );
    } catch (error) {
      const retryInSeconds = Math.min(300, 2 ** Math.min(row.attempts, 8));
      this.logger.warn(`Delivery of ${row.name} ${row.id} failed (attempt ${row.attempts}), retrying in ${retryInSeconds}s: ${describe(error)}`);
      await this.orm.em
        .fork()
        .execute(
          `update outbox_event set locked_until = null, available_at = now() + make_interval(secs => ?), last_error = ? where id = ?`,
          [retryInSeconds, describe(error).slice(0, 500), row.id],
        )
        .catch((e: unknown) => this.logger.error(`Could not record the failed delivery of ${row.id}: ${describe(e)}`));
      throw error;
    }
  }

  private async waitUntilDelivered(ids: string[]): Promise<void> {
    const deadline = Date.now() + AWAIT_DELIVERY_TIMEOUT_MS;
    for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
      const [{ pending }] = await this.orm.em
        .fork()
        .execute<{ pending: number }[]>('select count(*)::int as pending from outbox_event where id in (?) and dispatched_at is null', [ids]);
      if (pending === 0) return;
      if (Date.now() > deadline) {
        throw deliveryPending();
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** 503: the change is committed, but its after-commit work (e.g. revoking sessions) has not finished yet. */
export function deliveryPending(): DomainError {
  return new DomainError('unavailable', 'DELIVERY_PENDING', 'The change is saved; its follow-up work has not finished yet and will complete shortly.', { retryAfterSeconds: 5 });
}

function contextOf(event: DomainEvent) {
  return {
    requestId: event.context?.requestId ?? event.eventId,
    ip: event.context?.ip ?? null,
    userAgent: event.context?.userAgent ?? null,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
