import { Injectable } from '@nestjs/common';
import { SecretBox } from '@app/core';
import type { PasswordReset } from './password-reset.entity';

const PURPOSE = 'pending-password';

/** The encrypted copy of a reset's password, for the email and for idempotent replays, and nothing else. */
@Injectable()
export class PendingPassword {
  constructor(private readonly box: SecretBox) {}

  keep(reset: PasswordReset, password: string): void {
    reset.pendingPasswordEncrypted = this.box.encrypt(PURPOSE, password);
  }

  read(reset: PasswordReset): string | null {
    return reset.pendingPasswordEncrypted ? this.box.decrypt(PURPOSE, Buffer.from(reset.pendingPasswordEncrypted)) : null;
  }

  discard(reset: PasswordReset): void {
    reset.pendingPasswordEncrypted = null;
  }
}
