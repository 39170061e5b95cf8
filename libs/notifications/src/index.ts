export * from './notifications.module';
export * from './domain/notifications.events';
export * from './send-password-reset-email/send-password-reset-email.command';
