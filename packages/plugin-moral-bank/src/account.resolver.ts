import { type GongzhiContext, loadByForeignKey, Place, PlaceType, requirePlace } from '@gongzhi/core';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { AccountHolderKind, MoralBankAccount } from './account.entity.js';

@Resolver(() => MoralBankAccount)
export class MoralBankAccountResolver {
  @Mutation(() => MoralBankAccount, { description: "Opens an account in a community's moral bank." })
  async openMoralBankAccount(
    @Arg('communityId', () => ID) communityId: string,
    @Arg('holderKind', () => AccountHolderKind) holderKind: AccountHolderKind,
    @Arg('holderId', () => ID) holderId: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<MoralBankAccount> {
    const community = await requirePlace(ctx.em, communityId, 'communityId', [PlaceType.COMMUNITY]);
    const account = ctx.em.create(MoralBankAccount, { holderKind, holderId, name: name.trim(), community });
    await ctx.em.flush();
    return account;
  }
}

/** Adds `Place.moralBankAccounts` to core's Place type. */
@Resolver(() => Place)
export class PlaceMoralBankResolver {
  @FieldResolver(() => [MoralBankAccount], { description: "Accounts of this community's moral bank (plugin moral-bank)." })
  moralBankAccounts(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<MoralBankAccount[]> {
    return loadByForeignKey(ctx, MoralBankAccount, 'community', place.uuid, { name: 'asc' });
  }
}
