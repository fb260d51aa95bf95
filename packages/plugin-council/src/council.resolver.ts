import {
  type GongzhiContext,
  loadById,
  loadByForeignKey,
  loadPlace,
  Organization,
  pageSize,
  Person,
  Place,
  refId,
  requirePlace,
} from '@gongzhi/core';
import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CouncilKind, SeatType } from './council-enums.js';
import { Council, CouncilMember } from './council.entity.js';
import { CreateCouncilInput } from './council.inputs.js';
import { CouncilService } from './council.service.js';
import { CouncilMeeting } from './meeting.entity.js';

@Resolver(() => Council)
export class CouncilResolver {
  @Query(() => [Council], { description: 'Councils of communities under a place (or all), optionally of one kind; by name.' })
  async councils(
    @Arg('under', () => ID, { nullable: true }) under: string | null | undefined,
    @Arg('kind', () => CouncilKind, { nullable: true }) kind: CouncilKind | null | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<Council[]> {
    const where: FilterQuery<Council> = {};
    if (kind) where.kind = kind;
    if (under) {
      const root = await requirePlace(ctx, under, 'under');
      where.community = { path: { $like: `${root.path}%` } };
    }
    return ctx.em.find(Council, where, { orderBy: { name: 'asc', uuid: 'asc' }, limit: pageSize(first, 50) });
  }

  @Mutation(() => Council, { description: 'Sets up a council for a community: its kind, voting rule, counting and quorum.' })
  createCouncil(@Arg('input', () => CreateCouncilInput) input: CreateCouncilInput, @Ctx() ctx: GongzhiContext): Promise<Council> {
    return new CouncilService(ctx).createCouncil(input);
  }

  @Mutation(() => CouncilMember, { description: 'Gives a person or an organisation (exactly one) a seat on a council.' })
  addCouncilMember(
    @Arg('councilId', () => ID) councilId: string,
    @Arg('seatType', () => SeatType) seatType: SeatType,
    @Arg('personId', () => ID, { nullable: true }) personId: string | null | undefined,
    @Arg('organizationId', () => ID, { nullable: true }) organizationId: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CouncilMember> {
    return new CouncilService(ctx).addMember(councilId, seatType, personId, organizationId);
  }

  @FieldResolver(() => Place, { description: 'The community the council serves.' })
  async community(@Root() council: Council, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadPlace(ctx, refId(council.community)!))!;
  }

  @FieldResolver(() => [CouncilMember], { description: 'Seats, in the order they were given.' })
  members(@Root() council: Council, @Ctx() ctx: GongzhiContext): Promise<CouncilMember[]> {
    return loadByForeignKey(ctx, CouncilMember, 'council', council.uuid, { createdAt: 'asc' });
  }

  @FieldResolver(() => [CouncilMeeting], { description: 'Meetings, latest first.' })
  meetings(@Root() council: Council, @Ctx() ctx: GongzhiContext): Promise<CouncilMeeting[]> {
    return loadByForeignKey(ctx, CouncilMeeting, 'council', council.uuid, { scheduledAt: 'desc' });
  }
}

@Resolver(() => CouncilMember)
export class CouncilMemberResolver {
  @FieldResolver(() => Council)
  async council(@Root() member: CouncilMember, @Ctx() ctx: GongzhiContext): Promise<Council> {
    return (await loadById(ctx, Council, refId(member.council)!))!;
  }

  @FieldResolver(() => Person, { nullable: true, description: 'The person holding the seat (or null for an organisation seat).' })
  person(@Root() member: CouncilMember, @Ctx() ctx: GongzhiContext): Promise<Person | null> | null {
    const id = refId(member.person);
    return id ? loadById(ctx, Person, id) : null;
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The organisation holding the seat; any of its members votes for it.' })
  organization(@Root() member: CouncilMember, @Ctx() ctx: GongzhiContext): Promise<Organization | null> | null {
    const id = refId(member.organization);
    return id ? loadById(ctx, Organization, id) : null;
  }

  @FieldResolver(() => String, { description: "The holder's name, person or organisation." })
  async name(@Root() member: CouncilMember, @Ctx() ctx: GongzhiContext): Promise<string> {
    const person = await this.person(member, ctx);
    return person?.name ?? (await this.organization(member, ctx))?.name ?? '';
  }
}
