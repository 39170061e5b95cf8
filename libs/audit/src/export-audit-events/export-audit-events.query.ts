import { Query } from '@nestjs/cqrs';
import type { Readable } from 'node:stream';
import type { AuditFilter } from '../infrastructure/audit-filter.sql';

/** Every row matching `filter`, newest first, as a CSV stream (header row first). */
export class ExportAuditEventsQuery extends Query<Readable> {
  constructor(readonly filter: AuditFilter) {
    super();
  }
}
