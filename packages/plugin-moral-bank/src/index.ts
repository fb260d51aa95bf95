import { definePlugin, packageVersion, refId } from '@gongzhi/core';
import { AccountHolderKind, MoralBankAccount } from './account.entity.js';
import { MoralBankAccountResolver, PlaceMoralBankResolver } from './account.resolver.js';
import { accounts } from './migrations/0001_accounts.js';

export { AccountHolderKind, MoralBankAccount };

/** The moral bank (道德银行): a time bank paying service hours in venue time. */
export const plugin = definePlugin({
  id: 'moral-bank',
  version: packageVersion(import.meta.url),
  coreRange: '^0.1.0',
  entities: [MoralBankAccount],
  placeRules: [{ entity: MoralBankAccount, place: (row: MoralBankAccount) => refId(row.community) }],
  migrations: [accounts],
  resolvers: [MoralBankAccountResolver, PlaceMoralBankResolver],
});

export default plugin;
