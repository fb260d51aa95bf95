import { randomUUID } from 'node:crypto';
import { ReferenceKind } from '@mikro-orm/core';
import { type ReadContext, rowKeyOf } from '../graphql/loaders.js';
import { executePreparedLater } from '../database/prepared-statements.js';
import { writeOrUndo } from '../command/held-write.js';
import { Permission } from '../auth/permission.js';
import { defineCommand, type Named, type UnitOfWork } from '../command/command.js';
import { Organization } from '../organization/organization.entity.js';
import { organizationMemberIds } from '../organization/organization.queries.js';
import { Person } from '../person/person.entity.js';
import type { Place } from '../place/place.entity.js';
import { PlaceType } from '../place/place.entity.js';
import {
  levelAbove,
  OPEN_STATUSES,
  RequestChannel,
  RequestKind,
  RequestLevel,
  RequestPriority,
  RequestStatus,
  TRANSITIONS,
} from './request.entity.js';
import type { RequestEventPayload } from './request.events.js';
import { Request } from './request.entity.js';
import type { PhotoUpload } from './photo-upload.entity.js';
import { coreMessages } from '../i18n/core-messages.js';
import { MIN_PHONE_DIGITS, phoneDigits, phoneMatches } from '../person/phone.js';
import { checkHttpsUrl } from '../command/https-url.js';

/**
 * The request workflow as commands: each change is a conditional update of the row (so of two
 * concurrent changes exactly one wins), a timeline entry naming the actor, and an event, in the
 * caller's unit of work. Core's mutations and plugins (council decisions, grid routing and
 * escalation, volunteer tasks) change requests only through these, with the actor's authority.
 */

/** What every new request says, however it arrives. */
export interface NewRequestDetails {
  kind: RequestKind;
  title: string;
  description?: string;
  place: Named<Place>;
  category?: string | null;
  callbackPhone?: string | null;
  priority?: RequestPriority | null;
  dueAt?: Date | null;
  /** For praise (表扬信): the person praised. */
  praisedPerson?: Named<Person> | null;
  /** Photos of it (随手拍), by https address: at most {@link MAX_REQUEST_PHOTOS} with the uploads. */
  photoUrls?: readonly string[] | null;
  /** Photos of it uploaded here (`POST /photos`), the caller's own, not attached yet. */
  photoUploads?: readonly Named<PhotoUpload>[] | null;
}

/** A photo to add: by its address, or an upload the platform keeps. */
export type NewPhoto = { url: string; uploadId?: never } | { uploadId: string; url?: never };

/** Most photos a request keeps (a WeChat post holds nine). */
export const MAX_REQUEST_PHOTOS = 9;

/** How a photo's address looks, in refusals. */
const PHOTO_URL_EXAMPLE = 'https://oss.example.org/fangzhuang/lamp.jpg';

/** Refuses adding `adding` photos to a request that keeps `kept` (refusals name `field`): at most {@link MAX_REQUEST_PHOTOS}. */
export function checkPhotoRoom(kept: number, adding: number, field: string): void {
  const room = MAX_REQUEST_PHOTOS - kept;
  if (adding > room) throw coreMessages.tooManyPhotos.error({ max: MAX_REQUEST_PHOTOS, room, given: adding }, field);
}

/** `url` checked as a photo's address (refusals name `field`), normalized. */
export function checkPhotoUrl(url: string, field: string): string {
  return checkHttpsUrl(url, field, PHOTO_URL_EXAMPLE);
}

/**
 * Refuses uploads that are some request's photo already (each shows on one request: `field` and
 * its index name the first). The uploads' rows are held first, in one order, so of two commands at
 * once for one upload the second waits for the first and its check, a statement later, sees what
 * the first wrote: the loser hears of the field it gave. The `request_photo_upload_once` constraint
 * stays as the database's word on it.
 */
export async function checkUploadsFree(uow: UnitOfWork, uploadIds: readonly string[], field: string, indexed: boolean): Promise<void> {
  if (!uploadIds.length) return;
  await uow.em.execute(`SELECT id FROM photo_upload WHERE id = ANY (string_to_array(?, ',')::uuid[]) ORDER BY id FOR UPDATE`, [
    uploadIds.join(','),
  ]);
  const taken = await uow.em.execute<{ upload_id: string }[]>(
    `SELECT upload_id FROM request_photo WHERE upload_id = ANY (string_to_array(?, ',')::uuid[])`,
    [uploadIds.join(',')],
  );
  const first = uploadIds.findIndex((id) => taken.some((t) => t.upload_id === id));
  if (first >= 0) throw coreMessages.uploadAttachedAlready.error(indexed ? `${field}.${first}` : field);
}

/**
 * Adds photos to `requestId` with the statement the caller sends next (no wait): by the actor, now,
 * in the order given.
 */
