import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Dictionary } from '@mikro-orm/core';
import { ValidationFailedError } from '@app/core';
import { User } from '../domain/user.entity';
import { toUserView } from '../domain/user.view';
import { USERNAME_PATTERN } from '../domain/username-rule';
import { ListUsersQuery, UserPage } from './list-users.query';

const DEFAULT_LIMIT = 50;

/** What `search` matches: the expression of the trigram index app_user_search_trgm_idx. */
const SEARCHED = `lower(username || ' ' || display_name || ' ' || coalesce(email, ''))`;

/**
 * How a search finds its page (first page of "fatima", 2,500 matches, 100,000 users; EXPLAIN ANALYZE):
 * - Left to itself the planner always walks the username index and filters: its LIMIT costing assumes the
 *   matches are spread evenly, and a term whose matches sort late (every "zainab.*" username) then costs a
 *   walk through nearly all users: 80-440 ms.
 * - The trigram index finds every match instead (bitmap index scan ~0.6 ms) but must recheck each one in the
 *   table: 2,500 matches 4-10 ms on this 2-core machine; only those are then sorted. Its cost grows with the matches,
 *   so a common term ("example.org", 90,000 matches: ~95 ms) must not take it.
 * - A walk of SEARCH_WALK_ROWS users in username order, keeping the matches, fills a common term's page in
 *   well under 1 ms, but costs ~1.5-2 ms for nothing when the term is rarer than about one user in twenty.
 * So the planner's estimate of the term's matches (one EXPLAIN, ~0.3 ms; from the statistics of the
 * index's expression, close for this data: 2,020 for 2,500, 91,919 for 90,000) picks the order: up to
 * TRIGRAM_FIRST_MAX estimated matches walk only SHORT_WALK_ROWS (the estimate says nothing of where the
 * matches sort: a cursor inside "fatima.*" finds its page there) before the trigram index, more walk
 * SEARCH_WALK_ROWS first. Either way the result is the first matches after the cursor in username order.
 * The trigram path materializes and sorts only (id, username) and reads the full rows of the page alone.
 * The index's pending list is off (Migration20261203000007UserSearchFastupdate): scanning it cost every
 * trigram search 5-11 ms after a bulk insert.
 */
const SEARCH_WALK_ROWS = 1000;

/** Above this many estimated matches a search walks SEARCH_WALK_ROWS; at most ~10 ms of trigram rechecks below it. */
const TRIGRAM_FIRST_MAX = 5000;

/** What a search estimated rare walks first: a page from a stretch where the matches are dense (a cursor inside "fatima.*"), ~0.3 ms when it fails. */
const SHORT_WALK_ROWS = 200;

/** Keyset pagination on the unique username: pages stay fast and stable however deep the walk goes. */
@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(private readonly em: EntityManager) {}

  async execute({ viewer, filter }: ListUsersQuery): Promise<UserPage> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.type) {
      where.push('type = ?');
      params.push(filter.type);
    }
    if (after) {
      where.push('username > ?');
      params.push(after);
    }
    const em = this.em.fork();
    const rows = filter.search
      ? await this.search(em, where, params, `%${escapeLike(filter.search.toLowerCase())}%`, limit + 1)
      : await em.execute(`select * from app_user ${whereClause(where)} order by username limit ?`, [...params, limit + 1]);
    const users = rows.slice(0, limit).map((row) => em.map(User, row));
    return {
      items: users.map((user) => toUserView(user, viewer)),
      nextCursor: rows.length > limit ? encodeCursor(users[users.length - 1].username) : null,
    };
  }

  /** The first `count` users after the cursor that match `like`, in username order (see SEARCH_WALK_ROWS). */
  private async search(em: EntityManager, where: string[], params: unknown[], like: string, count: number): Promise<Dictionary[]> {
    const walk = (await this.estimatedMatches(em, like)) > TRIGRAM_FIRST_MAX ? SEARCH_WALK_ROWS : SHORT_WALK_ROWS;
    const walked = await em.execute(
      `select * from (select * from app_user ${whereClause(where)} order by username limit ?) walked
        where ${SEARCHED} like ? escape '\\' order by username limit ?`,
      [...params, walk, like, count],
    );
    if (walked.length === count) return walked;
    return em.execute(
      `with matches as materialized (select id, username from app_user ${whereClause([...where, `${SEARCHED} like ? escape '\\'`])}),
            page as (select id, username from matches order by username limit ?)
       select app_user.* from page join app_user using (id) order by page.username`,
      [...params, like, count],
    );
  }

  /** The planner's estimate of how many users match `like` (whatever the other filters: they do not make the trigram path cheaper). */
  private async estimatedMatches(em: EntityManager, like: string): Promise<number> {
    const [row] = await em.execute(`explain (format json) select 1 from app_user where ${SEARCHED} like ? escape '\\'`, [like]);
    const plan = row['QUERY PLAN'] as [{ Plan: { 'Plan Rows': number } }];
    return plan[0].Plan['Plan Rows'];
  }
}

function whereClause(conditions: string[]): string {
  return conditions.length ? `where ${conditions.join(' and ')}` : '';
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function encodeCursor(username: string): string {
  return Buffer.from(`u1:${username}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const username = decoded.startsWith('u1:') ? decoded.slice(3) : '';
  if (!USERNAME_PATTERN.test(username)) throw new ValidationFailedError([{ field: 'cursor', message: 'is not a valid cursor' }]);
  return username;
}
