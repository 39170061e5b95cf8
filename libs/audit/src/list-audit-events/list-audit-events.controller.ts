import { Controller, Get, Header, Headers, Logger, Query, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Clock, Roles } from '@app/core';
import { filterOf } from '../http/audit-filter.dto';
import { csvFileName, wantsCsv } from '../export-audit-events/csv-negotiation';
import { ExportAuditEventsQuery } from '../export-audit-events/export-audit-events.query';
import { AUDIT_CSV_COLUMNS } from '../export-audit-events/audit-csv';
import { decodeAuditCursor } from './audit-cursor';
import { AuditEventPageDto, DEFAULT_PAGE_SIZE, ListAuditEventsQueryDto } from './list-audit-events.dto';
import { AuditEventPage, ListAuditEventsQuery } from './list-audit-events.query';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor', 'admin')
@Controller('audit')
export class ListAuditEventsController {
  private readonly logger = new Logger(ListAuditEventsController.name);

  constructor(
    private readonly queries: QueryBus,
    private readonly clock: Clock,
  ) {}

  @Get('events')
  @Header('Cache-Control', 'no-store')
  @Header('Vary', 'Accept')
  @ApiOperation({
    summary: 'Audit events, newest first, one page at a time; or all of them as CSV',
    description:
      'JSON: keyset pages of `limit` rows; pass `nextCursor` back as `cursor` to walk every matching row exactly once, ' +
      'even while new events are recorded. CSV (`format=csv` or `Accept: text/csv`): every matching row, streamed; ' +
      `columns ${AUDIT_CSV_COLUMNS.join(',')}; UTF-8 with BOM; RFC 4180 quoting; a cell starting with =, +, -, @, ` +
      "tab or carriage return is prefixed with ' so spreadsheets do not run it. Bad filters are 400 VALIDATION_FAILED naming the field.",
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: AuditEventPageDto })
  async list(@Query() query: ListAuditEventsQueryDto, @Headers('accept') accept?: string): Promise<AuditEventPage | StreamableFile> {
    const filter = filterOf(query);
    if (wantsCsv(query.format, accept)) {
      const stream = await this.queries.execute(new ExportAuditEventsQuery(filter));
      return new StreamableFile(stream, {
        type: 'text/csv; charset=utf-8',
        disposition: `attachment; filename="${csvFileName(this.clock.now())}"`,
      }).setErrorLogger((error) => this.logger.error(`CSV export cut short: ${error.message}`));
    }
    const beforeSeq = query.cursor === undefined ? null : decodeAuditCursor(query.cursor);
    return this.queries.execute(new ListAuditEventsQuery(filter, query.limit ?? DEFAULT_PAGE_SIZE, beforeSeq));
  }
}
