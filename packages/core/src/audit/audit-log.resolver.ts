import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
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
import { pageSize } from '../relay/connection.js';
import { coreMessages } from '../i18n/core-messages.js';

@InputType({ description: 'Filters for the audit log; all given filters must match.' })
export class AuditLogFilter {
  @RefField(() => Place, { nullable: true, description: 'Only changes to rows at this place or anywhere under it.' })
  under?: Ref<Place>;

  @Field(() => String, { nullable: true, description: 'Only this command, e.g. person.grantRole.' })
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

@ObjectType({ description: 'A page of the audit log, newest first.' })
export class AuditLogPage {
  @Field(() => [AuditLogEntry])
  entries!: AuditLogEntry[];

  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor?: string | null;
}

@Resolver(() => AuditLogEntry)
export class AuditLogResolver {
  @Query(() => AuditLogPage, {
    description:
      'Who changed what and when (places, roles, organisations, API keys, grids, teams, councils…), newest first: auditors (the `audit` permission), for rows within the places where they hold it.',
  })
  async auditLog(
    @Arg('filter', () => AuditLogFilter, { nullable: true }) filter: AuditLogFilter | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<AuditLogPage> {
    const access = await authorize(ctx, Permission.AUDIT);
    pageSize(first, 50);
    const empty = { entries: [], hasNextPage: false, endCursor: null };
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: string, value: unknown) => {
      where.push(condition);
      params.push(value);
    };
    if (!access.everywhere) {
      // Only the places where the caller holds `audit` (a key may see more than it audits).
      const roots = access.grants
        .filter((g) => g.permissions.has(Permission.AUDIT) || g.permissions.has(ALL_PERMISSIONS))
        .map((g) => `${g.path}%`); // paths are uuids and slashes: nothing to escape
      add(`EXISTS (SELECT 1 FROM unnest(place_paths) AS p WHERE p LIKE ANY (string_to_array(?, ',')))`, roots.join(','));
    }
    if (filter?.under) {
      const root = await requireRef(ctx, filter.under);
      add(`EXISTS (SELECT 1 FROM unnest(place_paths) AS p WHERE p LIKE ?)`, `${root.path}%`);
    }
    if (filter?.action) add('action = ?', filter.action);
    if (filter?.entityType) add('entity_type = ?', filter.entityType);
    if (filter?.entityId) add('entity_id = ?', fromGlobalId(filter.entityId)?.id ?? filter.entityId);
    if (filter?.actorId) {
      // An actor the auditor may not see has no entries the auditor may see.
      const actor = await loadRef(ctx, filter.actorId);
      if (!actor) return empty;
      add('actor_id = ?', actor.uuid);
    }
    if (filter?.since) add('at >= ?', filter.since);
    if (filter?.until) add('at < ?', filter.until);
    if (after) {
      if (!/^\d{1,19}$/.test(after)) throw coreMessages.afterEndcursorEarlierPage.error('after');
      add('seq < ?::bigint', after);
    }
    const rows = await ctx.em.execute<{ seq: string }[]>(
      `SELECT seq FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`,
      [...params, first + 1],
    );
    const seqs = rows.slice(0, first).map((r) => String(r.seq));
    if (!seqs.length) return empty;
    const entries = await ctx.em.find(AuditLogEntry, { seq: { $in: seqs } }, { orderBy: { seq: 'desc' } });
    return { entries, hasNextPage: rows.length > first, endCursor: seqs.at(-1)! };
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
