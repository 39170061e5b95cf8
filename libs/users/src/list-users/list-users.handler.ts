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
 * A search first reads this many users in username order and keeps the matches: a common term fills its
 * page there. Otherwise the trigram index finds every match and only those are sorted. Left to itself the
 * planner always walks the username index for a search, and a term whose matches sort late (every
 * "zainab.*" username) then cost a walk through nearly all 100,000 users: 80-440 ms (bench/, BENCHMARKS.md).
 */
const SEARCH_WALK_ROWS = 1000;

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
    const walked = await em.execute(
      `select * from (select * from app_user ${whereClause(where)} order by username limit ?) walked
        where ${SEARCHED} like ? escape '\\' order by username limit ?`,
      [...params, SEARCH_WALK_ROWS, like, count],
    );
    if (walked.length === count) return walked;
    return em.execute(
      `with matches as materialized (select * from app_user ${whereClause([...where, `${SEARCHED} like ? escape '\\'`])})
       select * from matches order by username limit ?`,
      [...params, like, count],
    );
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
