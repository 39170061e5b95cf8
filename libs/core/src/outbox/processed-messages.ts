import { EntityManager } from '@mikro-orm/postgresql';

/**
 * Marks `eventId` as handled by `consumer` inside the consumer's own transaction. Returns false when it
 * was handled before, so a re-delivered event does no work twice.
 */
export async function firstDelivery(em: EntityManager, consumer: string, eventId: string): Promise<boolean> {
  const rows = await em.execute<{ ok: number }[]>(
    'insert into processed_message (consumer, event_id) values (?, ?) on conflict do nothing returning 1 as ok',
    [consumer, eventId],
  );
  return rows.length === 1;
}
