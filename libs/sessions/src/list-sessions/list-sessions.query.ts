import { Query } from '@nestjs/cqrs';
import type { SessionView } from '../domain/session.view';

/** A user's active sessions, newest first; `current` marks the caller's own. */
export class ListActiveSessionsQuery extends Query<SessionView[]> {
  constructor(
    readonly userId: string,
    readonly currentSessionId: string | null,
  ) {
    super();
  }
}
