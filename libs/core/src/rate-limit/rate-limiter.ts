import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Clock } from '../clock/clock';

export interface RateLimit {
  key: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitState {
  limited: boolean;
  retryAfterSeconds: number;
}

/**
 * Sliding-window counters kept in PostgreSQL, so that every instance sees the same counts. Each hit is a
 * row; a window's count is the rows younger than the window.
 */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  async state(limit: RateLimit, em: EntityManager = this.orm.em.fork()): Promise<RateLimitState> {
    const now = this.clock.now();
    const [row] = await em.execute<WindowCount[]>(WINDOW_COUNT, windowCountParams(limit, now));
    return stateOf(limit, row, now);
  }

  /**
   * Counts one hit unless the limit is reached, atomically across instances (the key is locked for the
   * rest of the transaction). Use inside the transaction of the work being limited. Two round trips: the
   * lock must be its own statement, so that the count's snapshot is taken after it and sees every hit
   * committed by whoever held it before; the count and the conditional insert are one.
   */
  async consume(limit: RateLimit, em: EntityManager): Promise<RateLimitState> {
    await lockKey(em, limit.key);
    const now = this.clock.now();
    const [row] = await em.execute<WindowCount[]>(
      `with counted as (${WINDOW_COUNT}),
            counted_hit as (insert into rate_limit_hit (key, at) select ?, ? from counted where hits < ?)
       select hits, oldest from counted`,
      [...windowCountParams(limit, now), limit.key, now, limit.limit],
    );
    return stateOf(limit, row, now);
  }

  /**
   * Takes one place in each limit before an attempt whose outcome is not known yet (a sign-in), so that
   * parallel attempts cannot all slip under the limit; `release` gives the places back if it succeeds.
   */
  async reserve(limits: RateLimit[]): Promise<{ state: RateLimitState; hitIds: string[] }> {
    return this.orm.em.fork().transactional(async (em) => {
      const hitIds: string[] = [];
      let worst: RateLimitState = { limited: false, retryAfterSeconds: 0 };
      for (const limit of [...limits].sort((a, b) => a.key.localeCompare(b.key))) {
        await lockKey(em, limit.key);
        const state = await this.state(limit, em);
        if (state.limited && state.retryAfterSeconds > worst.retryAfterSeconds) worst = state;
      }
      if (worst.limited) return { state: worst, hitIds };
      for (const limit of limits) {
        const [row] = await em.execute<{ id: string }[]>('insert into rate_limit_hit (key, at) values (?, ?) returning id', [limit.key, this.clock.now()]);
        hitIds.push(row.id);
      }
      return { state: worst, hitIds };
    });
  }

  async release(hitIds: string[]): Promise<void> {
    if (hitIds.length > 0) await this.orm.em.fork().execute('delete from rate_limit_hit where id in (?)', [hitIds]);
  }

  async clear(key: string, em: EntityManager = this.orm.em.fork()): Promise<void> {
    await em.execute('delete from rate_limit_hit where key = ?', [key]);
  }

  /** Forgets hits older than any window in use (a day), called by a scheduled job. */
  async prune(em: EntityManager = this.orm.em.fork()): Promise<void> {
    await em.execute(`delete from rate_limit_hit where at < ?`, [new Date(this.clock.now().getTime() - 86400_000)]);
  }
}

interface WindowCount {
  hits: number;
  oldest: Date | null;
}

/** Serialises the transactions that count against one key, across instances, until each commits. */
async function lockKey(em: EntityManager, key: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 7))', [key]);
}

/** The hits in a key's window, at most `limit` of them (enough to judge it), and the oldest of those. */
const WINDOW_COUNT = `select count(*)::int as hits, min(at) as oldest
  from (select at from rate_limit_hit where key = ? and at > ? order by at desc limit ?) recent`;

function windowCountParams(limit: RateLimit, now: Date): unknown[] {
  return [limit.key, new Date(now.getTime() - limit.windowSeconds * 1000), limit.limit];
}

/** Limited when the window already holds `limit` hits; it reopens when the oldest of them leaves the window. */
function stateOf(limit: RateLimit, { hits, oldest }: WindowCount, now: Date): RateLimitState {
  if (hits < limit.limit || !oldest) return { limited: false, retryAfterSeconds: 0 };
  const reopensAt = new Date(oldest).getTime() + limit.windowSeconds * 1000;
  return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil((reopensAt - now.getTime()) / 1000)) };
}
