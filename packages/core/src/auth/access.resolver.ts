import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import { userError, requireEntity } from '../graphql/user-error.js';
import { Person } from '../person/person.entity.js';
import { requirePlace } from '../place/place-lookup.js';
import { Place } from '../place/place.entity.js';
import { localId } from '../relay/global-id.js';
import { Request } from '../request/request.entity.js';
import { SensitiveAccessLogEntry } from './access-log.entity.js';
import { ApiKey } from './api-key.entity.js';
import { createApiKey } from './api-key.service.js';
import { authorize } from './authorize.js';
import { Permission } from './permission.js';

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

  @Field(() => [ID], { description: 'Places whose subtrees the key sees; empty for everywhere (only for callers who see everywhere).' })
  placeIds!: string[];

  @Field(() => [String], { description: 'Permissions, e.g. request.submit, request.manage, sensitive.read, audit; * for all.' })
  permissions!: string[];
}

@ObjectType({ description: 'A new API key with its secret: store the secret now, it is never shown again.' })
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, { description: 'The key to send as "Authorization: Bearer <secret>".' })
  secret!: string;
}

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

  @Mutation(() => CreatedApiKey, {
    description: 'Creates an API key for a district app, scoped to places and permissions you hold yourself.',
  })
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: GongzhiContext): Promise<CreatedApiKey> {
    const access = await authorize(ctx, Permission.API_KEY_MANAGE);
    const name = input.name.trim();
    if (!name || name.length > 200) throw userError('BAD_USER_INPUT', '"input.name" must have 1 to 200 characters.', 'input.name');
    if (input.permissions.length === 0)
      throw userError('BAD_USER_INPUT', '"input.permissions" must name at least one permission, e.g. request.submit.', 'input.permissions');
    if (input.placeIds.length === 0 && !access.everywhere) {
      throw userError(
        'BAD_USER_INPUT',
        '"input.placeIds" must name at least one place: you may only give keys for places you see yourself.',
        'input.placeIds',
      );
    }
    const places: Place[] = [];
    for (const [i, id] of input.placeIds.entries()) places.push(await requirePlace(ctx, id, `input.placeIds[${i}]`));
    // Nobody hands out more than they hold: each permission must be held at every place of the key.
    for (const permission of input.permissions) {
      const held = places.length ? places.every((p) => access.can(permission, p.path)) : access.everywhere && access.can(permission);
      if (!held) {
        throw userError(
          'FORBIDDEN',
          `You cannot give "${permission}" ${places.length ? 'at these places' : 'everywhere'}: you do not hold it there yourself.`,
          'input.permissions',
        );
      }
    }
    return ctx.em.transactional(async (em) =>
      createApiKey(em as never, { name, placeIds: places.map((p) => p.uuid), permissions: [...new Set(input.permissions)] }),
    );
  }

  @Mutation(() => ApiKey, { description: 'Revokes an API key at once: its requests and open subscriptions stop working.' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GongzhiContext): Promise<ApiKey> {
    await authorize(ctx, Permission.API_KEY_MANAGE);
    const key = await requireEntity(ctx.em, ApiKey, 'ApiKey', id, 'id');
    key.revokedAt ??= ctx.now();
    await ctx.em.flush();
    return key;
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
    @Arg('personId', () => ID, { nullable: true }) personId: string | undefined,
    @Arg('readerId', () => ID, { nullable: true, description: 'A Person or ApiKey id.' }) readerId: string | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<SensitiveAccessLogEntry[]> {
    await authorize(ctx, Permission.AUDIT);
    if (first < 1 || first > 500) throw userError('BAD_USER_INPUT', `"first" must be from 1 to 500, got ${first}.`, 'first');
    const where: Record<string, unknown> = {};
    if (personId) where.subjectId = localId(personId, 'Person', 'personId');
    if (readerId) {
      const type = readerId && Buffer.from(readerId, 'base64url').toString('utf8').startsWith('ApiKey:') ? 'ApiKey' : 'Person';
      where.readerId = localId(readerId, type, 'readerId');
    }
    return ctx.em.find(SensitiveAccessLogEntry, where, { orderBy: { seq: 'desc' }, limit: first });
  }

  @Query(() => PersonalDataExport, { description: 'Everything held about you, including who read your sensitive data (signed-in people).' })
  async myData(@Ctx() ctx: GongzhiContext): Promise<PersonalDataExport> {
    if (ctx.caller?.kind !== 'person') throw userError('UNAUTHENTICATED', 'Sign in as a person (a person token) to export your own data.');
    const person = await ctx.em.findOneOrFail(Person, { uuid: ctx.caller.id });
    const [requests, sensitiveReads] = await Promise.all([
      ctx.em.find(Request, { requester: person.uuid }, { orderBy: { createdAt: 'desc' } }),
      ctx.em.fork().find(SensitiveAccessLogEntry, { subjectId: person.uuid }, { orderBy: { seq: 'desc' } }),
    ]);
    return { person, requests, sensitiveReads };
  }
}
