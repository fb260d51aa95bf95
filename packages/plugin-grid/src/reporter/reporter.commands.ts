import {
  assignRole,
  defineCommand,
  type Named,
  Permission,
  type Person,
  PersonRoleKind,
  type Place,
  PlaceType,
  RequestChannel,
  type RequestKind,
  type RequestPriority,
  requireIsoDate,
  submitRequest,
} from '@gongzhi/core';
import { today } from '../options.js';
import { GridReport, GridReporter, type GridReporterKind } from './reporter.entity.js';
import { openRegistrationsOf } from './reporter.queries.js';
import { gridMessages } from '../messages.js';

/** Little bees (小蜜蜂): registering mobile reporters for an area, and their reports. */

/** A registration, as the subdistrict's staff make it. */
export interface NewReporter {
  person: Named<Person>;
  area: Named<Place>;
  kind: GridReporterKind;
  employer?: string | null;
  startsOn?: string | null;
}

/**
 * Registers a person as a little bee for an area (a subdistrict or a community): staff with
 * `people.manage` there do it, and in the same step core's `assignRole` gives the person the role
 * `courier_reporter` at the area, which lets them submit requests anywhere in it.
 */
export const registerReporter = defineCommand<NewReporter, GridReporter>({
  name: 'grid.registerReporter',
  async run(uow, { person, area, kind, employer, startsOn }) {
    if (area.type !== PlaceType.SUBDISTRICT && area.type !== PlaceType.COMMUNITY) {
      throw gridMessages.inputAreaidSubdistrictCommunity.error({ areaName: area.name, areaType: area.type }, 'input.areaId');
    }
    uow.actor.authorize(Permission.PEOPLE_MANAGE, area.path);
    const from = startsOn ? requireIsoDate(startsOn, 'input.startsOn') : today(uow);
    const works = employer?.trim() || null;
    if (works && works.length > 100) throw gridMessages.inputEmployerMostCharacters.error({ worksLength: works.length }, 'input.employer');
    // The right to report anywhere in the area is core's: a role, given through core's command.
    await uow.run(assignRole, { person, place: area, role: PersonRoleKind.COURIER_REPORTER, startsOn: from, endsOn: null });
    const reporter = uow.em.create(GridReporter, {
      person,
      area,
      areaPath: area.path,
      kind,
      employer: works,
      startsOn: from,
      registeredBy: uow.actor.personId ? await uow.actingPerson() : null,
      createdAt: uow.now(),
    });
    await uow.em.flush();
    await uow.emit('grid.reporter-registered', { reporterId: reporter.uuid, personId: person.uuid, placePath: area.path });
    return reporter;
  },
});

/** What a little bee reports, and where they stand. */
export interface NewReport {
  place: Named<Place>;
  kind: RequestKind;
  title: string;
  description?: string | null;
  category?: string | null;
  priority?: RequestPriority | null;
  latitude: number;
  longitude: number;
  locationNote?: string | null;
}

function requireCoordinate(value: number, limit: number, field: string): number {
  if (!Number.isFinite(value) || Math.abs(value) > limit) throw gridMessages.numberFromWgsDegrees.error({ field, limit, value }, field);
  return value;
}

/**
 * The signed-in little bee reports what they see at a place anywhere in an area they are
 * registered for: core's `submitRequest` opens the request there (channel MOBILE_REPORT, the bee
 * its requester), routed to the covering grid like any new request, and the report keeps where
 * the bee stood.
 */
export const reportAsLittleBee = defineCommand<NewReport, GridReport>({
  name: 'grid.reportAsLittleBee',
  requiresPerson: true,
  async run(uow, input) {
    const bee = await uow.actingPerson();
    const registrations = await openRegistrationsOf(uow.em, bee.uuid, today(uow));
    if (!registrations.length) {
      throw gridMessages.registeredLittleBeeSubdistrict.error({ beeName: bee.name });
    }
    const registration = registrations.find((r) => input.place.path.startsWith(r.areaPath));
    if (!registration) {
      throw gridMessages.outsideAreaReportsReport.error({ placeName: input.place.name, beeName: bee.name }, 'input.placeId');
    }
    const latitude = requireCoordinate(input.latitude, 90, 'input.latitude');
    const longitude = requireCoordinate(input.longitude, 180, 'input.longitude');
    const request = await uow.run(submitRequest, {
      kind: input.kind,
      channel: RequestChannel.MOBILE_REPORT,
      title: input.title,
      description: input.description ?? '',
      place: input.place,
      category: input.category ?? null,
      priority: input.priority ?? null,
      requester: bee,
    });
    const report = uow.em.create(GridReport, {
      reporter: registration,
      person: bee,
      request,
      placePath: input.place.path,
      latitude,
      longitude,
      locationNote: input.locationNote?.trim() || null,
      createdAt: uow.now(),
    });
    await uow.em.flush();
    await uow.emit('grid.little-bee-reported', { reportId: report.uuid, requestId: request.uuid, placePath: input.place.path });
    return report;
  },
});
