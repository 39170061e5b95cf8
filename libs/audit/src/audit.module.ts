import { Module } from '@nestjs/common';
import { AuditDatabase } from './infrastructure/audit-database';
import { AuditRecorder } from './record-audit-event/audit-recorder';
import { RecordAuditEventHandler } from './record-audit-event/record-audit-event.handler';
import { ListAuditEventsController } from './list-audit-events/list-audit-events.controller';
import { ListAuditEventsHandler } from './list-audit-events/list-audit-events.handler';
import { ExportAuditEventsHandler } from './export-audit-events/export-audit-events.handler';
import { VerifyAuditChainController } from './verify-audit-chain/verify-audit-chain.controller';
import { VerifyAuditChainHandler } from './verify-audit-chain/verify-audit-chain.handler';
import { AuditSummaryController } from './audit-summary/audit-summary.controller';
import { GetAuditSummaryHandler } from './audit-summary/audit-summary.handler';

/**
 * The audit trail: records audited domain events inside the transactions that raise them (other modules
 * do not know it exists) and serves the auditors' reports.
 */
@Module({
  controllers: [ListAuditEventsController, VerifyAuditChainController, AuditSummaryController],
  providers: [
    AuditDatabase,
    AuditRecorder,
    RecordAuditEventHandler,
    ListAuditEventsHandler,
    ExportAuditEventsHandler,
    VerifyAuditChainHandler,
    GetAuditSummaryHandler,
  ],
})
export class AuditModule {}
