import { Permission } from '../auth/permission.js';
import { defineCommand, type Named } from '../command/command.js';
import { coreMessages } from '../i18n/core-messages.js';
import { refId } from '../graphql/loaders.js';
import { PlaceType } from '../place/place.entity.js';
import { OPEN_STATUSES, type Request, Request as RequestEntity, RequestStatus } from './request.entity.js';
import { eventPayload, move, record } from './request.commands.js';

/**
 * Merges a request into another as its duplicate (重复件, 合并办理: five callers report the same
 * broken street lamp): `request.manage` at both. The duplicate is closed, pointing at the request
 * handled for all (`duplicateOf`), the merge on both timelines (`merged` on the duplicate,
 * `duplicate` on the other, with the note); its own duplicates follow it there. The duplicate must be open, the
 * other not rejected nor itself a duplicate, both in one community. Both rows are held from the
 * read to the commit, so a merge racing a merge the other way, or of the other request elsewhere,
 * waits and then sees what that one did: no chain of duplicates, no cycle.
 */
export const mergeDuplicateRequest = defineCommand<{ into: Named<Request>; request: Named<Request>; note?: string | null }, Request>({
  name: 'request.mergeDuplicate',
  lock: ['into', 'request'],
  links: {
    request: {
      to: 'into',
      widen: {
        to: PlaceType.COMMUNITY,
        reason: 'The same problem is reported from neighbouring buildings of one community (the street lamp outside both).',
      },
    },
  },
  async run(uow, { into, request, note }) {
    uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    uow.actor.authorize(Permission.REQUEST_MANAGE, into.placePath);
    if (into.uuid === request.uuid) throw coreMessages.mergeIntoItself.error('intoId');
    if (!OPEN_STATUSES.includes(request.status)) throw coreMessages.mergeOnlyOpen.error({ requestStatus: request.status }, 'id');
    if (into.duplicateOf) throw coreMessages.mergeIntoDuplicate.error({ intoTitle: into.title }, 'intoId');
    if (into.status === RequestStatus.REJECTED) throw coreMessages.mergeIntoRejected.error({ intoTitle: into.title }, 'intoId');
    const why = note?.trim() || null;
    // The notes are the staff's words only: each requester reads their own timeline, and another's title may name them.
    const step = { action: 'merged', note: why };
    const from = request.status;
    await move(uow, request, RequestStatus.CLOSED, step, { duplicateOf: into });
    await record(uow, into, { action: 'duplicate', note: why });
    // Those merged into it before are duplicates of the same problem: they point where it does now.
    const followed = await uow.em.nativeUpdate(RequestEntity, { duplicateOf: request.uuid }, { duplicateOf: into.uuid });
    await uow.emit('request.merged', { ...eventPayload(request), from, intoId: into.uuid, followed, note: why });
    await uow.emit('request.updated', { ...eventPayload(into), change: 'duplicate' });
    return request;
  },
});

/**
 * Undoes a merge made by mistake (撤销合并: not the same problem after all): the duplicate is its
 * own request again, in the status it was merged from, held by whoever held it; both timelines
 * say so (`unmerged` on it, `duplicate-removed` on the other, with the reason). `request.manage`
 * at both, as for the merge. Duplicates that followed it into the other when it was merged stay
 * with the other.
 */
export const unmergeDuplicateRequest = defineCommand<{ request: Named<Request>; reason: string }, Request>({
  name: 'request.unmergeDuplicate',
  lock: ['request'],
  async run(uow, { request, reason }) {
    uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    const original = refId(request.duplicateOf);
    const into = original ? await uow.em.findOne(RequestEntity, { uuid: original }) : null;
    if (!into) throw coreMessages.unmergeNoDuplicate.error('id');
    uow.actor.authorize(Permission.REQUEST_MANAGE, into.placePath);
    const why = reason.trim();
    if (!why) throw coreMessages.unmergeReasonEmpty.error('reason');
    // Where the merge took it from; a duplicate recorded without its merge (imported) was at least accepted.
    const [merged] = await uow.em.execute<{ from_status: RequestStatus | null }[]>(
      `SELECT from_status FROM request_timeline WHERE request_id = ? AND action = 'merged' ORDER BY at DESC, seq DESC LIMIT 1`,
      [request.uuid],
    );
    const back = merged?.from_status ?? RequestStatus.ACCEPTED;
    await move(uow, request, back, { action: 'unmerged', note: why }, { duplicateOf: null });
    await record(uow, into, { action: 'duplicate-removed', note: why });
    await uow.emit('request.unmerged', { ...eventPayload(request), intoId: into.uuid, reason: why });
    await uow.emit('request.updated', { ...eventPayload(into), change: 'duplicate' });
    return request;
  },
});
