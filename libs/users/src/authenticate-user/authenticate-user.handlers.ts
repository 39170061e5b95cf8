import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { Clock } from '@app/core';
import { PasswordHasher } from '../domain/password-hasher';
import { AuthenticateUserQuery, AuthenticatedUser, AuthenticationResult, GetUserAuthStateQuery, ResolveLoginQuery } from './authenticate-user.query';

interface CredentialRow {
  id: string;
  username: string;
  roles: string[];
  must_change_password: boolean;
  credentials_version: number;
  password_hash: string | null;
  password_expires_at: Date | null;
}

const BY_LOGIN = `select id, username, roles, must_change_password, credentials_version, password_hash, password_expires_at
                    from app_user where username = lower(?) or lower(email) = lower(?) limit 1`;

function toAuthenticated(row: CredentialRow): AuthenticatedUser {
  return { id: row.id, username: row.username, roles: row.roles, mustChangePassword: row.must_change_password, credentialsVersion: row.credentials_version };
}

@QueryHandler(ResolveLoginQuery)
export class ResolveLoginHandler implements IQueryHandler<ResolveLoginQuery> {
  constructor(private readonly em: EntityManager) {}

  async execute({ login }: ResolveLoginQuery): Promise<string | null> {
    const [row] = await this.em.fork().execute<CredentialRow[]>(BY_LOGIN, [login, login]);
    return row?.id ?? null;
  }
}

@QueryHandler(AuthenticateUserQuery)
export class AuthenticateUserHandler implements IQueryHandler<AuthenticateUserQuery> {
  constructor(
    private readonly em: EntityManager,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async execute({ login, password }: AuthenticateUserQuery): Promise<AuthenticationResult> {
    const [row] = await this.em.fork().execute<CredentialRow[]>(BY_LOGIN, [login, login]);
    const matches = await this.hasher.verify(password, row?.password_hash ?? null);
    if (!row || !matches) return { outcome: 'invalid', userId: row?.id ?? null };
    // Only someone who knows the (expired) temporary password learns that it expired.
    if (row.password_expires_at && new Date(row.password_expires_at).getTime() <= this.clock.now().getTime()) {
      return { outcome: 'expired', userId: row.id };
    }
    return { outcome: 'ok', user: toAuthenticated(row) };
  }
}

@QueryHandler(GetUserAuthStateQuery)
export class GetUserAuthStateHandler implements IQueryHandler<GetUserAuthStateQuery> {
  constructor(private readonly em: EntityManager) {}

  async execute({ userId }: GetUserAuthStateQuery): Promise<AuthenticatedUser | null> {
    const [row] = await this.em
      .fork()
      .execute<CredentialRow[]>('select id, username, roles, must_change_password, credentials_version from app_user where id = ?', [userId]);
    return row ? toAuthenticated(row) : null;
  }
}
