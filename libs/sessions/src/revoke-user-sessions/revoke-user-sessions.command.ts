import { Command } from '@nestjs/cqrs';
import type { RevocationReason } from '../domain/sessions.events';

export interface RevokeUserSessionsResult {
  revoked: number;
}

/**
 * Ends every active session of a user signed in with a credentials version below `credentialsVersionBelow`
 * (all of them when null), except `keepSessionId`.
 */
export class RevokeUserSessionsCommand extends Command<RevokeUserSessionsResult> {
  constructor(
    readonly userId: string,
    readonly targetUsername: string,
    readonly reason: RevocationReason,
    readonly credentialsVersionBelow: number | null,
    readonly keepSessionId: string | null,
    readonly correlationId: string | null,
    readonly actor: { id: string; username: string } | null,
    /** The event this command answers: the handler does its work once per event. */
    readonly causationEventId: string,
  ) {
    super();
  }
}
