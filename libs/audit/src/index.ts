export * from './audit.module';
export * from './domain/audit-actions';
