import { Arg, Args, Ctx, Field, FieldResolver, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { loadRef, perform } from '../command/command.js';
import { payloadType } from '../command/payload.js';
import { type Ref, RefArg, RefField } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { Person } from '../person/person.entity.js';
import { Place } from '../place/place.entity.js';
import { Node } from '../relay/node.js';
import { Request } from '../request/request.entity.js';
import { PhotoUpload } from '../request/photo-upload.entity.js';
import { RequestConnection } from '../request/request.types.js';
import { SensitiveAccessLogEntry } from './access-log.entity.js';
import { issueApiKey, revokeApiKey, rotateApiKey } from './api-key.commands.js';
import { ApiKey } from './api-key.entity.js';
import { MAX_ROTATION_GRACE_SECONDS } from './secret-rotation.js';
import { authorize } from './authorize.js';
import { Permission } from './permission.js';
import { type ConnectionOrder, ConnectionArgs, ConnectionPage, connectionType, findPage } from '../relay/connection.js';
import { coreMessages } from '../i18n/core-messages.js';
import { BoundedList } from '../graphql/bounded-list.js';

@ObjectType({ description: 'Who is calling and what they may do.' })
export class Viewer {
  @Field(() => String, { description: 'anonymous, person, api-key or system' })
  kind!: string;

  @Field(() => Person, { nullable: true, description: 'The signed-in person.' })
  person?: Person | null;

  @BoundedList("the caller's own grants")
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

@ObjectType({
  description:
    'Everything the platform holds about the signed-in person (a data export). Its lists are connections: fetch all of one by following pageInfo.endCursor (first: 100, after: …) until hasNextPage is false.',
})
export class PersonalDataExport {
  @Field(() => Person)
  person!: Person;
}

/** API keys and the data export's requests, newest first; sensitive reads by their log order, newest first. */
const ApiKeyConnection = connectionType(ApiKey);
const SensitiveAccessLogEntryConnection = connectionType(SensitiveAccessLogEntry);
const NEWEST_KEY_FIRST: ConnectionOrder<ApiKey> = { keys: ['createdAt', 'uuid'], direction: 'desc' };
const NEWEST_REQUEST_FIRST: ConnectionOrder<Request> = { keys: ['createdAt', 'uuid'], direction: 'desc' };
const NEWEST_READ_FIRST: ConnectionOrder<SensitiveAccessLogEntry> = { keys: ['seq'], direction: 'desc' };
const PhotoUploadConnection = connectionType(PhotoUpload);
const NEWEST_UPLOAD_FIRST: ConnectionOrder<PhotoUpload> = { keys: ['createdAt', 'uuid'], direction: 'desc' };

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

  @Mutation(() => CreatedApiKeyPayload, {
    description:
      'Gives an API key a new secret; the key keeps its id, places, permissions and webhooks. The old secret stops working at once (a leak), or after graceSeconds (a planned change: deploy the new one meanwhile). The new secret is shown this once.',
  })
  rotateApiKey(
    @RefArg('id', () => ApiKey) apiKey: Ref<ApiKey>,
    @Arg('graceSeconds', () => Int, {
      defaultValue: 0,
      description: `How long the old secret also works, 0–${MAX_ROTATION_GRACE_SECONDS} (a rotation during a grace ends the older secret at once).`,
    })
    graceSeconds: number,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CreatedApiKeyPayload, rotateApiKey, { apiKey, graceSeconds }, (created) => ({ created }));
  }

  @Mutation(() => ApiKeyPayload, { description: 'Revokes an API key at once: its requests and open subscriptions stop working.' })
  revokeApiKey(@RefArg('id', () => ApiKey) apiKey: Ref<ApiKey>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, ApiKeyPayload, revokeApiKey, { apiKey });
  }

  @Query(() => ApiKeyConnection, { description: 'API keys, newest first, a page at a time (administrators who see everywhere).' })
  async apiKeys(@Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: GongzhiContext): Promise<ConnectionPage<ApiKey>> {
    await authorize(ctx, Permission.API_KEY_MANAGE);
    return findPage(ctx, ApiKey, {}, NEWEST_KEY_FIRST, page, { connection: 'Query.apiKeys', defaultSize: 50 });
  }

  @Query(() => SensitiveAccessLogEntryConnection, {
    description:
      "Reads of sensitive personal data, newest first, a page at a time: of one person, by one reader, or all (auditors). Entries are kept for the platform's retention period (180 days at least), or for ever when none is set.",
  })
  async sensitiveAccessLog(
    @RefArg('personId', () => Person, { nullable: true }) personId: Ref<Person> | undefined,
    @RefArg('readerId', () => Node, { nullable: true, description: 'A Person or ApiKey id.' }) readerId: Ref<Person | ApiKey> | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<SensitiveAccessLogEntry>> {
    await authorize(ctx, Permission.AUDIT);
    const where: Record<string, unknown> = {};
    // A subject or reader the auditor may not see has no entries the auditor may see.
    if (personId) {
      const subject = await loadRef(ctx, personId);
      if (!subject) return ConnectionPage.empty();
      where.subjectId = subject.uuid;
    }
    if (readerId) {
      const reader = await loadRef(ctx, readerId);
      if (!reader) return ConnectionPage.empty();
      where.readerId = reader.uuid;
    }
    return findPage(ctx, SensitiveAccessLogEntry, where, NEWEST_READ_FIRST, page, {
      connection: 'Query.sensitiveAccessLog',
      filter: { personId, readerId },
      defaultSize: 50,
    });
  }

  @Query(() => PersonalDataExport, { description: 'Everything held about you, including who read your sensitive data (signed-in people).' })
  async myData(@Ctx() ctx: GongzhiContext): Promise<PersonalDataExport> {
    if (ctx.caller?.kind !== 'person') throw coreMessages.signPersonPersonToken.topLevel();
    return { person: await ctx.em.findOneOrFail(Person, { uuid: ctx.caller.id }) };
  }
}

/**
 * The lists of a data export, paged: a person fetches all of one by following its cursors (the
 * page cap bounds one answer, not the export).
 */
@Resolver(() => PersonalDataExport)
export class PersonalDataExportResolver {
  @FieldResolver(() => RequestConnection, { description: 'Requests the person submitted, newest first, a page at a time.' })
  requests(
    @Root() data: PersonalDataExport,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Request>> {
    return findPage(ctx, Request, { requester: data.person.uuid }, NEWEST_REQUEST_FIRST, page, {
      connection: 'PersonalDataExport.requests',
      defaultSize: 50,
    });
  }

  @FieldResolver(() => SensitiveAccessLogEntryConnection, {
    description: "Every read of the person's sensitive data, newest first, a page at a time.",
  })
  sensitiveReads(
    @Root() data: PersonalDataExport,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<SensitiveAccessLogEntry>> {
    return findPage(ctx, SensitiveAccessLogEntry, { subjectId: data.person.uuid }, NEWEST_READ_FIRST, page, {
      connection: 'PersonalDataExport.sensitiveReads',
      defaultSize: 50,
    });
  }

  @FieldResolver(() => PhotoUploadConnection, {
    description:
      'Pictures the person uploaded (POST /photos) that the platform still keeps, newest first, a page at a time: attached ones are also photos of their requests; one attached to nothing goes within a day.',
  })
  photoUploads(
    @Root() data: PersonalDataExport,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<PhotoUpload>> {
    return findPage(ctx, PhotoUpload, { ownerId: data.person.uuid }, NEWEST_UPLOAD_FIRST, page, {
      connection: 'PersonalDataExport.photoUploads',
      defaultSize: 50,
    });
  }
}
