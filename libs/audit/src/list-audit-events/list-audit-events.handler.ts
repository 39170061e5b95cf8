import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditDatabase } from '../infrastructure/audit-database';
import { auditConditions, OCCURRED_AT_TEXT, SqlParameters } from '../infrastructure/audit-filter.sql';
import { encodeAuditCursor } from './audit-cursor';
import { AuditEventPage, AuditEventView, AuditPartyView, ListAuditEventsQuery } from './list-audit-events.query';

interface AuditEventRow {
  seq: string;
  id: string;
  occurred_at: string;
  action: string;
  actor_id: string | null;
  actor_username: string | null;
  target_id: string | null;
  target_username: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  correlation_id: string | null;
  details: Record<string, unknown>;
}

/**
 * Keyset pagination on seq, newest first: `seq < cursor order by seq desc`. Rows recorded during a walk
 * get higher seqs than any cursor already handed out, so a walk neither repeats nor skips a row. One row
 * more than asked is read to know whether there is a next page. The order names the table's seq: the
 * output column of that name is text.
 */
@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<ListAuditEventsQuery, AuditEventPage> {
  constructor(private readonly database: AuditDatabase) {}

  async execute({ filter, limit, beforeSeq }: ListAuditEventsQuery): Promise<AuditEventPage> {
    const params = new SqlParameters();
    const where = auditConditions(filter, params);
    const keyset = beforeSeq === null ? '' : ` and seq < ${params.add(beforeSeq)}::bigint`;
    const rows = await this.database.query<AuditEventRow>(
      `select seq::text as seq, id, ${OCCURRED_AT_TEXT} as occurred_at, action, actor_id, actor_username,
              target_id, target_username, ip, user_agent, request_id, correlation_id, details
         from audit_event
        where ${where}${keyset}
        order by audit_event.seq desc
        limit ${params.add(limit + 1)}`,
      params.values,
    );
    const page = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    return { items: page.map(toView), nextCursor: hasMore ? encodeAuditCursor(page[page.length - 1].seq) : null };
  }
}

function toView(row: AuditEventRow): AuditEventView {
  return {
    id: row.id,
    seq: Number(row.seq),
    occurredAt: row.occurred_at,
    action: row.action,
    actor: party(row.actor_id, row.actor_username),
    target: party(row.target_id, row.target_username),
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    correlationId: row.correlation_id,
    details: row.details,
  };
}

function party(id: string | null, username: string | null): AuditPartyView | null {
  return id === null && username === null ? null : { id, username };
}