export async function addPhotos(uow: UnitOfWork, requestId: string, photos: readonly NewPhoto[], caption: string | null): Promise<void> {
  if (!photos.length) return;
  const personId = uow.actor.personId;
  await executePreparedLater(
    uow.em,
    `INSERT INTO request_photo (id, request_id, url, upload_id, caption, added_by_id, added_by_label, at)
     SELECT gen_random_uuid(), ?::uuid, u.url, u.upload_id, ?::text, ?::uuid, ?::text, ?::timestamptz
       FROM unnest(?::text[], ?::uuid[]) WITH ORDINALITY AS u(url, upload_id, n) ORDER BY u.n`,
    [
      requestId,
      caption,
      personId,
      personId ? null : uow.actor.label,
      uow.now(),
      photos.map((p) => p.url ?? null),
      photos.map((p) => p.uploadId ?? null),
    ],
  ).sent;
}

/** Who may take a request on: anyone of its community, or above it. */
const COMMUNITY_TAKES_ITS_REQUESTS = {
  to: PlaceType.COMMUNITY,
  reason: "Neighbours and staff of a request's community take it on (a party member claims a neighbour's micro-wish).",
};

export function eventPayload(request: Request): RequestEventPayload {
  return { requestId: request.uuid, placePath: request.placePath, status: request.status, level: request.level };
}

function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length < 1 || trimmed.length > 200) {
    throw coreMessages.titleCharacters.error({ trimmedLength: trimmed.length }, 'title');
  }
  return trimmed;
}

/**
 * Appends a timeline entry naming the actor (the signed-in person, or a label for keys and jobs),
 * now. Nothing waits for its answer: it goes with the transaction's next query (a failure still
 * fails the COMMIT).
 */
export async function record(uow: UnitOfWork, request: Request, step: TimelineStep): Promise<void> {
  const entry = timelineEntry(uow, '(SELECT ?::uuid AS id) AS target', request.status, request.status, step);
  await executePreparedLater(uow.em, entry.sql, [...entry.params, request.uuid]).sent;
}

/** The timeline entry a change writes with it: its action, a note, a deadline moved. */
export interface TimelineStep {
  action: string;
  note?: string | null;
  due?: { from: Date | null; to: Date | null };
}

/**
 * The statement that appends `step` to the timeline of the request `source` gives (a table
 * expression with its `id`: the row a statement just wrote), naming the actor, and its values.
 */
function timelineEntry(
  uow: UnitOfWork,
  source: string,
  from: RequestStatus | null,
  to: RequestStatus,
  step: TimelineStep,
): { sql: string; params: unknown[] } {
  const personId = uow.actor.personId;
  return {
    sql: `INSERT INTO request_timeline (id, request_id, action, from_status, to_status, actor_id, actor_label, note, from_due_at, to_due_at, at)
     SELECT ?::uuid, target.id, ?::text, ?::request_status, ?::request_status, ?::uuid, ?::text, ?::text, ?::timestamptz, ?::timestamptz, ?::timestamptz
       FROM ${source}`,
    params: [
      randomUUID(),
      step.action,
      from,
      to,
      personId,
      personId ? null : uow.actor.label,
      step.note ?? null,
      step.due?.from ?? null,
      step.due?.to ?? null,
      uow.now(),
    ],
  };
}

/** A value as a column takes it: a row by its key. */
function columnValue(value: unknown): unknown {
  return value !== null && typeof value === 'object' && !(value instanceof Date) ? rowKeyOf(value) : value;
}

/** The columns of `values` (properties of a request) and the values as the columns take them. */
function requestColumns(uow: UnitOfWork, values: Partial<Request>): { columns: string[]; params: unknown[] } {
  const properties = uow.em.getMetadata().find(Request)!.properties as Record<string, { fieldNames: string[] }>;
  const columns = Object.keys(values).map((field) => {
    const column = properties[field]?.fieldNames[0];
    if (!column) throw new Error(`Request has no column for "${field}"`);
    return column;
  });
  return { columns, params: Object.values(values).map(columnValue) };
}

/** A request row as the database would return it: `columns` with their `params`, every other column null. */
function wholeRow(uow: UnitOfWork, columns: readonly string[], params: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const property of uow.em.getMetadata().find(Request)!.props) {
    if (property.kind === ReferenceKind.SCALAR || property.kind === ReferenceKind.MANY_TO_ONE)
      for (const column of property.fieldNames) row[column] = null;
  }
  columns.forEach((column, i) => (row[column] = params[i]));
  return row;
}

/** Each field of `values` as the audit trail itemizes it: from `before`'s value (null for a new row) to this one. */
function changesOf(values: Partial<Request>, before: Request | null): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const [field, value] of Object.entries(values))
    changes[field] = { before: before ? before[field as keyof Request] : null, after: value };
  return changes;
}

