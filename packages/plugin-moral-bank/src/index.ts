import { definePlugin, type EventBus, packageVersion, PersonRoleKind } from '@gongzhi/core';
import { MoralBankPermission } from './moral-bank.permissions.js';
import { moralBankPlaceRules } from './moral-bank.place-rules.js';
import { AccountHolderKind, MoralBankAccount } from './account.entity.js';
import {
  MoralBankAccountResolver,
  MoralBankStatementLine,
  OrganizationMoralBankResolver,
  PersonMoralBankResolver,
  PlaceMoralBankResolver,
} from './account.resolver.js';
import { DEFAULT_OPTIONS, type MoralBankOptions } from './bank.service.js';
import { subscribeEarnings } from './earning.handler.js';
import { accounts } from './migrations/0001_accounts.js';
import type { MoralBankService } from './moral-bank.service.js';
import { MoralBankReportResolver } from './report.resolver.js';
import { seedMoralBank } from './seed.js';
import { MoralBankEntry, MoralBankTransaction, TransactionKind } from './transaction.entity.js';
import { MoralBankEntryResolver, MoralBankTransactionResolver } from './transaction.resolver.js';
import { BookingStatus, MoralBankBooking, MoralBankVenuePolicy } from './venue.entity.js';
import { MoralBankBookingResolver, PlaceMoralBankVenueResolver } from './venue.resolver.js';
import { DB_SCHEMA } from './db.js';

export type * from './moral-bank.events.js';
export type { MoralBankOptions, MoralBankService };
export { MoralBankPermission };
export {
  AccountHolderKind,
  BookingStatus,
  MoralBankAccount,
  MoralBankBooking,
  MoralBankEntry,
  MoralBankTransaction,
  MoralBankVenuePolicy,
  TransactionKind,
};

/**
 * The moral bank (道德银行): a time bank paying verified volunteer service in venue time, with
 * an append-only double-entry ledger in whole minutes, venue booking and priority windows.
 */
export const plugin = definePlugin<MoralBankOptions>({
  id: 'moral-bank',
  version: packageVersion(import.meta.url),
  dbSchema: DB_SCHEMA,
  coreRange: '^0.2.0',
  entities: [MoralBankAccount, MoralBankTransaction, MoralBankVenuePolicy, MoralBankBooking],
  placeRules: moralBankPlaceRules,
  permissions: {
    [MoralBankPermission.MANAGE]: {
      description: "Set a community's rate, configure venues, reverse transactions and allocate priority requests.",
      roles: [PersonRoleKind.SOCIAL_WORKER],
    },
  },
  migrations: [accounts],
  resolvers: [
    MoralBankAccountResolver,
    PersonMoralBankResolver,
    OrganizationMoralBankResolver,
    PlaceMoralBankResolver,
    MoralBankTransactionResolver,
    MoralBankEntryResolver,
    MoralBankBookingResolver,
    PlaceMoralBankVenueResolver,
    MoralBankReportResolver,
  ],
  orphanedTypes: [MoralBankStatementLine],
  options: {
    defaults: DEFAULT_OPTIONS,
    validate: (o) => {
      const problems: string[] = [];
      if (!Number.isInteger(o.defaultRate) || o.defaultRate < 1 || o.defaultRate > 100)
        problems.push('defaultRate must be a whole number from 1 to 100 (5 means "5 for 1")');
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: o.timeZone });
      } catch {
        problems.push(`timeZone must be an IANA time zone such as "Asia/Shanghai", got "${o.timeZone}"`);
      }
      return problems;
    },
  },
  services: (ctx): MoralBankService => ({ options: ctx.options }),
  bootstrap: (ctx) => {
    subscriptions.set(ctx.events, subscribeEarnings(ctx.events, ctx.options, ctx.logger, ctx.now));
  },
  destroy: (ctx) => {
    subscriptions.get(ctx.events)?.();
    subscriptions.delete(ctx.events);
  },
  seed: (ctx) => seedMoralBank(ctx.em(), ctx.now, ctx.options),
});

/** The earnings subscription of each running platform (several may share a process, as in tests). */
const subscriptions = new WeakMap<EventBus, () => void>();

export default plugin;
