import { Command } from '@nestjs/cqrs';

export interface OpenedSession {
  sessionId: string;
  refreshToken: string;
  expiresAt: Date;
}

export class OpenSessionCommand extends Command<OpenedSession> {
  constructor(
    readonly userId: string,
    readonly ip: string | null,
    readonly userAgent: string | null,
    readonly credentialsVersion: number,
  ) {
    super();
  }
}
