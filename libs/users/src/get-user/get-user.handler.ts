import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { toUserView, UserView } from '../domain/user.view';
import { findUserOr404 } from '../domain/user-lookup';
import { GetUserQuery } from './get-user.query';

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery> {
  constructor(private readonly em: EntityManager) {}

  async execute({ viewer, userId }: GetUserQuery): Promise<UserView> {
    return toUserView(await findUserOr404(this.em.fork(), userId), viewer);
  }
}