/**
 * Moves a request from the status it was read in to `to` (with `changes`), only if nobody
 * changed it since, and appends the timeline entry `step` naming the actor, in one statement:
 * `UPDATE … WHERE id = ? AND version = ?` and the entry inserted only for the row it updated.
 * The statement goes with the transaction's COMMIT ({@link writeOrUndo}): when someone else won,
 * nothing the command wrote is kept and its caller is told what the request is now
 * ({@link conflict}). The row in the unit of work takes the new values as its own (no flush
 * writes them again), and the audit trail itemizes the change.
 */
export async function move(
  uow: UnitOfWork,
  request: Request,
  to: RequestStatus,
  step: TimelineStep,
  changes: Partial<Request> = {},
): Promise<void> {
  const after: Partial<Request> = { ...changes, status: to, version: request.version + 1, updatedAt: uow.now() };
  const { columns, params } = requestColumns(uow, after);
  const entry = timelineEntry(uow, 'moved AS target', request.status, to, step);
  // Finished, its duplicates are told; merged (closed as a duplicate itself), they follow it to the other request instead.
  const finished = to !== request.status && !OPEN_STATUSES.includes(to) && !('duplicateOf' in changes);
  const followed = finished ? duplicatesFollow(uow, to) : null;
  await writeOrUndo(
    uow,
    `moved AS (UPDATE request SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND version = ? RETURNING id),
     written AS (${entry.sql} RETURNING request_id)${followed ? `, followed AS (${followed.sql})` : ''}`,
    [...params, request.uuid, request.version, ...entry.params, ...(followed?.params ?? [])],
    (read) => conflict(read, request.uuid, to),
  );
  const itemized = changesOf(after, request);
  Object.assign(request, after);
  uow.em.getUnitOfWork().merge(request);
  uow.audit.record(Request, { id: request.uuid, operation: 'update', changes: itemized }, request);
}

/**
 * The timeline entries a request's duplicates get when it is finished (`original-resolved`,
 * `original-closed`, `original-rejected`): whoever reported the same problem reads on their own
 * timeline that it was handled, in the statement that moves the request (the few duplicates, by
 * their index). No note: the other request's words are for its own requester.
 */
function duplicatesFollow(uow: UnitOfWork, to: RequestStatus): { sql: string; params: unknown[] } {
  const personId = uow.actor.personId;
  return {
    sql: `INSERT INTO request_timeline (id, request_id, action, from_status, to_status, actor_id, actor_label, at)
     SELECT gen_random_uuid(), d.id, ?::text, d.status, d.status, ?::uuid, ?::text, ?::timestamptz
       FROM moved JOIN request d ON d.duplicate_of_id = moved.id`,
    params: [`original-${to}`, personId, personId ? null : uow.actor.label, uow.now()],
  };
}

/** The legal moves from where `request` is: {@link TRANSITIONS}, and for a wish also claiming it straight from the wall. */
function legalMoves(request: Request): readonly RequestStatus[] {
  const legal = TRANSITIONS[request.status];
  return request.kind === RequestKind.WISH && request.status === RequestStatus.SUBMITTED ? [...legal, RequestStatus.CLAIMED] : legal;
}

function assertLegal(request: Request, to: RequestStatus): void {
  const legal = legalMoves(request);
  if (!legal.includes(to)) {
    throw legal.length
      ? coreMessages.illegalTransition.error({ requestStatus: request.status, to, legal: legal.join(', ') }, 'to')
      : coreMessages.illegalTransitionFinal.error({ requestStatus: request.status, to }, 'to');
  }
}

/** Someone else changed the request between our read and our write: say what it is now (read as committed). */
async function conflict(read: ReadContext, requestId: string, to: RequestStatus): Promise<never> {
  const now = await read.em.findOneOrFail(Request, { uuid: requestId }, { populate: ['assignee'] });
  if (now.status === RequestStatus.CLAIMED || now.status === RequestStatus.ASSIGNED) {
    throw now.assignee
      ? coreMessages.justTakenBy.error({ nowStatus: now.status, assignee: now.assignee.name }, 'id')
      : coreMessages.justTaken.error({ nowStatus: now.status }, 'id');
  }
  throw coreMessages.requestChangedMeanwhileNow.error({ nowStatus: now.status, to }, 'id');
}

/**
 * Creates the request row and its first timeline entry in one statement, sent with the
 * transaction's next query (the audit trail itemizes the row), then emits `request.created`.
 */
