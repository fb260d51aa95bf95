import {
  type GongzhiContext,
  ConnectionArgs,
  type ConnectionOrder,
  type ConnectionPage,
  connectionType,
  hasMany,
  loadPageByForeignKey,
  payloadType,
  perform,
  Person,
  Place,
  type Ref,
  RefArg,
  RefField,
  RequestKind,
  RequestPriority,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, Float, InputType, Int, Mutation, ObjectType, Query, Resolver, Root, FieldResolver } from 'type-graphql';
import { today } from '../options.js';
import { registerReporter, reportAsLittleBee } from './reporter.commands.js';
import { GridReport, GridReporter, GridReporterKind } from './reporter.entity.js';
import { areaCounts, BY_REGISTRATION, reportCountOf, reportersUnder } from './reporter.queries.js';

const GridReporterConnection = connectionType(GridReporter);
const GridReportConnection = connectionType(GridReport);
const NEWEST_FIRST: ConnectionOrder<GridReport> = { keys: ['createdAt', 'uuid'], direction: 'desc' };

export const GridReporterPayload = payloadType('GridReporterPayload', 'reporter', () => GridReporter);
export const GridReportPayload = payloadType('GridReportPayload', 'report', () => GridReport);

@InputType({ description: 'A little bee (小蜜蜂) to register: who, for which area, what they do.' })
export class RegisterLittleBeeInput {
  @RefField(() => Person)
  personId!: Ref<Person>;

  @RefField(() => Place, { description: 'The area they report on: a subdistrict (街道) or a community (社区).' })
  areaId!: Ref<Place>;

  @Field(() => GridReporterKind)
  kind!: GridReporterKind;

  @Field(() => String, { nullable: true, description: 'Who they work for (e.g. 顺丰速运, 美团外卖, 环卫所).' })
  employer?: string | null;

  @Field(() => String, { nullable: true, description: 'First day, YYYY-MM-DD; today when omitted.' })
  startsOn?: string | null;
}

@InputType({ description: 'What a little bee saw, where, and where they stood.' })
export class ReportAsLittleBeeInput {
  @RefField(() => Place, { description: 'The place the report is about, anywhere in an area the bee is registered for.' })
  placeId!: Ref<Place>;

  @Field(() => RequestKind, { defaultValue: RequestKind.COMPLAINT })
  kind!: RequestKind;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. 纠纷, 环境卫生, 居民需求, 安全隐患.' })
  category?: string | null;

  @Field(() => RequestPriority, { nullable: true })
  priority?: RequestPriority | null;

  @Field(() => Float, { description: 'Where the bee stood: WGS-84 latitude.' })
  latitude!: number;

  @Field(() => Float, { description: 'WGS-84 longitude.' })
  longitude!: number;

  @Field(() => String, { nullable: true, description: 'Where, in words (e.g. 北门外垃圾桶旁).' })
  locationNote?: string | null;
}

@ObjectType({ description: 'Little bees (小蜜蜂) of an area and their reports, counted.' })
export class GridReporterSummary {
  @Field(() => Place)
  area!: Place;

  @Field(() => Int, { description: 'Little bees ever registered for the area or a place below it.' })
  reporterCount!: number;

  @Field(() => Int, { description: 'Of them, registered today.' })
  activeReporterCount!: number;

  @Field(() => Int, { description: 'Reports about places in the area.' })
  reportCount!: number;

  @Field(() => Int, { description: 'Of them, reported in the last 30 days.' })
  recentReportCount!: number;
}

/** Little bees: registration, reports, and their counts. */
@Resolver(() => GridReporter)
export class GridReporterResolver {
  @Mutation(() => GridReporterPayload, {
    description:
      "Registers a courier, rider or street cleaner as a little bee (小蜜蜂) for a subdistrict or community (needs people.manage there); gives them core's role courier_reporter at the area, so they may report anywhere in it.",
  })
  registerLittleBee(@Arg('input', () => RegisterLittleBeeInput) input: RegisterLittleBeeInput, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, GridReporterPayload, registerReporter, {
      person: input.personId,
      area: input.areaId,
      kind: input.kind,
      employer: input.employer ?? null,
      startsOn: input.startsOn ?? null,
    });
  }

  @Mutation(() => GridReportPayload, {
    description:
      'The signed-in little bee reports what they see at a place of their area, with where they stood: the report opens a request there (channel MOBILE_REPORT, the bee its requester), routed to the covering grid. NOT_A_REPORTER, OUTSIDE_AREA otherwise.',
  })
  reportAsLittleBee(@Arg('input', () => ReportAsLittleBeeInput) input: ReportAsLittleBeeInput, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, GridReportPayload, reportAsLittleBee, {
      place: input.placeId,
      kind: input.kind,
      title: input.title,
      description: input.description ?? null,
      category: input.category ?? null,
      priority: input.priority ?? null,
      latitude: input.latitude,
      longitude: input.longitude,
      locationNote: input.locationNote ?? null,
    });
  }

  @Query(() => GridReporterConnection, {
    description: 'Little bees registered for an area or a place below it, in registration order, a page at a time.',
  })
  async littleBees(
    @RefArg('areaId', () => Place) areaId: Ref<Place>,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<GridReporter>> {
    return reportersUnder(ctx, (await requireRef(ctx, areaId)).path, page);
  }

  @Query(() => GridReporterSummary, {
    nullable: true,
    description: 'Little bees of an area and their reports, counted; null when the caller sees nothing inside the area.',
  })
  async littleBeeSummary(
    @RefArg('areaId', () => Place) areaId: Ref<Place>,
    @Ctx() ctx: GongzhiContext,
  ): Promise<GridReporterSummary | null> {
    const area = await requireRef(ctx, areaId);
    if (!(await ctx.access()).sees(area.path)) return null;
    const counts = await areaCounts(ctx, area.path, today(ctx), new Date(ctx.now().getTime() - 30 * 86_400_000));
    return Object.assign(new GridReporterSummary(), {
      area,
      reporterCount: counts.reporters,
      activeReporterCount: counts.activeReporters,
      reportCount: counts.reports,
      recentReportCount: counts.recentReports,
    });
  }

  @FieldResolver(() => GridReportConnection, {
    description: 'Their reports, newest first, a page at a time: follow each request from here.',
  })
  reports(
    @Root() reporter: GridReporter,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<GridReport>> {
    return loadPageByForeignKey(ctx, GridReport, 'reporter', reporter.uuid, NEWEST_FIRST, page, {
      connection: 'GridReporter.reports',
      defaultSize: 50,
    });
  }

  @FieldResolver(() => Int, { description: 'How many reports they made.' })
  reportCount(@Root() reporter: GridReporter, @Ctx() ctx: GongzhiContext): Promise<number> {
    return reportCountOf(ctx, reporter.uuid);
  }
}

/** Adds `Person.littleBees`: a person's registrations as a little bee. */
export const PersonLittleBeesResolver = hasMany(
  () => Person,
  'littleBees',
  () => GridReporter,
  'person',
  {
    order: BY_REGISTRATION,
    description: "The person's registrations as a little bee (小蜜蜂), by registration, a page at a time (plugin grid).",
  },
);
