import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventContext } from '@app/core';

export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed';

export interface EmailDeliveryRow {
  resetId: string;
  userId: string;
  targetUsername: string;
  actorId: string | null;
  actorUsername: string;
  address: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  sentAt: Date | null;
  /** The request that asked for the email: events raised later by the job carry it, as the audit trail expects. */
  origin: EventContext | null;
}

const COLUMNS = `reset_id as "resetId", user_id as "userId", target_username as "targetUsername", actor_id as "actorId",
  actor_username as "actorUsername", address, status, attempts, last_error as "lastError", message_id as "messageId",
  sent_at as "sentAt", origin`;

/** The email_delivery table (notifications' own): one row per reset whose email was requested. */
export const EmailDeliveries = {
  /** Inserts the queued row; false when the reset already has one (its email was requested before). */
  async insertQueued(
    em: EntityManager,
    row: Pick<EmailDeliveryRow, 'resetId' | 'userId' | 'targetUsername' | 'actorId' | 'actorUsername' | 'address' | 'origin'>,
    now: Date,
  ): Promise<boolean> {
    const inserted = await em.execute<{ ok: number }[]>(
      `insert into email_delivery (reset_id, user_id, target_username, actor_id, actor_username, address, status, origin, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
       on conflict (reset_id) do nothing
       returning 1 as ok`,
      [row.resetId, row.userId, row.targetUsername, row.actorId, row.actorUsername, row.address, row.origin ? JSON.stringify(row.origin) : null, now, now],
    );
    return inserted.length === 1;
  },

  async find(em: EntityManager, resetId: string, options: { lock?: boolean } = {}): Promise<EmailDeliveryRow | null> {
    const rows = await em.execute<EmailDeliveryRow[]>(
      `select ${COLUMNS} from email_delivery where reset_id = ?${options.lock ? ' for update' : ''}`,
      [resetId],
    );
    return rows[0] ?? null;
  },

  /** Counts a try before it is made, so a try cut short by a crash still counts. Null when the row is already final. */
  async startAttempt(em: EntityManager, resetId: string, now: Date): Promise<number | null> {
    const rows = await em.execute<{ attempts: number }[]>(
      `update email_delivery set status = 'sending', attempts = attempts + 1, updated_at = ?
        where reset_id = ? and status in ('queued', 'sending')
        returning attempts`,
      [now, resetId],
    );
    return rows[0]?.attempts ?? null;
  },

  async markSent(em: EntityManager, resetId: string, messageId: string, now: Date): Promise<boolean> {
    const rows = await em.execute<{ ok: number }[]>(
      `update email_delivery set status = 'sent', sent_at = ?, message_id = ?, last_error = null, updated_at = ?
        where reset_id = ? and status in ('queued', 'sending')
        returning 1 as ok`,
      [now, messageId, now, resetId],
    );
    return rows.length === 1;
  },

  /** Back to the queue after a temporary failure; the job is retried later. */
  async markRetrying(em: EntityManager, resetId: string, reason: string, now: Date): Promise<void> {
    await em.execute(
      `update email_delivery set status = 'queued', last_error = ?, updated_at = ?
        where reset_id = ? and status in ('queued', 'sending')`,
      [reason, now, resetId],
    );
  },

  async markFailed(em: EntityManager, resetId: string, reason: string, now: Date): Promise<boolean> {
    const rows = await em.execute<{ ok: number }[]>(
      `update email_delivery set status = 'failed', last_error = ?, updated_at = ?
        where reset_id = ? and status in ('queued', 'sending')
        returning 1 as ok`,
      [reason, now, resetId],
    );
    return rows.length === 1;
  },
};
