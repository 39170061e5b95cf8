import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import type { RevocationReason } from './sessions.events';

/** One sign-in. Revoking it is a write to this row, which every request checks: no cache can keep it alive. */
@Entity({ tableName: 'session' })
export class Session {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  userId!: string;

  /** SHA-256 of the current refresh secret (a random 256-bit value, so a fast hash is enough). */
  @Property({ type: 'text', hidden: true })
  refreshHash!: string;

  /** Bumped on every rotation; a refresh token of an older generation is a reuse. */
  @Property({ type: 'integer' })
  refreshGeneration = 0;

  /** The user's credentials version when this session signed in. */
  @Property({ type: 'integer' })
  credentialsVersion = 0;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  lastUsedAt!: Date;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'text', nullable: true })
  ip: string | null = null;

  @Property({ type: 'text', nullable: true })
  userAgent: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  revokedReason: RevocationReason | null = null;

  /** The reset that caused the revocation, to report `sessionsRevoked`. */
  @Property({ type: 'uuid', nullable: true })
  revokedCorrelationId: string | null = null;
}
