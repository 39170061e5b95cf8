import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { LOCALES, Locale, USER_TYPES, UserType } from './user.types';

@Entity({ tableName: 'app_user' })
export class User {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Stored lower-case; unique. */
  @Property({ type: 'text' })
  username!: string;

  @Property({ type: 'text' })
  displayName!: string;

  /** Unique case-insensitively (index on lower(email)). */
  @Property({ type: 'text', nullable: true })
  email: string | null = null;

  @Enum({ items: () => USER_TYPES, columnType: 'text' })
  type!: UserType;

  @Property({ type: 'text[]', columnType: 'text[]' })
  roles: string[] = [];

  @Enum({ items: () => LOCALES, columnType: 'text' })
  locale: Locale = 'en';

  /** AES-256-GCM; never returned by any endpoint. */
  @Property({ type: 'blob', columnType: 'bytea', nullable: true, hidden: true })
  iqamaEncrypted: Buffer | null = null;

  /** HMAC of the number, for uniqueness without decrypting. */
  @Property({ type: 'text', nullable: true, hidden: true })
  iqamaHash: string | null = null;

  @Property({ type: 'text', nullable: true })
  iqamaLast4: string | null = null;

  @Property({ type: 'text', nullable: true, hidden: true })
  passwordHash: string | null = null;

  /** Set for temporary passwords (admin resets); signing in after it answers PASSWORD_EXPIRED. */
  @Property({ type: 'timestamptz', nullable: true })
  passwordExpiresAt: Date | null = null;

  @Property({ type: 'boolean' })
  mustChangePassword = false;

  /** Bumped by every password change; sessions carry the version they signed in with. */
  @Property({ type: 'integer' })
  credentialsVersion = 0;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
