import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { Migration20261203000001CoreOutbox } from './Migration20261203000001CoreOutbox';
import { Migration20261203000002Users } from './Migration20261203000002Users';
import { Migration20261203000005Sessions } from './Migration20261203000005Sessions';
import { Migration20261203000006CredentialsVersion } from './Migration20261203000006CredentialsVersion';
import { Migration20261203000007UserSearchFastupdate } from './Migration20261203000007UserSearchFastupdate';
import { Migration20261203000003Notifications } from './Migration20261203000003Notifications';
import { Migration20261203000004Audit } from './Migration20261203000004Audit';

/** Every migration, in order. Listed explicitly so the same list runs from TypeScript (tests) and from dist. */
export const MIGRATIONS: Constructor<Migration>[] = [
  Migration20261203000001CoreOutbox,
  Migration20261203000002Users,
  Migration20261203000005Sessions,
  Migration20261203000003Notifications,
  Migration20261203000004Audit,
  Migration20261203000006CredentialsVersion,
  Migration20261203000007UserSearchFastupdate,
];
