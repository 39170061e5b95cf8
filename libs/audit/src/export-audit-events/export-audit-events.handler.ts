import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Readable } from 'node:stream';
import { AuditDatabase } from '../infrastructure/audit-database';
import { auditConditions, OCCURRED_AT_TEXT, SqlParameters } from '../infrastructure/audit-filter.sql';
import { AuditCsvStream } from './audit-csv-stream';
import { ExportAuditEventsQuery } from './export-audit-events.query';

@QueryHandler(ExportAuditEventsQuery)
export class ExportAuditEventsHandler implements IQueryHandler<ExportAuditEventsQuery, Readable> {
  constructor(private readonly database: AuditDatabase) {}

  async execute({ filter }: ExportAuditEventsQuery): Promise<Readable> {
    const params = new SqlParameters();
    const where = auditConditions(filter, params);
    // The columns of AUDIT_CSV_COLUMNS, in that order, as text. Ordered by the table's seq: a bare `seq`
    // would name the output column, which is text (and 9 would sort after 10).
    const select = `
      select seq::text, ${OCCURRED_AT_TEXT}, action, actor_id::text, actor_username, target_id::text, target_username,
             ip, user_agent, request_id, correlation_id::text, details::text
        from audit_event
       where ${where}
       order by audit_event.seq desc`;
    return AuditCsvStream.open(await this.database.connect(), select, params.values);
  }
}
