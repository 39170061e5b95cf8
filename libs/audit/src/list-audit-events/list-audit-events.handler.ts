import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditDatabase } from '../infrastructure/audit-database';
import { AuditFilter, auditConditions, OCCURRED_AT_TEXT, SqlParameters } from '../infrastructure/audit-filter.sql';
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

const ROW_COLUMNS = `seq, id, occurred_at, action, actor_id, actor_username, target_id, target_username, ip, user_agent,
  request_id, correlation_id, details`;

/**
 * Keyset pagination on seq, newest first: `seq < cursor order by seq desc`. Rows recorded during a walk
 * get higher seqs than any cursor already handed out, so a walk neither repeats nor skips a row. One row
 * more than asked is read to know whether there is a next page.
 *
 * Several actions are read as one ordered branch per action, merged (Merge Append): each branch walks its
 * (action, seq) or (actor_id, action, seq) index backwards and stops after a page. A single scan with
 * `action = any(…)` would walk the primary key and skip everything else: for two rare actions, thousands
 * of rows per page.
 */
@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<ListAuditEventsQuery, AuditEventPage> {
  constructor(private readonly database: AuditDatabase) {}

  async execute({ filter, limit, beforeSeq }: ListAuditEventsQuery): Promise<AuditEventPage> {
    const params = new SqlParameters();
    const pageSize = params.add(limit + 1);
    const keyset = beforeSeq === null ? '' : ` and seq < ${params.add(beforeSeq)}::bigint`;
    const branch = (part: AuditFilter) =>
      `(select ${ROW_COLUMNS} from audit_event where ${auditConditions(part, params)}${keyset} order by seq desc limit ${pageSize})`;
    const actions = filter.actions ?? [];
    const branches = actions.length > 1 ? actions.map((action) => branch({ ...filter, actions: [action] })) : [branch(filter)];
    // The outer order names the inner seq (a bigint): the output column of that name is text.
    const rows = await this.database.query<AuditEventRow>(
      `select seq::text as seq, id, ${OCCURRED_AT_TEXT} as occurred_at, action, actor_id, actor_username,
              target_id, target_username, ip, user_agent, request_id, correlation_id, details
         from (${branches.join(' union all ')}) page
        order by page.seq desc
        limit ${pageSize}`,
      params.values,
    );
    const items = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    return { items: items.map(toView), nextCursor: hasMore ? encodeAuditCursor(items[items.length - 1].seq) : null };
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
