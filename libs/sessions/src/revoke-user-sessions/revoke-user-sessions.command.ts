import { Command } from '@nestjs/cqrs';
import type { RevocationReason } from '../domain/sessions.events';

export interface RevokeUserSessionsResult {
  revoked: number;
}

/** Ends every active session of a user opened before `openedBefore` (all of them when null), except `keepSessionId`. */
export class RevokeUserSessionsCommand extends Command<RevokeUserSessionsResult> {
  constructor(
    readonly userId: string,
    readonly targetUsername: string,
    readonly reason: RevocationReason,
    readonly openedBefore: string | null,
    readonly keepSessionId: string | null,
    readonly correlationId: string | null,
    readonly actor: { id: string; username: string } | null,
    /** The event this command answers: the handler does its work once per event. */
    readonly causationEventId: string,
  ) {
    super();
  }
}
