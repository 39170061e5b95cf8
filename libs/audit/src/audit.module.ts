import { Module } from '@nestjs/common';
import { AuditRecorder } from './record-audit-event/audit-recorder';
import { RecordAuditEventHandler } from './record-audit-event/record-audit-event.handler';

/**
 * The audit trail: records audited domain events inside the transactions that raise them (other modules
 * do not know it exists).
 */
@Module({
  providers: [AuditRecorder, RecordAuditEventHandler],
})
export class AuditModule {}
