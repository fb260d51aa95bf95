import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { currentLocale } from '../i18n/catalog.js';
import type { GongzhiContext } from '../context.js';
import { BoundedList } from './bounded-list.js';

@ObjectType({ description: 'A plugin this server runs.' })
export class PluginInfo {
  @Field(() => String, { description: 'Kebab-case plugin id.' })
  id!: string;

  @Field(() => String, { description: "The plugin's own version." })
  version!: string;

  @Field(() => String, { description: 'Range of @gongzhi/core versions the plugin supports.' })
  coreRange!: string;

  @Field(() => GraphQLJSONObject, { description: 'Plugins this one needs: id → version range.' })
  dependsOn!: Record<string, string>;
}

@ObjectType({ description: "A field of an event's payload (a webhook delivery's data)." })
export class EventPayloadFieldInfo {
  @Field(() => String, { description: 'The field name, e.g. requestId.' })
  name!: string;

  @Field(() => String, { description: 'What it holds.' })
  description!: string;

  @Field(() => Boolean, {
    description: 'True when it holds the global id of an object (or a list of them), which node(id:) and id arguments take.',
  })
  globalId!: boolean;
}

@ObjectType({ description: 'An event the platform emits: what webhooks (eventTypes) and plugin listeners name.' })
export class EventTypeInfo {
  @Field(() => String, { description: 'The event name, e.g. request.created.' })
  name!: string;

  @Field(() => String, { description: 'When it is emitted and what it means.' })
  description!: string;

  @Field(() => String, { description: 'Who emits it: core, or a plugin id.' })
  owner!: string;

  @BoundedList("an event's payload fields, fixed by its emitter")
  @Field(() => [EventPayloadFieldInfo], {
    description:
      "The fields of its payload (a webhook delivery's data, a listener's event.payload), in the order its emitter describes them.",
  })
  payload!: EventPayloadFieldInfo[];
}

@ObjectType({ description: 'A parameter of a spreadsheet download: ?name=value (a list by commas).' })
export class SpreadsheetExportParameter {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Its GraphQL type as the query takes it, e.g. ID!, DateTimeISO or [RequestStatus!].' })
  type!: string;

  @Field(() => Boolean, { description: 'True when the download is refused without it.' })
  required!: boolean;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

@ObjectType({ description: 'A list this server downloads as a spreadsheet (台账导出): GET its path with a credential.' })
export class SpreadsheetExportInfo {
  @Field(() => String, { description: 'Kebab-case, e.g. requests.' })
  name!: string;

  @Field(() => String, { description: 'What a row is.' })
  description!: string;

  @Field(() => String, { description: 'Where it is downloaded: /export/<name>.csv.' })
  path!: string;

  @BoundedList("the variables of an export's query, fixed by its declaration")
  @Field(() => [SpreadsheetExportParameter])
  parameters!: SpreadsheetExportParameter[];

  @BoundedList("the columns of an export's rows, fixed by its declaration")
  @Field(() => [String], { description: "The file's headings, in order, in the request's language." })
  columns!: string[];
}

@Resolver()
export class PlatformResolver {
  @Query(() => String, { description: 'The version of @gongzhi/core this server runs.' })
  coreVersion(@Ctx() ctx: GongzhiContext): string {
    return ctx.platform.coreVersion;
  }

  @Query(() => String, {
    description:
      'The district\'s time zone (IANA, e.g. Asia/Shanghai): the calendar in which dates without a time (role dates, due days, service days, visit days) are counted, and "today" ends at its midnight. A plugin given a timeZone option of its own counts in that one.',
  })
  timeZone(@Ctx() ctx: GongzhiContext): string {
    return ctx.platform.timeZone;
  }

  @BoundedList('the plugins the server loaded')
  @Query(() => [PluginInfo], { description: 'The plugins this server runs, in load order.' })
  plugins(@Ctx() ctx: GongzhiContext): PluginInfo[] {
    return ctx.platform.plugins.map((p) => Object.assign(new PluginInfo(), p));
  }

  @BoundedList("the exports core and the server's plugins declare")
  @Query(() => [SpreadsheetExportInfo], {
    description: 'The lists this server downloads as spreadsheets (/export/<name>.csv), with their parameters and columns.',
  })
  spreadsheetExports(@Ctx() ctx: GongzhiContext): SpreadsheetExportInfo[] {
    const locale = currentLocale();
    return ctx.platform.spreadsheetExports.map((e) =>
      Object.assign(new SpreadsheetExportInfo(), {
        name: e.name,
        description: e.description,
        path: `/export/${e.name}.csv`,
        parameters: e.parameters.map((p) =>
          Object.assign(new SpreadsheetExportParameter(), {
            name: p.name,
            type: String(p.type),
            required: p.required,
            description: p.description,
          }),
        ),
        columns: e.columnList.map((c) => c.heading[locale]),
      }),
    );
  }

  @BoundedList("the events core and the server's plugins declare")
  @Query(() => [EventTypeInfo], {
    description:
      'Every event core and the plugins declare, by name: what a webhook may subscribe to (each delivery carries the event and its payload; docs/webhooks.md).',
  })
  eventTypes(@Ctx() ctx: GongzhiContext): EventTypeInfo[] {
    return ctx.events.eventTypes
      .list()
      .map((e) =>
        Object.assign(new EventTypeInfo(), { ...e, payload: e.payload.map((f) => Object.assign(new EventPayloadFieldInfo(), f)) }),
      );
  }
}
