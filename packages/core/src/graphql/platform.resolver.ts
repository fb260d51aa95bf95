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
}
