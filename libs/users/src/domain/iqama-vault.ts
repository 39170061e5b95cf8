import { Injectable } from '@nestjs/common';
import { SecretBox } from '@app/core';
import type { User } from './user.entity';

const PURPOSE = 'iqama';

/** Keeps IQAMA numbers encrypted, with a keyed hash for uniqueness and the last four digits for display. */
@Injectable()
export class IqamaVault {
  constructor(private readonly box: SecretBox) {}

  hashOf(iqama: string): string {
    return this.box.keyedHash(PURPOSE, iqama);
  }

  store(user: User, iqama: string | null): void {
    user.iqamaEncrypted = iqama ? this.box.encrypt(PURPOSE, iqama) : null;
    user.iqamaHash = iqama ? this.hashOf(iqama) : null;
    user.iqamaLast4 = iqama ? iqama.slice(-4) : null;
  }

  reveal(user: User): string | null {
    return user.iqamaEncrypted ? this.box.decrypt(PURPOSE, Buffer.from(user.iqamaEncrypted)) : null;
  }
}
