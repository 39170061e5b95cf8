import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '@app/core';


/** bcrypt at BCRYPT_COST; the async API runs on libuv's thread pool, off the event loop. */
@Injectable()
export class PasswordHasher {
  private readonly cost: number;
  /** A hash of a random value at the same cost: compared against when there is no hash, so timing does not tell. */
  private dummyHash?: Promise<string>;

  constructor(config: ConfigService<AppConfig, true>) {
    this.cost = config.get('bcryptCost', { infer: true });
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  async verify(password: string, hash: string | null): Promise<boolean> {
    if (Buffer.byteLength(password, 'utf8') > 72) {
      // Refuse rather than let bcrypt compare a truncated prefix; still spend the time.
      await bcrypt.compare('x', hash ?? (await this.dummy()));
      return false;
    }
    if (!hash) {
      await bcrypt.compare(password, await this.dummy());
      return false;
    }
    return bcrypt.compare(password, hash);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), this.cost);
    return this.dummyHash;
  }
}
