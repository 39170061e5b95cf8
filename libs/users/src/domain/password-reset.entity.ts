import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import type { ResetMethod } from './user.types';

export type StoredResetStatus = 'pending' | 'completed' | 'superseded';

@Entity({ tableName: 'password_reset' })
export class PasswordReset {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid' })
  performedById!: string;

  @Property({ type: 'text' })
  performedByUsername!: string;

  @Enum({ items: ['random', 'iqama'], columnType: 'text' })
  method!: ResetMethod;

  @Property({ type: 'boolean' })
  requirePasswordChange!: boolean;

  /** The user's credentials version this reset set: sessions signed in with an older one are "existing sessions". */
  @Property({ type: 'integer' })
  credentialsVersion = 0;

  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  @Enum({ items: ['pending', 'completed', 'superseded'], columnType: 'text' })
  status: StoredResetStatus = 'pending';

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  completeBy!: Date;

  @Property({ type: 'timestamptz' })
  passwordExpiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'boolean', nullable: true })
  sendEmail: boolean | null = null;

  @Property({ type: 'boolean', nullable: true })
  logoutSessions: boolean | null = null;

  /** The address the email was queued to, fixed at completion. */
  @Property({ type: 'text', nullable: true })
  emailAddress: string | null = null;

  /**
   * The new password, AES-256-GCM encrypted, kept only while an email may still need it (or an idempotent
   * retry may replay it): cleared when sent, completed without email, superseded or expired.
   */
  @Property({ type: 'blob', columnType: 'bytea', nullable: true, hidden: true })
  pendingPasswordEncrypted: Buffer | null = null;

  @Property({ type: 'text', nullable: true })
  idempotencyKey: string | null = null;

  /** SHA-256 of (user id, request body): the same key with another request is refused. */
  @Property({ type: 'text', nullable: true })
  requestFingerprint: string | null = null;
}
