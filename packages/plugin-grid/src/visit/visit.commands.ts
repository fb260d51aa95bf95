import {
  defineCommand,
  DomainError,
  errorAt,
  type Named,
  Person,
  type PhotoUpload,
  type Place,
  PlaceType,
  type Request,
  RequestChannel,
  type RequestKind,
  type RequestPriority,
  requireIsoDate,
  submitRequest,
  type UnitOfWork,
} from '@gongzhi/core';
import { today } from '../options.js';
import { requireGridWorkerAt } from '../worker/worker.commands.js';
import { type GridCheckItem, GridFinding, GridVisit } from './visit.entity.js';
import { gridMessages } from '../messages.js';

/** A check made during a visit. */
export interface VisitCheck {
  item: GridCheckItem;
  ok: boolean;
  note?: string | null;
}

/** A finding as the worker records it; `openRequest` opens a request for it in the same step. */
export interface FindingDraft {
  description: string;
  category?: string | null;
  openRequest: boolean;
  title?: string | null;
  kind: RequestKind;
  priority?: RequestPriority | null;
  /** Pictures the worker uploaded (`POST /photos`), the photos of the request it opens. */
  photoUploads?: readonly Named<PhotoUpload>[] | null;
}

/** The title of a finding's request: the one given, else the description's first 60 characters. */
function requestTitle(finding: { title?: string | null; description: string }, field: string): string {
  const title = (finding.title?.trim() || finding.description.trim().slice(0, 60)).trim();
  if (title.length > 200) throw gridMessages.mostCharacters.error({ field, titleLength: title.length }, field);
  return title;
}

/**
 * Opens a request for a finding at `household` (channel HOUSEHOLD_VISIT), in the worker's name and
 * with their authority. A photo core refuses (`input.photoUploadIds.N`) is named where the worker
 * gave it: `photosField` (`input.findings.2.photoUploadIds`, `photoUploadIds`).
 */
function openRequest(
  uow: UnitOfWork,
  household: Place,
  finding: {
    description: string;
    category?: string | null;
    title: string;
    kind: RequestKind;
    priority?: RequestPriority | null;
    photoUploads?: readonly Named<PhotoUpload>[] | null;
  },
  requester: Person,
  photosField: string,
): Promise<Request> {
  return uow
    .run(submitRequest, {
      kind: finding.kind,
      channel: RequestChannel.HOUSEHOLD_VISIT,
      title: finding.title,
      description: finding.description,
      place: household,
      category: finding.category ?? null,
      priority: finding.priority ?? null,
      photoUploads: finding.photoUploads ?? null,
      requester,
    })
    .catch((err: unknown) => {
      const photo = err instanceof DomainError ? /^input\.photoUploadIds(\..*)?$/.exec(err.field ?? '') : null;
      throw photo ? errorAt(err as DomainError, `${photosField}${photo[1] ?? ''}`) : err;
    });
}

/** The visit's day: the one given (not in the future), else today. */
function visitDay(uow: UnitOfWork, visitedOn: string | null | undefined): string {
  const day = today(uow);
  const on = visitedOn ? requireIsoDate(visitedOn, 'input.visitedOn') : day;
  if (on > day) {
    throw gridMessages.inputVisitedonFutureGive.error({ on, day }, 'input.visitedOn');
  }
  return on;
}

/** Records a visit's findings, opening a request (by `requester`) for those that ask for one. */
async function recordFindings(
  uow: UnitOfWork,
  visit: GridVisit,
  findings: readonly FindingDraft[],
  requester: Person,
): Promise<{ findingIds: string[]; requestIds: string[] }> {
  const findingIds: string[] = [];
  const requestIds: string[] = [];
  for (const [i, f] of findings.entries()) {
    const description = f.description.trim();
    const category = f.category?.trim() || null;
    const finding = uow.em.create(GridFinding, { visit, description, category, createdAt: uow.now() });
    if (f.openRequest) {
      const title = requestTitle(f, `input.findings.${i}.title`);
      const photosField = `input.findings.${i}.photoUploadIds`;
      finding.request = await openRequest(uow, visit.household, { ...f, description, category, title }, requester, photosField);
      requestIds.push(finding.request.uuid);
    }
    await uow.em.flush();
    findingIds.push(finding.uuid);
  }
  return { findingIds, requestIds };
}

