import { refId } from '../graphql/loaders.js';
import { loadById } from '../graphql/loaders.js';
import { CareProfile } from '../person/care-profile.entity.js';
import { Person } from '../person/person.entity.js';
import { PersonRole } from '../person/person-role.entity.js';
import { Organization } from '../organization/organization.entity.js';
import { OrganizationMember } from '../organization/organization-member.entity.js';
import { organizationMemberIds } from '../organization/organization.queries.js';
import { Place } from '../place/place.entity.js';
import { Request } from '../request/request.entity.js';
import { PhotoUpload } from '../request/photo-upload.entity.js';
import { OrganizationFormerMember } from '../organization/organization-former-member.entity.js';
import { RequestPhoto } from '../request/request-photo.entity.js';
import { RequestTimelineEntry } from '../request/request-timeline-entry.entity.js';
import { ApiKey } from './api-key.entity.js';
import { Webhook, WebhookDelivery } from '../webhook/webhook.entity.js';
import { SensitiveAccessLogEntry } from './access-log.entity.js';
import { AuditLogEntry } from '../audit/audit-log.entity.js';
import type { PlaceRule } from './place-rule.js';
import { pathsOfRequestsHeldBy, placeOfCheckedRequest, placeOfRequest, placesOfPersonNow } from './person-places.js';

/** Which place each of core's rows belongs to. */
export const corePlaceRules: PlaceRule[] = [
  // A place's ancestors are visible too: a community's staff see where it sits, not its siblings.
  { entity: Place, place: (place: Place) => ({ path: place.path }), visibleFromBelow: true, visibleToActors: true },
  // Both read only the person's key: asked by id, the first is read beside the person (`startKeyOnlyRule`).
  {
    entity: Person,
    place: (person: Person, ctx) => placesOfPersonNow(ctx, person.uuid),
    owners: (person: Person) => [person.uuid],
    reads: [],
  },
  // Seen also where they took on a request: staff see which partner unit member took an order.
  { entity: Person, place: (person: Person, ctx) => pathsOfRequestsHeldBy(ctx, person.uuid), reads: [] },
  {
    entity: CareProfile,
    place: (care: CareProfile, ctx) => placesOfPersonNow(ctx, care.personUuid),
    owners: (care: CareProfile) => [care.personUuid],
  },
  {
    entity: PersonRole,
    reads: ['place', 'person'],
    place: (role: PersonRole) => refId(role.place),
    owners: (role: PersonRole) => [refId(role.person)],
  },
  {
    entity: Organization,
    place: (org: Organization) => refId(org.place),
    // A subdistrict's partner units (共建单位) serve the communities under it: their staff see them, to dispatch to them.
    visibleFromBelow: true,
    // Members see their own organisation wherever they live (a partner unit's staff).
    owners: (org: Organization, ctx) => organizationMemberIds(ctx, org.uuid),
  },
  {
    entity: OrganizationMember,
    place: async (member: OrganizationMember, ctx) => refId((await loadById(ctx, Organization, refId(member.organization)!))?.place),
    owners: (member: OrganizationMember) => [refId(member.person)],
  },
  // A membership that ended is seen where the organisation is, and by who held it.
  {
    entity: OrganizationFormerMember,
    place: async (former: OrganizationFormerMember, ctx) => refId((await loadById(ctx, Organization, refId(former.organization)!))?.place),
    owners: (former: OrganizationFormerMember) => [refId(former.person)],
  },
  {
    entity: Request,
    reads: ['placePath', 'requester', 'dispatchedTo'],
    place: (request: Request, ctx) => placeOfCheckedRequest(ctx, request),
    // The requester, and the members of the partner unit it was dispatched to (下单), only that request.
    owners: async (request: Request, ctx) => [
      refId(request.requester),
      ...(request.dispatchedTo ? await organizationMemberIds(ctx, refId(request.dispatchedTo)!) : []),
    ],
  },
  // The request's place: known at once when the operation has checked the request (a board's rows and their last entries).
  {
    entity: RequestTimelineEntry,
    reads: ['request'],
    place: (entry: RequestTimelineEntry, ctx) => placeOfRequest(ctx, refId(entry.request)!),
  },
  // A photo is seen with its request.
  {
    entity: RequestPhoto,
    reads: ['request'],
    place: (photo: RequestPhoto, ctx) => placeOfRequest(ctx, refId(photo.request)!),
  },
  // An upload is its uploader's until a request shows it (then it is seen as the request's photo, by its link).
  { entity: PhotoUpload, owners: (upload: PhotoUpload) => [upload.ownerId] },
  // Only callers who see everywhere (administrators, the system) see keys.
  { entity: ApiKey },
  // A webhook and its deliveries belong to the key or person that created it (and to administrators).
  { entity: Webhook, owners: (webhook: Webhook) => [webhook.ownerId] },
  {
    entity: WebhookDelivery,
    owners: async (delivery: WebhookDelivery, ctx) => [(await loadById(ctx, Webhook, delivery.webhookId))?.ownerId],
  },
  {
    entity: SensitiveAccessLogEntry,
    place: (entry: SensitiveAccessLogEntry, ctx) => placesOfPersonNow(ctx, entry.subjectId),
    owners: (entry: SensitiveAccessLogEntry) => [entry.subjectId],
  },
  // At the places of the row changed; entries of no place only for those who see everywhere.
  { entity: AuditLogEntry, place: (entry: AuditLogEntry) => entry.placePaths.map((path) => ({ path })) },
];
