import { Query } from '@nestjs/cqrs';
import type { PasswordResetView } from '../domain/password-reset.view';

export class GetPasswordResetQuery extends Query<PasswordResetView> {
  constructor(
    readonly userId: string,
    readonly resetId: string,
  ) {
    super();
  }
}

export class ListPasswordResetsQuery extends Query<PasswordResetView[]> {
  constructor(readonly userId: string) {
    super();
  }
}
