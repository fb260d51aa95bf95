import { definePlugin, packageVersion, peerRange, PersonRoleKind } from '@gongzhi/core';
import { accountsExport, statementExport } from './account/account.export.js';
import { bookingsExport } from './booking/booking.export.js';
import { AccountHolderKind, MoralBankAccount } from './account/account.entity.js';
import {
  MoralBankAccountBookingsResolver,
  MoralBankAccountResolver,
  MoralBankStatementLine,
  OrganizationMoralBankResolver,
  PersonMoralBankResolver,
  PlaceMoralBankResolver,
} from './account/account.resolver.js';
import { BookingStatus, MoralBankBooking } from './booking/booking.entity.js';
import { MoralBankBookingResolver } from './booking/booking.resolver.js';
import { DB_SCHEMA } from './db.js';
import { accounts } from './migrations/0001_accounts.js';
import { connectionIndexes } from './migrations/0002_connection_indexes.js';
import { balanceCheckGenericPlan } from './migrations/0003_balance_check_generic_plan.js';
import { balanceCheckByKey } from './migrations/0004_balance_check_by_key.js';
import { venueClosures } from './migrations/0005_venue_closures.js';
import { allocateDueRequests, priorityAllocationTask } from './booking/allocation.task.js';
import { DEFAULT_OPTIONS, type MoralBankOptions, type MoralBankService, validateOptions } from './options.js';
import { MoralBankPermission } from './permissions.js';
import { moralBankPersonalData } from './personal-data.js';
import { moralBankPlaceRules } from './place-rules.js';
import { MoralBankRateResolver } from './rate/rate.resolver.js';
import { MoralBankLedgerCheckResolver, MoralBankReportResolver } from './report/report.resolver.js';
import { seedMoralBank } from './seed.js';
import { subscribeEarnings } from './transaction/earning.handler.js';
import { MoralBankEntry, MoralBankTransaction, TransactionKind } from './transaction/transaction.entity.js';
import { MoralBankEntryResolver, MoralBankTransactionResolver } from './transaction/transaction.resolver.js';
import { MoralBankVenueClosure } from './venue/venue-closure.entity.js';
import { MoralBankVenuePolicy } from './venue/venue.entity.js';
import { MoralBankVenuePolicyResolver, PlaceMoralBankVenueResolver } from './venue/venue.resolver.js';
import { bankMessages } from './messages.js';
import { moralBankEvents } from './event-catalog.js';

export type * from './transaction/transaction.events.js';
export type * from './booking/booking.events.js';
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
  coreRange: peerRange(import.meta.url, '@gongzhi/core'),
  events: moralBankEvents,
  // Earnings follow the volunteer plugin's `volunteer.service-verified`, typed by its published
  // contract (@gongzhi/plugin-volunteer/events); the peer range in package.json names the versions whose contract it was written against.
  dependsOn: { volunteer: peerRange(import.meta.url, '@gongzhi/plugin-volunteer') },
  entities: [MoralBankAccount, MoralBankTransaction, MoralBankVenuePolicy, MoralBankVenueClosure, MoralBankBooking],
  // What an erasure of a person's personal data does to these rows (the ledger stays whole).
  personalData: moralBankPersonalData,
  placeRules: moralBankPlaceRules,
  permissions: {
    [MoralBankPermission.MANAGE]: {
      description: "Set a community's rate, configure venues, reverse transactions and allocate priority requests.",
      roles: [PersonRoleKind.SOCIAL_WORKER],
    },
  },
  // The ledger's and the bookings' rules live in the database (they hold under concurrency); what they mean to clients:
  messages: bankMessages,
  constraintErrors: {
    booking_no_overlap: { message: bankMessages.constraintBookingNoOverlap, field: 'input.startsAt' },
    account_balance_floor: { message: bankMessages.constraintAccountBalanceFloor },
    ledger_transaction_reverses_uq: { message: bankMessages.constraintLedgerTransactionReversesUq, field: 'transactionId' },
  },
  migrations: [accounts, connectionIndexes, balanceCheckGenericPlan, balanceCheckByKey, venueClosures],
  resolvers: [
    MoralBankAccountResolver,
    MoralBankAccountBookingsResolver,
    PersonMoralBankResolver,
    OrganizationMoralBankResolver,
    PlaceMoralBankResolver,
    MoralBankRateResolver,
    MoralBankTransactionResolver,
    MoralBankEntryResolver,
    MoralBankVenuePolicyResolver,
    PlaceMoralBankVenueResolver,
    MoralBankBookingResolver,
    MoralBankReportResolver,
    MoralBankLedgerCheckResolver,
  ],
  orphanedTypes: [MoralBankStatementLine],
  // Months of the report and venues' days are counted in the district's time zone unless the bank is given its own.
  options: { defaults: (host) => ({ ...DEFAULT_OPTIONS, timeZone: host.timeZone }), validate: validateOptions },
  services: (ctx): MoralBankService => ({
    options: ctx.options,
    allocateDuePriorityRequests: () => allocateDueRequests(ctx),
  }),
  scheduledTasks: [priorityAllocationTask],
  spreadsheetExports: [accountsExport, statementExport, bookingsExport],
  // Subscribed at register, where the host checks that listeners depend on the emitter; the
  // subscription lives as long as the platform's event bus.
  register: (ctx) => subscribeEarnings(ctx.events, ctx.logger),
  seed: (ctx) => seedMoralBank(ctx.em(), ctx.now, ctx.options),
});

export default plugin;
