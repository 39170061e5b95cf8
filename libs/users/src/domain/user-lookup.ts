import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { NotFoundError } from '@app/core';
import { User } from './user.entity';
import { UserErrors } from './users.errors';

export async function findUserOr404(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<User> {
  const user = await em.findOne(User, { id }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!user) throw new NotFoundError('The user');
  return user;
}

/** Friendly 409s before the insert; the unique indexes still decide under races. */
export async function assertUnique(
  em: EntityManager,
  fields: { username?: string; email?: string | null; iqamaHash?: string | null },
  exceptUserId?: string,
): Promise<void> {
  const notSelf = exceptUserId ? { id: { $ne: exceptUserId } } : {};
  if (fields.username && (await em.count(User, { username: fields.username, ...notSelf }))) throw UserErrors.usernameTaken();
  if (fields.email) {
    const [row] = await em.execute<{ n: number }[]>(
      'select count(*)::int as n from app_user where lower(email) = lower(?) and id is distinct from ?',
      [fields.email, exceptUserId ?? null],
    );
    if (row.n > 0) throw UserErrors.emailTaken();
  }
  if (fields.iqamaHash && (await em.count(User, { iqamaHash: fields.iqamaHash, ...notSelf }))) throw UserErrors.iqamaTaken();
}
