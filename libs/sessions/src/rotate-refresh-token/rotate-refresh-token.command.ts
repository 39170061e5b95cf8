import { Command } from '@nestjs/cqrs';

export interface RotatedSession {
  sessionId: string;
  userId: string;
  refreshToken: string;
}

/** Trades a refresh token for a new one; the old one stops working. Presenting an old one again revokes the session. */
export class RotateRefreshTokenCommand extends Command<RotatedSession> {
  constructor(readonly refreshToken: string) {
    super();
  }
}
