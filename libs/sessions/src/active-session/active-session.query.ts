import { Query } from '@nestjs/cqrs';

/** The user of an active (not revoked, not expired) session, or null. Asked on every authenticated request. */
export class GetActiveSessionQuery extends Query<{ userId: string } | null> {
  constructor(readonly sessionId: string) {
    super();
  }
}
