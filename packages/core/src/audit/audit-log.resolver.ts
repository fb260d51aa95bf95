import { type FilterQuery, raw } from '@mikro-orm/core';
import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Query, Resolver, Root } from 'type-graphql';
import { ALL_PERMISSIONS, Permission } from '../auth/permission.js';
import { authorize } from '../auth/authorize.js';
import { loadRef, requireRef } from '../command/command.js';
import { type Ref, RefField } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import type { Person } from '../person/person.entity.js';
import { Place } from '../place/place.entity.js';
import { fromGlobalId, toGlobalId } from '../relay/global-id.js';
import { Node } from '../relay/node.js';
import type { ApiKey } from '../auth/api-key.entity.js';
import { AuditChange, AuditLogEntry } from './audit-log.entity.js';
import { type ConnectionOrder, ConnectionArgs, ConnectionPage, connectionType, findPage } from '../relay/connection.js';
import { BoundedList } from '../graphql/bounded-list.js';

@InputType({ description: 'Filters for the audit log; all given filters must match.' })
export class AuditLogFilter {
  @RefField(() => Place, { nullable: true, description: 'Only changes to rows at this place or anywhere under it.' })
  under?: Ref<Place>;

  @Field(() => String, { nullable: true, description: 'Only this command, e.g. person.assignRole.' })
  action?: string;

  @Field(() => String, { nullable: true, description: 'Only rows of this type, e.g. Organization.' })
  entityType?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Only changes to this row: its global id (deleted rows too, so it is not looked up).',
  })
  entityId?: string;

  @RefField(() => Node, { nullable: true, description: 'Only changes made by this Person or ApiKey.' })
  actorId?: Ref<Person | ApiKey>;

  @Field(() => Date, { nullable: true, description: 'At or after.' })
  since?: Date;

  @Field(() => Date, { nullable: true, description: 'Before.' })
  until?: Date;
}

/** The audit log, newest first (its `seq`, which numbers entries as they are written). */
const AuditLogEntryConnection = connectionType(AuditLogEntry);
const NEWEST_FIRST: ConnectionOrder<AuditLogEntry> = { keys: ['seq'], direction: 'desc' };

@Resolver(() => AuditLogEntry)
export class AuditLogResolver {
  @Query(() => AuditLogEntryConnection, {
    description:
      "Who changed what and when (places, roles, organisations, API keys, grids, teams, councils…), newest first, a page at a time: auditors (the `audit` permission), for rows within the places where they hold it. Entries are kept for the platform's retention period (180 days at least), or for ever when none is set.",
  })
  async auditLog(
    @Arg('filter', () => AuditLogFilter, { nullable: true }) filter: AuditLogFilter | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<AuditLogEntry>> {
    const access = await authorize(ctx, Permission.AUDIT);
    const where: FilterQuery<AuditLogEntry>[] = [];
    /** Any of the entry's places is under one of `patterns` (place_paths, GIN-indexed). */
    const underAny = (patterns: string[]) => ({
      [raw(`EXISTS (SELECT 1 FROM unnest(place_paths) AS p WHERE p LIKE ANY (string_to_array(?, ',')))`, [patterns.join(',')])]: [],
    });
    if (!access.everywhere) {
      // Only the places where the caller holds `audit` (a key may see more than it audits).
      const roots = access.grants
        .filter((g) => g.permissions.has(Permission.AUDIT) || g.permissions.has(ALL_PERMISSIONS))
        .map((g) => `${g.path}%`); // paths are uuids and slashes: nothing to escape
      where.push(underAny(roots));
    }
    if (filter?.under) where.push(underAny([`${(await requireRef(ctx, filter.under)).path}%`]));
    if (filter?.action) where.push({ action: filter.action });
    if (filter?.entityType) where.push({ entityType: filter.entityType });
    if (filter?.entityId) where.push({ entityId: fromGlobalId(filter.entityId)?.id ?? filter.entityId });
    if (filter?.actorId) {
      // An actor the auditor may not see has no entries the auditor may see.
      const actor = await loadRef(ctx, filter.actorId);
      if (!actor) return ConnectionPage.empty();
      where.push({ actorId: actor.uuid });
    }
    if (filter?.since) where.push({ at: { $gte: filter.since } });
    if (filter?.until) where.push({ at: { $lt: filter.until } });
    return findPage(ctx, AuditLogEntry, { $and: where }, NEWEST_FIRST, page, {
      connection: 'Query.auditLog',
      filter: { ...filter },
      defaultSize: 50,
    });
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The global id of the row changed (it may since have been deleted).' })
  entityId(@Root() entry: AuditLogEntry): string | null {
    return entry.entityId ? toGlobalId(entry.entityType, entry.entityId) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The global id of the Person or ApiKey that acted; null for the system.' })
  actorId(@Root() entry: AuditLogEntry): string | null {
    if (!entry.actorId) return null;
    return toGlobalId(entry.actorKind === 'person' ? 'Person' : 'ApiKey', entry.actorId);
  }

  @BoundedList('the changed fields of one row')
  @FieldResolver(() => [AuditChange], { description: 'The changed fields, by name.' })
  changes(@Root() entry: AuditLogEntry): AuditChange[] {
    return Object.entries(entry.changes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([field, { before, after }]) => ({
        field,
        before: before === null || before === undefined ? null : JSON.stringify(before),
        after: after === null || after === undefined ? null : JSON.stringify(after),
      }));
  }
}
