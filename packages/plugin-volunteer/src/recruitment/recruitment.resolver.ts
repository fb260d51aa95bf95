import {
  ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  hasMany,
  pageOfRows,
  payloadType,
  perform,
  Place,
  type Ref,
  RefArg,
  RefField,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VolunteerTeam } from '../team/team.entity.js';
import { closeRecruitment, decideApplication, postRecruitment, signUpForRecruitment, withdrawApplication } from './recruitment.commands.js';
import { VolunteerApplication, VolunteerApplicationStatus, VolunteerRecruitment } from './recruitment.entity.js';
import { applicationsOf, callsFor } from './recruitment.queries.js';

export const VolunteerRecruitmentPayload = payloadType('VolunteerRecruitmentPayload', 'recruitment', () => VolunteerRecruitment);
export const VolunteerApplicationPayload = payloadType('VolunteerApplicationPayload', 'application', () => VolunteerApplication);

const VolunteerRecruitmentConnection = connectionType(VolunteerRecruitment);
const VolunteerApplicationConnection = connectionType(VolunteerApplication);
const SIGN_UP_ORDER: ConnectionOrder<VolunteerApplication> = { keys: ['seq', 'uuid'], direction: 'asc' };

@InputType({ description: "A team's call for volunteers." })
export class PostVolunteerRecruitmentInput {
  @RefField(() => VolunteerTeam)
  teamId!: Ref<VolunteerTeam>;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @RefField(() => Place, { description: "Where the volunteers are needed, within the team's community." })
  placeId!: Ref<Place>;

  @Field(() => Int, { description: 'How many volunteers are wanted (1–10000).' })
  wanted!: number;

  @Field(() => [String], { nullable: true })
  skills?: string[] | null;

  @Field(() => Date, { description: 'Sign-ups close at this time (in the future).' })
  openUntil!: Date;
}

@Resolver(() => VolunteerRecruitment)
export class VolunteerRecruitmentResolver {
  @Query(() => VolunteerRecruitmentConnection, {
    description:
      "Recruitment calls for the people of a place: posted at the place or at any place above it (a resident asks with her household: her building's, compound's and community's calls), closing soonest first, a page at a time. Open calls only unless includeClosed.",
  })
  async volunteerRecruitments(
    @RefArg('placeId', () => Place) placeId: Ref<Place>,
    @Arg('includeClosed', () => Boolean, { defaultValue: false }) includeClosed: boolean,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<VolunteerRecruitment>> {
    return callsFor(ctx, await requireRef(ctx, placeId), includeClosed ? null : ctx.now(), page);
  }

  @Mutation(() => VolunteerRecruitmentPayload, { description: "Posts a team's call for volunteers (leaders only)." })
  postVolunteerRecruitment(
    @Arg('input', () => PostVolunteerRecruitmentInput) input: PostVolunteerRecruitmentInput,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerRecruitmentPayload, postRecruitment, {
      team: input.teamId,
      place: input.placeId,
      title: input.title,
      description: input.description ?? null,
      wanted: input.wanted,
      skills: input.skills ?? null,
      openUntil: input.openUntil,
    });
  }

  @Mutation(() => VolunteerRecruitmentPayload, {
    description:
      'Closes a call now (leaders only): sign-ups end, and applications still pending or waitlisted are declined with the reason; accepted volunteers stay.',
  })
  closeVolunteerRecruitment(
    @RefArg('id', () => VolunteerRecruitment) call: Ref<VolunteerRecruitment>,
    @Arg('reason', () => String, { description: 'Told to those not taken, e.g. "人员已招满，感谢报名".' }) reason: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerRecruitmentPayload, closeRecruitment, { call, reason });
  }

  @Mutation(() => VolunteerApplicationPayload, {
    description: 'Signs the signed-in person up for a call: PENDING while seats remain, WAITLISTED when full.',
  })
  signUpForVolunteerRecruitment(
    @RefArg('recruitmentId', () => VolunteerRecruitment) call: Ref<VolunteerRecruitment>,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerApplicationPayload, signUpForRecruitment, { call });
  }

  @Mutation(() => VolunteerApplicationPayload, {
    description:
      'A leader accepts (the person joins the team) or declines (with a reason) a pending or waitlisted application. Accepting when the call is full fails with RECRUITMENT_FULL.',
  })
  decideVolunteerApplication(
    @RefArg('applicationId', () => VolunteerApplication) application: Ref<VolunteerApplication>,
    @Arg('accept', () => Boolean) accept: boolean,
    @Arg('reason', () => String, { nullable: true, description: 'Required when declining.' }) reason: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerApplicationPayload, decideApplication, { application, accept, reason });
  }

  @Mutation(() => VolunteerApplicationPayload, {
    description: 'The applicant withdraws; an accepted seat frees and the earliest waitlisted applicant becomes PENDING again.',
  })
  withdrawVolunteerApplication(
    @RefArg('applicationId', () => VolunteerApplication) application: Ref<VolunteerApplication>,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerApplicationPayload, withdrawApplication, { application });
  }

  // The waitlist is cut from the call's applications, read whole as before (one batched read).
  @FieldResolver(() => VolunteerApplicationConnection, { description: 'The waitlist, first in line first, a page at a time.' })
  async waitlist(
    @Root() call: VolunteerRecruitment,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<VolunteerApplication>> {
    const waiting = (await applicationsOf(ctx, call.uuid)).filter((a) => a.status === VolunteerApplicationStatus.WAITLISTED);
    return pageOfRows(waiting, SIGN_UP_ORDER, page, { connection: 'VolunteerRecruitment.waitlist', defaultSize: 50 });
  }
}

/** A call's applications. */
export const VolunteerRecruitmentApplicationsResolver = hasMany(
  () => VolunteerRecruitment,
  'applications',
  () => VolunteerApplication,
  'recruitment',
  { order: SIGN_UP_ORDER, description: 'Every application, in sign-up order, a page at a time.' },
);

/** Adds the recruitment calls to a team. */
export const VolunteerTeamRecruitmentsResolver = hasMany(
  () => VolunteerTeam,
  'recruitments',
  () => VolunteerRecruitment,
  'team',
  {
    order: { keys: ['createdAt', 'uuid'], direction: 'desc' },
    description: "The team's recruitment calls, newest first, a page at a time.",
  },
);
