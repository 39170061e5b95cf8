import { Query } from '@nestjs/cqrs';
import type { Actor } from '@app/core';
import type { UserView } from '../domain/user.view';

export class GetUserQuery extends Query<UserView> {
  constructor(
    readonly viewer: Actor,
    readonly userId: string,
  ) {
    super();
  }
}
