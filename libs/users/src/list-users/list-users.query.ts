import { Query } from '@nestjs/cqrs';
import type { Actor } from '@app/core';
import type { UserView } from '../domain/user.view';
import type { ListUsersQueryDto } from './list-users.dto';

export interface UserPage {
  items: UserView[];
  nextCursor: string | null;
}

export class ListUsersQuery extends Query<UserPage> {
  constructor(
    readonly viewer: Actor,
    readonly filter: ListUsersQueryDto,
  ) {
    super();
  }
}
