import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config.type';

const VERSION = 1;

/**
 * Encryption at rest (AES-256-GCM) and keyed hashing (HMAC-SHA-256) with keys derived from APP_SECRET,
 * one key per purpose so that a value encrypted for one column cannot be replayed into another.
 */
@Injectable()
export class SecretBox {
  private readonly master: Buffer;

  constructor(config: ConfigService<AppConfig, true>) {
    this.master = Buffer.from(config.get('appSecret', { infer: true }), 'utf8');
  }

  private key(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), `custodian:${purpose}`, 32));
  }

  encrypt(purpose: string, plaintext: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(purpose), iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(purpose: string, sealed: Buffer): string {
    if (sealed[0] !== VERSION) throw new Error('Unknown sealed value version');
    const iv = sealed.subarray(1, 13);
    const tag = sealed.subarray(13, 29);
    const decipher = createDecipheriv('aes-256-gcm', this.key(purpose), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  }

  keyedHash(purpose: string, value: string): string {
    return createHmac('sha256', this.key(purpose)).update(value, 'utf8').digest('hex');
  }

  /** Raw key material for signing (e.g. JWTs), derived like the others. */
  signingKey(purpose: string): Buffer {
    return this.key(purpose);
  }
}
