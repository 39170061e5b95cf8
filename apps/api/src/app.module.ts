import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig, Clock, CoreModule } from '@app/core';
import { UsersModule } from '@app/users';
import { AuthModule } from '@app/auth';
import { SessionsModule } from '@app/sessions';
import { AuditModule } from '@app/audit';
import { NotificationsModule } from '@app/notifications';
import { MIGRATIONS } from '../../../migrations';
import { HealthController } from './health/health.controller';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logLevel = 'info', clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ config, migrations: MIGRATIONS, logLevel, clock }),
        CqrsModule.forRoot(),
        UsersModule,
        SessionsModule,
        AuthModule,
        AuditModule,
        NotificationsModule,
      ],
      controllers: [HealthController],
    };
  }
}
