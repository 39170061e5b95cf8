import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { ValidationFailedError } from '@app/core';
import { User } from '../domain/user.entity';
import { toUserView } from '../domain/user.view';
import { USERNAME_PATTERN } from '../domain/username-rule';
import { ListUsersQuery, UserPage } from './list-users.query';

const DEFAULT_LIMIT = 50;

/** Keyset pagination on the unique username: pages stay fast and stable however deep the walk goes. */
@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(private readonly em: EntityManager) {}

  async execute({ viewer, filter }: ListUsersQuery): Promise<UserPage> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.search) {
      where.push(`lower(username || ' ' || display_name || ' ' || coalesce(email, '')) like ? escape '\\'`);
      params.push(`%${escapeLike(filter.search.toLowerCase())}%`);
    }
    if (filter.type) {
      where.push('type = ?');
      params.push(filter.type);
    }
    if (after) {
      where.push('username > ?');
      params.push(after);
    }
    const em = this.em.fork();
    const rows = await em.execute(
      `select * from app_user ${where.length ? `where ${where.join(' and ')}` : ''} order by username limit ?`,
      [...params, limit + 1],
    );
    const users = rows.slice(0, limit).map((row) => em.map(User, row));
    return {
      items: users.map((user) => toUserView(user, viewer)),
      nextCursor: rows.length > limit ? encodeCursor(users[users.length - 1].username) : null,
    };
  }
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
