import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
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

@ObjectType({ description: 'An event the platform emits: what webhooks (eventTypes) and plugin listeners name.' })
export class EventTypeInfo {
  @Field(() => String, { description: 'The event name, e.g. request.created.' })
  name!: string;

  @Field(() => String, { description: 'When it is emitted and what it means.' })
  description!: string;

  @Field(() => String, { description: 'Who emits it: core, or a plugin id.' })
  owner!: string;
}

@Resolver()
export class PlatformResolver {
  @Query(() => String, { description: 'The version of @gongzhi/core this server runs.' })
  coreVersion(@Ctx() ctx: GongzhiContext): string {
    return ctx.platform.coreVersion;
  }

  @BoundedList('the plugins the server loaded')
  @Query(() => [PluginInfo], { description: 'The plugins this server runs, in load order.' })
  plugins(@Ctx() ctx: GongzhiContext): PluginInfo[] {
    return ctx.platform.plugins.map((p) => Object.assign(new PluginInfo(), p));
  }

  @BoundedList("the events core and the server's plugins declare")
  @Query(() => [EventTypeInfo], {
    description:
      'Every event core and the plugins declare, by name: what a webhook may subscribe to (each delivery carries the event and its payload; docs/webhooks.md).',
  })
  eventTypes(@Ctx() ctx: GongzhiContext): EventTypeInfo[] {
    return ctx.events.eventTypes.list().map((e) => Object.assign(new EventTypeInfo(), e));
  }
}