/**
 * Records the signed-in grid worker's visit to a household, with the people met, the checks
 * made and the findings; a finding with `openRequest` opens a request in the same step (channel
 * HOUSEHOLD_VISIT, requester the first person met, else the worker), which is then routed to
 * the grid like any new request.
 */
export const recordGridVisit = defineCommand<
  {
    household: Named<Place>;
    visitedOn?: string | null;
    met: Named<Person>[];
    checks: VisitCheck[];
    notes?: string | null;
    findings: FindingDraft[];
  },
  GridVisit
>({
  name: 'grid.recordVisit',
  links: {
    met: {
      to: 'household',
      widen: {
        to: PlaceType.COMMUNITY,
        reason: 'People met on a household visit are often not its residents: neighbours, carers, the building head of the same community.',
      },
    },
  },
  async run(uow, { household, visitedOn, met, checks, notes, findings }) {
    const me = await uow.actingPerson();
    const day = visitDay(uow, visitedOn);
    findings.forEach((f, i) => {
      if (!f.description.trim()) {
        const field = `input.findings.${i}.description`;
        throw gridMessages.emptySayWhatFound.error({ field }, field);
      }
      if (f.photoUploads?.length && !f.openRequest) {
        const field = `input.findings.${i}.photoUploadIds`;
        throw gridMessages.photosNeedRequest.error({ field }, field);
      }
    });
    if (household.type !== PlaceType.HOUSEHOLD) {
      throw gridMessages.inputHouseholdidHousehold.error(
        { householdName: household.name, householdType: household.type },
        'input.householdId',
      );
    }
    await requireGridWorkerAt(uow, household, me, 'input.householdId');
    const visit = uow.em.create(GridVisit, {
      household,
      placePath: household.path,
      worker: me,
      visitedOn: day,
      metPersonIds: [...new Set(met.map((p) => p.uuid))],
      checks: checks.map((c) => ({ item: c.item, ok: c.ok, note: c.note?.trim() || null })),
      notes: notes?.trim() || null,
      createdAt: uow.now(),
    });
    await uow.em.flush();
    const { findingIds, requestIds } = await recordFindings(uow, visit, findings, met[0] ?? me);
    await uow.emit('grid.visit-recorded', {
      visitId: visit.uuid,
      householdId: household.uuid,
      placePath: household.path,
      workerId: me.uuid,
      findingIds,
      requestIds,
    });
    return visit;
  },
});

/**
 * Opens a request for a finding recorded earlier, once (CONFLICT if it already has one; the
 * finding is locked, so two calls at once open one). The signed-in person must be a worker of
 * the grid covering the household.
 */
export const openRequestFromFinding = defineCommand<
  { finding: Named<GridFinding>; title?: string | null; kind: RequestKind; photoUploads?: readonly Named<PhotoUpload>[] | null },
  GridFinding
>({
  name: 'grid.openRequestFromFinding',
  lock: ['finding'],
  async run(uow, { finding, title, kind, photoUploads }) {
    const me = await uow.actingPerson();
    if (finding.request) throw gridMessages.findingAlreadyOpenedRequest.error('findingId');
    const visit = await uow.em.findOneOrFail(GridVisit, { uuid: finding.visit.uuid }, { populate: ['household'] });
    await requireGridWorkerAt(uow, visit.household, me, 'findingId');
    // The first person met asked for it, if the worker may name them; else the worker.
    const met = visit.metPersonIds[0] ? await uow.em.findOne(Person, { uuid: visit.metPersonIds[0] }) : null;
    const requester = met && (await uow.canSee(met)) ? met : me;
    const request = await openRequest(
      uow,
      visit.household,
      {
        description: finding.description,
        category: finding.category,
        title: requestTitle({ title, description: finding.description }, 'title'),
        kind,
        photoUploads,
      },
      requester,
      'photoUploadIds',
    );
    finding.request = request;
    await uow.em.flush();
    await uow.emit('grid.finding-opened-request', { findingId: finding.uuid, requestId: request.uuid, placePath: request.placePath });
    return finding;
  },
});
