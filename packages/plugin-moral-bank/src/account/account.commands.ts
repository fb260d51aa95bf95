import { randomUUID } from 'node:crypto';
import {
  defineCommand,
  type EntityClass,
  graphQLTypeName,
  type Named,
  organizationIdsOfPerson,
  type Person,
  Place,
  refId,
  type UnitOfWork,
} from '@gongzhi/core';
import { AccountHolderKind, MoralBankAccount } from './account.entity.js';
import { requireCommunity } from '../place-types.js';
import { t } from '../db.js';
import { bankMessages, bankPhrases } from '../messages.js';
import { MoralBankPermission } from '../permissions.js';

/** Who may hold an account, as the holder is opened: its GraphQL type (teams are the volunteer plugin's). */
const HOLDER_TYPES: Partial<Record<AccountHolderKind, string>> = {
  [AccountHolderKind.PERSON]: 'Person',
  [AccountHolderKind.TEAM]: 'VolunteerTeam',
  [AccountHolderKind.ORGANIZATION]: 'Organization',
};

/** A holder as the bank sees it: a person, a volunteer team or an organisation, each with a name. */
export interface Holder {
  uuid: string;
  name: string;
}

type NewHolder =
  | { kind: AccountHolderKind.PERSON | AccountHolderKind.ORGANIZATION; id: string; name: string }
  | { kind: AccountHolderKind.TEAM; id: string; name: string; keeperId: string }
  | { kind: AccountHolderKind.BANK; name: string };

/**
 * The id of the account of `holder` in `communityId`'s bank, opened if missing. Safe under
 * concurrency: two callers opening the same account get the same row.
 */
export async function ensureAccount(
  em: UnitOfWork['em'],
  communityId: string,
  holder: NewHolder,
): Promise<{ id: string; created: boolean }> {
  const column = { person: 'person_id', organization: 'organization_id', team: 'team_id', bank: null }[holder.kind];
  const target = column ? `(community_id, ${column}) WHERE ${column} IS NOT NULL` : `(community_id) WHERE holder_kind = 'bank'`;
  const id = randomUUID();
  const inserted = await em.execute<{ id: string }[]>(
    `INSERT INTO ${t('account')} (id, community_id, holder_kind, person_id, organization_id, team_id, keeper_id, name, min_balance)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ${target} DO NOTHING RETURNING id`,
    [
      id,
      communityId,
      holder.kind,
      holder.kind === AccountHolderKind.PERSON ? holder.id : null,
      holder.kind === AccountHolderKind.ORGANIZATION ? holder.id : null,
      holder.kind === AccountHolderKind.TEAM ? holder.id : null,
      holder.kind === AccountHolderKind.TEAM ? holder.keeperId : null,
      holder.name,
      holder.kind === AccountHolderKind.BANK ? null : 0,
    ],
  );
  if (inserted.length) return { id, created: true };
  const [existing] = await em.execute<{ id: string }[]>(
    column
      ? `SELECT id FROM ${t('account')} WHERE community_id = ? AND ${column} = ?`
      : `SELECT id FROM ${t('account')} WHERE community_id = ? AND holder_kind = 'bank'`,
    column ? [communityId, (holder as { id: string }).id] : [communityId],
  );
  if (!existing) throw new Error(`the existing ${holder.kind} account of bank ${communityId} is missing`);
  return { id: existing.id, created: false };
}

/** The community bank's issuance account (发行账户), opened on first use. */
export async function bankAccountId(em: UnitOfWork['em'], communityId: string): Promise<string> {
  return (await ensureAccount(em, communityId, { kind: AccountHolderKind.BANK, name: '社区道德银行发行账户' })).id;
}

/** Refuses (NOT_ACCOUNT_HOLDER) unless `actor` may spend the account's minutes: its holder, a member, or the team's keeper. */
export async function assertMaySpend(uow: UnitOfWork, account: MoralBankAccount, actor: Person, field: string): Promise<void> {
  const holder = account.holderKind;
  // Through refId: a transfer's account is a plain row (its relations hold ids).
  if (holder === AccountHolderKind.PERSON && refId(account.person) === actor.uuid) return;
  if (holder === AccountHolderKind.TEAM && refId(account.keeper) === actor.uuid) return;
  const organizationId = refId(account.organization);
  if (holder === AccountHolderKind.ORGANIZATION && organizationId) {
    if ((await organizationIdsOfPerson(uow, actor.uuid)).includes(organizationId)) return;
  }
  const who =
    holder === AccountHolderKind.PERSON
      ? bankPhrases.onlyHolder
      : holder === AccountHolderKind.TEAM
        ? bankPhrases.onlyTeamKeeper
        : holder === AccountHolderKind.ORGANIZATION
          ? bankPhrases.onlyOrgMembers
          : bankPhrases.nobody;
  throw bankMessages.maySpendFromAccount.error({ actorName: actor.name, accountName: account.name, who }, field);
}