async function create(
  uow: UnitOfWork,
  details: Omit<NewRequestDetails, 'place' | 'praisedPerson' | 'photoUploads'> & {
    place: Place;
    praisedPerson?: Person | null;
    photoUploads?: readonly PhotoUpload[] | null;
  },
  extra: { channel: RequestChannel; requester: Person | null; externalOrderNo?: string | null; level?: RequestLevel },
): Promise<Request> {
  const now = uow.now();
  const fields: Partial<Request> = {
    kind: details.kind,
    channel: extra.channel,
    title: checkTitle(details.title),
    description: details.description ?? '',
    place: details.place,
    placePath: details.place.path,
    category: details.category ?? null,
    callbackPhone: details.callbackPhone?.trim() || null,
    priority: details.priority ?? RequestPriority.NORMAL,
    level: extra.level ?? RequestLevel.GRID,
    status: RequestStatus.SUBMITTED,
    dueAt: details.dueAt ?? null,
    praisedPerson: details.praisedPerson ?? null,
    requester: extra.requester,
    externalOrderNo: extra.externalOrderNo ?? null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const given = details.photoUrls ?? [];
  const uploads = (details.photoUploads ?? []).map((upload) => upload.uuid);
  checkPhotoRoom(0, given.length + uploads.length, uploads.length ? 'input.photoUploadIds' : 'input.photoUrls');
  const photos: NewPhoto[] = [
    ...given.map((url, i) => ({ url: checkPhotoUrl(url, `input.photoUrls.${i}`) })),
    ...uploads.map((uploadId) => ({ uploadId })),
  ];
  await checkUploadsFree(uow, uploads, 'input.photoUploadIds', true);
  const { columns, params } = requestColumns(uow, { uuid: randomUUID(), ...fields });
  const entry = timelineEntry(uow, 'created AS target', null, RequestStatus.SUBMITTED, {
    action: extra.externalOrderNo ? 'imported' : 'created',
  });
  // Every column's value is known here, so nothing waits for the insert: it goes with the
  // transaction's next query (its failure, a taken order number say, fails the COMMIT).
  await executePreparedLater(
    uow.em,
    `WITH created AS (INSERT INTO request (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) RETURNING id)
     ${entry.sql}`,
    [...params, ...entry.params],
  ).sent;
  const request = uow.em.map(Request, wholeRow(uow, columns, params));
  await addPhotos(uow, request.uuid, photos, null);
  uow.audit.record(Request, { id: request.uuid, operation: 'create', changes: changesOf(fields, null) }, request);
  await uow.emit('request.created', eventPayload(request));
  return request;
}

/** A new request as a resident, worker or "little bee" reports it; anonymous ones give a callback number. */
export const submitRequest = defineCommand<NewRequestDetails & { channel: RequestChannel; requester?: Named<Person> | null }, Request>({
  name: 'request.submit',
  // Only read (checked, their ids written by SQL): plain rows, not entities to hydrate and track.
  readOnly: ['place', 'requester'],
  async run(uow, input) {
    const { place, requester, channel, ...details } = input;
    uow.actor.authorize(Permission.REQUEST_SUBMIT, place.path);
    const anonymous = !!details.callbackPhone?.trim();
    // A signed-in resident submits for themselves unless they name someone else.
    const by = requester ?? (anonymous ? null : uow.actor.personId ? await uow.actingPerson() : null);
    if (!by && !anonymous) throw coreMessages.giveRequesteridCallbackphoneAnonymous.error('requesterId');
    return create(uow, { ...details, place }, { channel, requester: by });
  },
});

/**
 * The person a hotline caller is, when exactly one person living in the order's community (the
 * community above the order's place, or the place itself when none is above it) has that phone
 * number; otherwise null (the number is kept as the callback number only).
 */
async function residentByPhone(uow: UnitOfWork, place: Place, phone: string): Promise<Person | null> {
  const digits = phoneDigits(phone);
  if (digits.length < MIN_PHONE_DIGITS) return null;
  const rows = await uow.em.execute<{ id: string }[]>(
    `SELECT p.id FROM person p JOIN place h ON h.id = p.household_id
      WHERE ${phoneMatches('p.phone')}
        AND h.path LIKE COALESCE(
          (SELECT c.path FROM place c WHERE c.id = ANY (string_to_array(trim(both '/' from ?), '/')::uuid[]) AND c.type = 'community' LIMIT 1),
          ?) || '%'
      LIMIT 2`,
    [digits, place.path, place.path],
  );
  const [only, second] = rows;
  return only && !second ? uow.em.findOne(Person, { uuid: only.id }) : null;
}
/** The longest client token {@link submitRequestOnce} takes. */
export const MAX_CLIENT_TOKEN_LENGTH = 200;

/**
 * {@link submitRequest} once per client token: a client that sends the same token again (a POST
 * retried after a lost answer, even at the same moment from another process) gets the first
 * request back with `created: false`. A token belongs to the caller that sent it: the same text
 * from another key names another request.
 */
export const submitRequestOnce = defineCommand<
  NewRequestDetails & { channel: RequestChannel; requester?: Named<Person> | null; clientToken: string },
  { request: Request; created: boolean }
>({
  name: 'request.submitOnce',
  async run(uow, input) {
    const { clientToken, ...submission } = input;
    const token = clientToken.trim();
    if (!token || token.length > MAX_CLIENT_TOKEN_LENGTH) {
      throw coreMessages.clientTokenCharacters.error({ MAX_CLIENT_TOKEN_LENGTH, tokenLength: token.length }, 'clientToken');
    }
    uow.actor.authorize(Permission.REQUEST_SUBMIT, submission.place.path);
    const owner = uow.actor.caller?.id;
    if (!owner) throw coreMessages.signSubmitRequestClient.error();
    // Two submissions with one token at once: the second waits here until the first commits, then finds its row.
    await uow.em.execute(`SELECT pg_advisory_xact_lock(hashtext(?))`, [`request.client-token:${owner}:${token}`]);
    const [known] = await uow.em.execute<{ request_id: string }[]>(
      `SELECT request_id FROM request_client_token WHERE caller_id = ? AND token = ?`,
      [owner, token],
    );
    if (known) {
      const existing = await uow.em.findOne(Request, { uuid: known.request_id });
      if (existing && (await uow.canSee(existing))) return { request: existing, created: false };
      throw coreMessages.clientTokenAlreadyUsed.error('clientToken');
    }
    const request = await uow.run(submitRequest, submission);
    await uow.em.execute(`INSERT INTO request_client_token (caller_id, token, request_id) VALUES (?, ?, ?)`, [owner, token, request.uuid]);
    return { request, created: true };
  },
});

/**
 * A 12345 hotline work order, imported once by its order number: importing it again (even at the
 * same moment, from another process) returns the first request with `created: false`. The
 * caller's phone, when given, is matched to a resident of the order's community, who becomes
 * the requester (and so may rate it); unmatched, it is kept as the callback number. The
 * timeline's `imported` entry names who ran the import.
 */
export const importHotlineOrder = defineCommand<
  NewRequestDetails & { orderNo: string; callerPhone?: string | null },
  { request: Request; created: boolean }
>({
  name: 'request.importHotlineOrder',
  async run(uow, input) {
    const { place, orderNo: given, callerPhone, ...details } = input;
    const orderNo = given.trim();
    if (!orderNo) throw coreMessages.ordernoEmpty.error('orderNo');
    uow.actor.authorize(Permission.REQUEST_MANAGE, place.path);
    // Two imports of one order at once: the second waits here until the first commits, then finds its row.
    await uow.em.execute(`SELECT pg_advisory_xact_lock(hashtext(?))`, [`request.hotline-order:${orderNo}`]);
    const existing = await uow.em.findOne(Request, { externalOrderNo: orderNo });
    if (existing) return { request: existing, created: false };
    const phone = callerPhone?.trim() || null;
    const requester = phone ? await residentByPhone(uow, place, phone) : null;
    const request = await create(
      uow,
      { ...details, place, callbackPhone: details.callbackPhone?.trim() || phone },
      { channel: RequestChannel.HOTLINE_12345, requester, externalOrderNo: orderNo },
    );
    return { request, created: true };
  },
});

/**
 * The moves the person holding a request (who claimed it or was assigned it) may make on it
 * with `request.claim` there, without `request.manage`: start the work and finish it (a party
 * member fulfils the micro-wish she claimed). Verifying, closing and reopening stay with staff.
 */
const HOLDER_MOVES: Partial<Record<RequestStatus, readonly RequestStatus[]>> = {
  [RequestStatus.CLAIMED]: [RequestStatus.IN_PROGRESS],
  [RequestStatus.ASSIGNED]: [RequestStatus.IN_PROGRESS],
  [RequestStatus.IN_PROGRESS]: [RequestStatus.RESOLVED],
};

/** Whether the actor is the person holding `request` (claimed by or assigned to them). */
function heldByActor(uow: UnitOfWork, request: Request): boolean {
  return !!uow.actor.personId && request.assignee?.uuid === uow.actor.personId;
}

/**
 * Moves a request along its life: accepted, in_progress, resolved, closed, rejected, or back to
 * in_progress. Needs `request.manage`; the person holding the request needs only
 * `request.claim` for the moves in {@link HOLDER_MOVES}.
 */
export const changeRequestStatus = defineCommand<{ request: Named<Request>; to: RequestStatus; note?: string | null }, Request>({
  name: 'request.changeStatus',
  async run(uow, { request, to, note }) {
    if (to === RequestStatus.CLAIMED || to === RequestStatus.ASSIGNED || to === RequestStatus.ESCALATED) {
      const use = to === RequestStatus.CLAIMED ? 'claimRequest' : to === RequestStatus.ASSIGNED ? 'assignRequest' : 'escalateRequest';
      throw coreMessages.useMakeRequest.error({ use, to }, 'to');
    }
    const holderMove = heldByActor(uow, request) && !!HOLDER_MOVES[request.status]?.includes(to);
    if (holderMove && !uow.actor.access.can(Permission.REQUEST_MANAGE, request.placePath)) {
      uow.actor.authorize(Permission.REQUEST_CLAIM, request.placePath);
    } else if (!holderMove) {
      if (heldByActor(uow, request) && !uow.actor.access.can(Permission.REQUEST_MANAGE, request.placePath)) {
        const yours = HOLDER_MOVES[request.status] ?? [];
        throw yours.length
          ? coreMessages.holderMayOnly.error({ requestStatus: request.status, yours: yours.join(' or '), to }, 'to', {
              permission: Permission.REQUEST_MANAGE,
            })
          : coreMessages.holderMayNothing.error({ requestStatus: request.status, to }, 'to', { permission: Permission.REQUEST_MANAGE });
      }
      uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    }
    const from = request.status;
    assertLegal(request, to);
    await move(uow, request, to, { action: 'status', note });
    await uow.emit('request.status-changed', { ...eventPayload(request), from });
    return request;
  },
});

/**
 * Sends resolved work back to be done again (不满意，重新办理): the requester, who was not
 * satisfied (the leak is back), or staff (`request.manage`). The request is in progress again
 * with whoever held it, the reason on its timeline (`reopened`), its rating cleared (the rated
 * entry stays on the timeline); a closed request is final.
 */
export const reopenRequest = defineCommand<{ request: Named<Request>; reason: string }, Request>({
  name: 'request.reopen',
  async run(uow, { request, reason }) {
    const own = !!uow.actor.personId && request.requester?.uuid === uow.actor.personId;
    if (!own) uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    if (request.status !== RequestStatus.RESOLVED) throw coreMessages.reopenOnlyResolved.error({ requestStatus: request.status }, 'id');
    const why = reason.trim();
    if (!why) throw coreMessages.reopenReasonEmpty.error('reason');
    const from = request.status;
    // A rating was of the resolution sent back: it goes (its timeline entry stays); the next one is asked anew.
    await move(uow, request, RequestStatus.IN_PROGRESS, { action: 'reopened', note: why }, { rating: null, thanks: null });
    await uow.emit('request.status-changed', { ...eventPayload(request), from });
    return request;
  },
});

/**
 * Notes progress on a request without changing its status (a party member: "已联系家属，周六送到").
 * By the person holding it (`request.claim` there), or staff (`request.manage`); only while the
 * work is claimed, assigned or in progress.
 */
export const reportRequestProgress = defineCommand<{ request: Named<Request>; note: string }, Request>({
  name: 'request.reportProgress',
  async run(uow, { request, note }) {
    uow.actor.authorize(heldByActor(uow, request) ? Permission.REQUEST_CLAIM : Permission.REQUEST_MANAGE, request.placePath);
    const text = note.trim();
    if (text.length < 1 || text.length > 2000) {
      throw coreMessages.noteCharacters.error({ textLength: text.length }, 'note');
    }
    const working = [RequestStatus.CLAIMED, RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS];
    if (!working.includes(request.status)) {
      throw coreMessages.progressReportedClaimedAssigned.error({ requestStatus: request.status }, 'id');
    }
    // Bump the version, so a progress note and a concurrent status change do not both pass unseen.
    await move(uow, request, request.status, { action: 'progress', note: text });
    await uow.emit('request.updated', { ...eventPayload(request), change: 'progress' });
    return request;
  },
});

/**
 * Moves a request's deadline (`dueAt`), or sets or removes it, with a reason: the sewer repair
 * compressed from 20 days to 14. The timeline entry `deadline` keeps the old and the new time.
 */
export const changeRequestDeadline = defineCommand<{ request: Named<Request>; dueAt: Date | null; reason: string }, Request>({
  name: 'request.changeDeadline',
  async run(uow, { request, dueAt, reason }) {
    uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    const why = reason.trim();
    if (!why) throw coreMessages.reasonEmptySayWhy.error('reason');
    if (dueAt && Number.isNaN(dueAt.getTime())) throw coreMessages.dueatValidDateTime.error('dueAt');
    const final = [RequestStatus.CLOSED, RequestStatus.REJECTED];
    if (final.includes(request.status)) {
      throw coreMessages.requestFinishedDeadlineLonger.error({ requestStatus: request.status }, 'id');
    }
    const before = request.dueAt ?? null;
    if ((before?.getTime() ?? null) === (dueAt?.getTime() ?? null)) {
      throw before ? coreMessages.alreadyDueAt.error({ dueAt: before.toISOString() }, 'dueAt') : coreMessages.alreadyNoDue.error('dueAt');
    }
    const step = { action: 'deadline', note: why, due: { from: before, to: dueAt } };
    // A new deadline is reminded of afresh.
    await move(uow, request, request.status, step, { dueAt, dueRemindedAt: null });
    await uow.emit('request.updated', { ...eventPayload(request), change: 'deadline' });
    return request;
  },
});

async function takeOn(
  uow: UnitOfWork,
  request: Request,
  assignee: Person,
  to: RequestStatus.CLAIMED | RequestStatus.ASSIGNED,
  event: 'request.claimed' | 'request.assigned',
): Promise<Request> {
  if (request.assignee && (request.status === RequestStatus.CLAIMED || request.status === RequestStatus.ASSIGNED)) {
    const holder = await uow.em.findOne(Person, { uuid: request.assignee.uuid });
    throw holder
      ? coreMessages.alreadyTakenBy.error({ requestStatus: request.status, holder: holder.name }, 'id')
      : coreMessages.alreadyTaken.error({ requestStatus: request.status }, 'id');
  }
  assertLegal(request, to);
  await move(uow, request, to, { action: to, note: assignee.name }, { assignee });
  await uow.emit(event, { ...eventPayload(request), assigneeId: assignee.uuid });
  return request;
}

/**
 * Claims an accepted request: for the signed-in person (`request.claim`), or for another person
 * (`request.manage`). Of two claims at once exactly one wins; the other gets ALREADY_CLAIMED.
 */
export const claimRequest = defineCommand<{ request: Named<Request>; person?: Named<Person> | null }, Request>({
  name: 'request.claim',
  links: { person: { to: 'request', widen: COMMUNITY_TAKES_ITS_REQUESTS } },
  async run(uow, { request, person }) {
    const claimant = person ?? (uow.actor.personId ? await uow.actingPerson() : null);
    if (!claimant) throw coreMessages.givePersonidSignPerson.error('personId');
    const forSelf = claimant.uuid === uow.actor.personId;
    // 接单: a request dispatched to a partner unit is its members' to take, wherever they live.
    const unit = request.dispatchedTo ? await uow.em.findOneOrFail(Organization, { uuid: request.dispatchedTo.uuid }) : null;
    const unitMember = forSelf && !!unit && (await organizationMemberIds(uow, unit.uuid)).includes(claimant.uuid);
    if (!unitMember) uow.actor.authorize(forSelf ? Permission.REQUEST_CLAIM : Permission.REQUEST_MANAGE, request.placePath);
    if (unit && forSelf && !unitMember && !uow.actor.access.can(Permission.REQUEST_MANAGE, request.placePath)) {
      throw coreMessages.requestDispatchedOnlyMembers.error({ unitName: unit.name }, 'id');
    }
    return takeOn(uow, request, claimant, RequestStatus.CLAIMED, 'request.claimed');
  },
});

/** Assigns an accepted request to a person (dispatch, 派单). */
export const assignRequest = defineCommand<{ request: Named<Request>; assignee: Named<Person> }, Request>({
  name: 'request.assign',
  links: { assignee: { to: 'request', widen: COMMUNITY_TAKES_ITS_REQUESTS } },
  async run(uow, { request, assignee }) {
    uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    return takeOn(uow, request, assignee, RequestStatus.ASSIGNED, 'request.assigned');
  },
});

/** Statuses in which someone holds a request, and what a reassignment leaves it in. */
const REASSIGNED_TO: Partial<Record<RequestStatus, RequestStatus>> = {
  [RequestStatus.ASSIGNED]: RequestStatus.ASSIGNED,
  // Staff give it on: it is assigned now, not taken.
  [RequestStatus.CLAIMED]: RequestStatus.ASSIGNED,
  [RequestStatus.IN_PROGRESS]: RequestStatus.IN_PROGRESS,
};

/**
 * Gives work someone holds to another person (改派: the worker is ill, changed posts, left):
 * `request.manage` where the request is. An assigned or claimed request becomes assigned to
 * them, one in progress stays in progress; the timeline names both and the reason. Of two
 * changes at once one wins, as for every move.
 */
export const reassignRequest = defineCommand<{ request: Named<Request>; assignee: Named<Person>; reason: string }, Request>({
  name: 'request.reassign',
  links: { assignee: { to: 'request', widen: COMMUNITY_TAKES_ITS_REQUESTS } },
  async run(uow, { request, assignee, reason }) {
    uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    const to = REASSIGNED_TO[request.status];
    const previous = request.assignee?.uuid;
    if (!to || !previous) throw coreMessages.reassignOnlyHeldWork.error({ requestStatus: request.status }, 'id');
    if (previous === assignee.uuid) throw coreMessages.alreadyHoldsRequest.error({ personName: assignee.name }, 'assigneeId');
    const why = reason.trim();
    if (!why) throw coreMessages.reassignReasonEmpty.error('reason');
    const holder = await uow.em.findOne(Person, { uuid: previous });
    const note = `${holder?.name ?? '—'} → ${assignee.name}: ${why}`;
    await move(uow, request, to, { action: 'reassigned', note }, { assignee });
    await uow.emit('request.reassigned', {
      ...eventPayload(request),
      assigneeId: assignee.uuid,
      previousAssigneeId: previous,
      reason: why,
    });
    return request;
  },
});

/**
 * Hands the open requests `leaving` holds under `paths` (places' paths: each with its subtree) to
 * `colleague`, oldest first, each through {@link reassignRequest} (so with its checks: the
 * actor's `request.manage` there, the colleague linkable to each), in the caller's transaction:
 * a refusal of one undoes all. For the commands that end someone's post (core's `endRole`, the
 * grid plugin's assignment end). Refuses handing over to the one leaving, naming `field`. Returns how many.
 */
export async function handOverHeldRequests(
  uow: UnitOfWork,
  leaving: string,
  colleague: Person,
  paths: readonly string[],
  reason: string,
  field: string,
): Promise<number> {
  if (colleague.uuid === leaving) throw coreMessages.handOverToSelf.error({ personName: colleague.name }, field);
  if (!paths.length) return 0;
  const held = await uow.em.find(
    Request,
    {
      assignee: leaving,
      status: { $in: Object.keys(REASSIGNED_TO) as RequestStatus[] },
      $or: paths.map((path) => ({ placePath: { $like: `${path}%` } })),
    },
    { orderBy: { createdAt: 'asc', uuid: 'asc' } },
  );
  for (const request of held) await uow.run(reassignRequest, { request, assignee: colleague, reason });
  return held.length;
}

/**
 * Gives back work taken and not begun (退回): its holder does (claimed by mistake, not their
 * area), or staff with `request.manage` where it is. The request is accepted again, held by no
 * one, for someone else to claim or be assigned (a partner unit's, still dispatched to it); work in
 * progress is reassigned instead.
 */
export const releaseRequest = defineCommand<{ request: Named<Request>; reason: string }, Request>({
  name: 'request.release',
  async run(uow, { request, reason }) {
    const previous = request.assignee?.uuid;
    if (!previous || previous !== uow.actor.personId) uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    if (!previous || (request.status !== RequestStatus.ASSIGNED && request.status !== RequestStatus.CLAIMED)) {
      throw coreMessages.releaseOnlyTakenWork.error({ requestStatus: request.status }, 'id');
    }
    const why = reason.trim();
    if (!why) throw coreMessages.releaseReasonEmpty.error('reason');
    const holder = await uow.em.findOne(Person, { uuid: previous });
    await move(uow, request, RequestStatus.ACCEPTED, { action: 'released', note: `${holder?.name ?? '—'}: ${why}` }, { assignee: null });
    await uow.emit('request.released', { ...eventPayload(request), previousAssigneeId: previous, reason: why });
    return request;
  },
});

/** Raises a request one level (grid › community › subdistrict), unassigned, for that level to accept. */
export const escalateRequest = defineCommand<{ request: Named<Request>; reason: string }, Request>({
  name: 'request.escalate',
  async run(uow, { request, reason }) {
    uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    const above = levelAbove(request.level);
    if (!above) throw coreMessages.requestAlreadyLevelHighest.error({ level: request.level }, 'id');
    assertLegal(request, RequestStatus.ESCALATED);
    const fromLevel = request.level;
    const step = { action: 'escalated', note: `${fromLevel} → ${above}: ${reason}` };
    await move(uow, request, RequestStatus.ESCALATED, step, { level: above, assignee: null });
    await uow.emit('request.escalated', { ...eventPayload(request), fromLevel, reason });
    return request;
  },
});

/** The requester's rating (1–5) and thanks on a resolved or closed request: by the requester, or by staff (a rating given by phone). */
export const rateRequest = defineCommand<{ request: Named<Request>; rating: number; thanks?: string | null }, Request>({
  name: 'request.rate',
  async run(uow, { request, rating, thanks }) {
    const own = !!uow.actor.personId && request.requester?.uuid === uow.actor.personId;
    if (!own) uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
      throw coreMessages.ratingWholeNumberFrom.error({ rating }, 'rating');
    }
    if (request.status !== RequestStatus.RESOLVED && request.status !== RequestStatus.CLOSED) {
      throw coreMessages.onlyResolvedClosedRequest.error({ requestStatus: request.status }, 'id');
    }
    const step = { action: 'rated', note: thanks ? `${rating}★ ${thanks}` : `${rating}★` };
    await move(uow, request, request.status, step, { rating, thanks: thanks ?? null });
    await uow.emit('request.rated', { ...eventPayload(request), rating });
    return request;
  },
});

/**
 * Notes something on a request's timeline without changing it (a plugin's "routed to grid X").
 * Emits nothing: the request itself did not change. Needs `request.manage` there.
 */
export const annotateRequest = defineCommand<{ request: Named<Request>; action: string; note: string }, Request>({
  name: 'request.annotate',
  async run(uow, { request, action, note }) {
    uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    await record(uow, request, { action, note });
    return request;
  },
});
