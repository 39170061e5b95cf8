import { Migration } from '@mikro-orm/migrations';

/**
 * A credentials version per user, bumped by every password change, and stamped on each session at sign-in.
 * "Logout Existing Sessions" revokes the sessions signed in with an older version: unlike a time cut-off,
 * this also catches a sign-in that checked the old password just before the reset committed.
 */
export class Migration20261203000006CredentialsVersion extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table app_user add column credentials_version int not null default 0');
    this.addSql('alter table password_reset add column credentials_version int not null default 0');
    this.addSql('alter table session add column credentials_version int not null default 0');
  }

  override async down(): Promise<void> {
    this.addSql('alter table session drop column credentials_version');
    this.addSql('alter table password_reset drop column credentials_version');
    this.addSql('alter table app_user drop column credentials_version');
  }
}
