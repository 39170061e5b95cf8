import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MailerModule } from '@nestjs-modules/mailer';
import type { AppConfig } from '@app/core';
import { mailerOptions } from './email/mailer.options';
import { PasswordResetEmailQueue } from './domain/password-reset-email.queue';
import { SendPasswordResetEmailSaga } from './send-password-reset-email/send-password-reset-email.saga';
import { SendPasswordResetEmailHandler } from './send-password-reset-email/send-password-reset-email.handler';
import { DeliverPasswordResetEmailWorker } from './deliver-password-reset-email/deliver-password-reset-email.worker';
import { GetPasswordResetEmailDeliveryHandler } from './get-password-reset-email-delivery/get-password-reset-email-delivery.handler';

/** Reset emails: templates (en, ar), the saga that asks for them, their durable delivery and its status. */
@Module({
  imports: [
    MailerModule.forRootAsync({
      imports: [],
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        mailerOptions({ smtpUrl: config.get('smtpUrl', { infer: true }), mailFrom: config.get('mailFrom', { infer: true }) }),
    }),
  ],
  providers: [
    PasswordResetEmailQueue,
    SendPasswordResetEmailSaga,
    SendPasswordResetEmailHandler,
    DeliverPasswordResetEmailWorker,
    GetPasswordResetEmailDeliveryHandler,
  ],
})
export class NotificationsModule {}
