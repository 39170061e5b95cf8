import { Query } from '@nestjs/cqrs';

/** How many sessions a completed reset ended. Defined here (users is upstream), answered by the sessions module. */
export class CountSessionsRevokedByResetQuery extends Query<number> {
  constructor(readonly resetId: string) {
    super();
  }
}
