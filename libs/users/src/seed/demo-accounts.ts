import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EntityManager } from '@mikro-orm/postgresql';
import { createHmac } from 'node:crypto';
import { AppConfig, UnitOfWork } from '@app/core';
import { User } from '../domain/user.entity';
import { PasswordHasher } from '../domain/password-hasher';
import { IqamaVault } from '../domain/iqama-vault';
import type { Locale, UserType } from '../domain/user.types';

export interface DemoAccount {
  username: string;
  password: string;
  type: UserType;
  roles: string[];
}

interface Seed {
  username: string;
  displayName: string;
  type: UserType;
  roles?: string[];
  email?: string | null;
  locale?: Locale;
  iqama?: string;
  signsIn: boolean;
}

const DEMO: Seed[] = [
  { username: 'admin', displayName: 'Demo Admin', type: 'employee', roles: ['admin'], signsIn: true },
  { username: 'auditor', displayName: 'Demo Auditor', type: 'employee', roles: ['auditor'], signsIn: true },
  { username: 'fatima.k', displayName: 'Fatima K.', type: 'parent', email: 'fatima@example.org', iqama: '1000000008', signsIn: true },
  { username: 'omar.customer', displayName: 'Omar Al-Harbi', type: 'customer', email: 'omar@example.org', locale: 'ar', signsIn: true },
  { username: 'sara.supplier', displayName: 'Sara Supplies', type: 'supplier', email: 'sara@example.org', signsIn: true },
  { username: 'yusuf.employee', displayName: 'Yusuf Employee', type: 'employee', email: 'yusuf@example.org', signsIn: true },
  { username: 'lina.user', displayName: 'Lina User', type: 'user', email: 'lina@example.org', signsIn: true },
  { username: 'noemail.customer', displayName: 'No Email Customer', type: 'customer', email: null, signsIn: false },
  { username: 'bademail.parent', displayName: 'Bad Email Parent', type: 'parent', email: 'bad-email@localhost', iqama: '2000000006', signsIn: false },
];

/** The lock all instances take while seeding, so two starting together create each account once. */
const SEED_LOCK = 72_100_118;

/**
 * Start-up accounts: the bootstrap admin from ADMIN_* (when no admin exists) and, with SEED_DEMO, a demo
 * user of every type. Demo passwords are derived from APP_SECRET, so they stay the same across restarts
 * of one installation and differ between installations.
 */
@Injectable()
export class DemoAccounts implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoAccounts.name);
  private readonly config: AppConfig;
  private readonly accounts: DemoAccount[] = [];

  constructor(
    private readonly uow: UnitOfWork,
    private readonly hasher: PasswordHasher,
    private readonly iqama: IqamaVault,
    config: ConfigService<AppConfig, true>,
  ) {
    this.config = {
      admin: config.get('admin', { infer: true }),
      seedDemo: config.get('seedDemo', { infer: true }),
      appSecret: config.get('appSecret', { infer: true }),
    } as AppConfig;
  }

  list(): DemoAccount[] {
    return [...this.accounts];
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.uow.run(async ({ em }) => {
      await em.execute('select pg_advisory_xact_lock(?)', [SEED_LOCK]);
      if (this.config.admin) await this.bootstrapAdmin(em, this.config.admin);
      if (this.config.seedDemo) await this.seedDemo(em);
    });
  }

  private async bootstrapAdmin(em: EntityManager, admin: NonNullable<AppConfig['admin']>): Promise<void> {
    const [{ n }] = await em.execute<{ n: number }[]>(`select count(*)::int as n from app_user where 'admin' = any(roles)`);
    if (n > 0) return;
    const user = Object.assign(new User(), {
      username: admin.username,
      displayName: 'Administrator',
      email: admin.email ?? null,
      type: 'employee',
      roles: ['admin'],
      passwordHash: await this.hasher.hash(admin.password),
    });
    em.persist(user);
    this.logger.log(`Created the bootstrap admin ${admin.username}`);
  }

  private async seedDemo(em: EntityManager): Promise<void> {
    for (const seed of DEMO) {
      // The configured admin is the bootstrap admin, with ADMIN_PASSWORD: neither seeded nor listed with a demo password.
      if (seed.username === this.config.admin?.username) continue;
      const password = this.demoPassword(seed.username);
      if (seed.signsIn) this.accounts.push({ username: seed.username, password, type: seed.type, roles: seed.roles ?? [] });
      if (await em.count(User, { username: seed.username })) continue;
      const user = Object.assign(new User(), {
        username: seed.username,
        displayName: seed.displayName,
        email: seed.email === undefined ? `${seed.username}@example.org` : seed.email,
        type: seed.type,
        roles: seed.roles ?? [],
        locale: seed.locale ?? 'en',
        passwordHash: seed.signsIn ? await this.hasher.hash(password) : null,
      });
      if (seed.iqama) this.iqama.store(user, seed.iqama);
      em.persist(user);
    }
  }

  private demoPassword(username: string): string {
    const digest = createHmac('sha256', this.config.appSecret).update(`demo-password:${username}`).digest('base64url');
    return `Demo-${digest.slice(0, 10)}-${digest.slice(10, 14)}`;
  }
}