/** The checked name on statements: the one given, else the holder's own. */
function statementName(given: string | null | undefined, holder: Holder): string {
  const name = given?.trim() ?? holder.name;
  if (name.length < 1 || name.length > 100) throw bankMessages.nameCharacters.error('name');
  return name;
}

/**
 * Opens an account in a community's bank for a person, a volunteer team (kept by the person who
 * opens it) or an organisation (集团客户); opening an existing account returns it.
 */
export const openAccount = defineCommand<
  { community: Named<Place>; holderKind: AccountHolderKind; holder: Named<Holder>; name?: string | null },
  MoralBankAccount
>({
  name: 'moral-bank.openAccount',
  // A bank keeps the accounts of its own community: residents and staff of it (or of a place
  // above it), teams based in it, organisations registered in it (or above: a subdistrict office).
  // No widening: someone of the neighbouring community banks there, and gifts never cross banks.
  links: { holder: { to: 'community' } },
  async run(uow, { community, holderKind, holder, name }) {
    requireCommunity(community, 'communityId');
    const expected = HOLDER_TYPES[holderKind];
    if (!expected) {
      throw bankMessages.issuanceAccountOpensItself.error('holderKind');
    }
    const given = graphQLTypeName(holder.constructor as EntityClass);
    if (given !== expected) {
      throw bankMessages.accountNeedsHolderidId.error({ holderKind, expected, given }, 'holderId');
    }
    const label = statementName(name, holder);
    const opened =
      holderKind === AccountHolderKind.TEAM
        ? { kind: holderKind, id: holder.uuid, name: label, keeperId: (await uow.actingPerson()).uuid }
        : { kind: holderKind as AccountHolderKind.PERSON | AccountHolderKind.ORGANIZATION, id: holder.uuid, name: label };
    const { id } = await ensureAccount(uow.em, community.uuid, opened);
    return uow.em.findOneOrFail(MoralBankAccount, { uuid: id });
  },
});

/** Opts an account in to (or out of) the public top-contributor list; only its holder (a person, or a team's keeper) decides. */
export const setRankingOptIn = defineCommand<{ account: Named<MoralBankAccount>; optIn: boolean }, MoralBankAccount>({
  name: 'moral-bank.setRankingOptIn',
  async run(uow, { account, optIn }) {
    const actor = await uow.actingPerson();
    const mayDecide =
      (account.holderKind === AccountHolderKind.PERSON && account.person?.uuid === actor.uuid) ||
      (account.holderKind === AccountHolderKind.TEAM && account.keeper?.uuid === actor.uuid);
    if (!mayDecide) {
      throw bankMessages.onlyHolderPersonTeam.error({ accountName: account.name }, 'accountId');
    }
    account.inRankings = optIn;
    await uow.em.flush();
    return account;
  },
});

/**
 * Names the keeper of a team account: who may spend its minutes (community staff holding
 * `moral-bank.manage` at its community). A team whose keeper left, or whose keeper's personal
 * data was erased, can spend its minutes again. The keeper must be of the account's community.
 */
export const setKeeper = defineCommand<{ account: Named<MoralBankAccount>; keeper: Named<Person> }, MoralBankAccount>({
  name: 'moral-bank.setKeeper',
  lock: ['account'],
  links: { keeper: { to: 'account' } },
  async run(uow, { account, keeper }) {
    const community = await uow.em.findOneOrFail(Place, { uuid: refId(account.community)! });
    uow.actor.authorize(MoralBankPermission.MANAGE, community.path);
    if (account.holderKind !== AccountHolderKind.TEAM)
      throw bankMessages.keeperOfTeamAccounts.error({ accountName: account.name }, 'accountId');
    account.keeper = keeper;
    await uow.em.flush();
    return account;
  },
});
