import { Arg, Ctx, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { loadRef, perform } from '../command/command.js';
import { payloadType } from '../command/payload.js';
import { type Ref, RefArg, RefField } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { Person } from '../person/person.entity.js';
import { Place } from '../place/place.entity.js';
import { Node } from '../relay/node.js';
import { Request } from '../request/request.entity.js';
import { SensitiveAccessLogEntry } from './access-log.entity.js';
import { issueApiKey, revokeApiKey } from './api-key.commands.js';
import { ApiKey } from './api-key.entity.js';
import { authorize } from './authorize.js';
import { Permission } from './permission.js';
import { pageSize } from '../relay/connection.js';
import { coreMessages } from '../i18n/core-messages.js';

@ObjectType({ description: 'Who is calling and what they may do.' })
export class Viewer {
  @Field(() => String, { description: 'anonymous, person, api-key or system' })
  kind!: string;

  @Field(() => Person, { nullable: true, description: 'The signed-in person.' })
  person?: Person | null;

  @Field(() => [Place], { description: 'The places whose subtrees the caller sees (empty: everywhere, for administrators).' })
  places!: Place[];

  @Field(() => [String], { description: 'Permissions held at one place or more (* is every permission).' })
  permissions!: string[];
}

@InputType()
class CreateApiKeyInput {
  @Field(() => String, { description: 'What the key is for, e.g. the app that uses it.' })
  name!: string;

  @RefField(() => [Place], {
    description: 'Places whose subtrees the key sees; empty for everywhere (only for callers who see everywhere).',
  })
  placeIds!: Ref<Place>[];

  @Field(() => [String], {
    description:
      'Permissions, e.g. request.submit, request.manage, sensitive.read, audit; * for all; none ([]) for a read-only key that sees its places and changes nothing.',
  })
  permissions!: string[];
}

@ObjectType({ description: 'A new API key with its secret: store the secret now, it is never shown again.' })
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, { description: 'The key to send as "Authorization: Bearer <secret>".' })
  secret!: string;
}

export const CreatedApiKeyPayload = payloadType('CreatedApiKeyPayload', 'created', () => CreatedApiKey, {
  description: 'The new key with its secret (shown this once), or the errors that stopped it.',
});
export const ApiKeyPayload = payloadType('ApiKeyPayload', 'apiKey', () => ApiKey);

@ObjectType({ description: 'Everything the platform holds about the signed-in person (a data export).' })
export class PersonalDataExport {
  @Field(() => Person)
  person!: Person;

  @Field(() => [Request], { description: 'Requests the person submitted.' })
  requests!: Request[];

  @Field(() => [SensitiveAccessLogEntry], { description: "Every read of the person's sensitive data, newest first." })
  sensitiveReads!: SensitiveAccessLogEntry[];
}

@Resolver()
export class AccessResolver {
  @Query(() => Viewer, { description: 'Who you are to this server and what you may do.' })
  async viewer(@Ctx() ctx: GongzhiContext): Promise<Viewer> {
    const access = await ctx.access();
    const paths = access.everywhere ? [] : access.paths;
    const ids = paths.map((path) => path.split('/').filter(Boolean).at(-1)!);
    return {
      kind: ctx.caller?.kind ?? 'anonymous',
      person: ctx.caller?.kind === 'person' ? await ctx.em.findOne(Person, { uuid: ctx.caller.id }) : null,
      places: ids.length ? await ctx.em.find(Place, { uuid: { $in: ids } }, { orderBy: { path: 'asc' } }) : [],
      permissions: [...new Set(access.grants.flatMap((g) => [...g.permissions]))].sort(),
    };
  }

  @Mutation(() => CreatedApiKeyPayload, {
    description: 'Creates an API key for a district app, scoped to places and permissions you hold yourself.',
  })
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: GongzhiContext) {
    return perform(
      ctx,
      CreatedApiKeyPayload,
      issueApiKey,
      { name: input.name, places: input.placeIds, permissions: input.permissions },
      (created) => ({
        created,
      }),
    );
  }

  @Mutation(() => ApiKeyPayload, { description: 'Revokes an API key at once: its requests and open subscriptions stop working.' })
  revokeApiKey(@RefArg('id', () => ApiKey) apiKey: Ref<ApiKey>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, ApiKeyPayload, revokeApiKey, { apiKey });
  }

  @Query(() => [ApiKey], { description: 'API keys, newest first (administrators who see everywhere).' })
  async apiKeys(@Ctx() ctx: GongzhiContext): Promise<ApiKey[]> {
    await authorize(ctx, Permission.API_KEY_MANAGE);
    return ctx.em.find(ApiKey, {}, { orderBy: { createdAt: 'desc' }, limit: 500 });
  }

  @Query(() => [SensitiveAccessLogEntry], {
    description: 'Reads of sensitive personal data, newest first: of one person, by one reader, or all (auditors).',
  })
  async sensitiveAccessLog(
    @RefArg('personId', () => Person, { nullable: true }) personId: Ref<Person> | undefined,
    @RefArg('readerId', () => Node, { nullable: true, description: 'A Person or ApiKey id.' }) readerId: Ref<Person | ApiKey> | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<SensitiveAccessLogEntry[]> {
    await authorize(ctx, Permission.AUDIT);
    pageSize(first, 50);
    const where: Record<string, unknown> = {};
    // A subject or reader the auditor may not see has no entries the auditor may see.
    if (personId) {
      const subject = await loadRef(ctx, personId);
      if (!subject) return [];
      where.subjectId = subject.uuid;
    }
    if (readerId) {
      const reader = await loadRef(ctx, readerId);
      if (!reader) return [];
      where.readerId = reader.uuid;
    }
    return ctx.em.find(SensitiveAccessLogEntry, where, { orderBy: { seq: 'desc' }, limit: first });
  }

  @Query(() => PersonalDataExport, { description: 'Everything held about you, including who read your sensitive data (signed-in people).' })
  async myData(@Ctx() ctx: GongzhiContext): Promise<PersonalDataExport> {
    if (ctx.caller?.kind !== 'person') throw coreMessages.signPersonPersonToken.topLevel();
    const person = await ctx.em.findOneOrFail(Person, { uuid: ctx.caller.id });
    const [requests, sensitiveReads] = await Promise.all([
      ctx.em.find(Request, { requester: person.uuid }, { orderBy: { createdAt: 'desc' } }),
      ctx.em.fork().find(SensitiveAccessLogEntry, { subjectId: person.uuid }, { orderBy: { seq: 'desc' } }),
    ]);
    return { person, requests, sensitiveReads };
  }
}
