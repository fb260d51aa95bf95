import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from './auth/api-key.entity.js';
import { AccessResolver, PersonalDataExportResolver } from './auth/access.resolver.js';
import { SensitiveAccessLogEntry } from './auth/access-log.entity.js';
import { corePlaceRules } from './auth/core-place-rules.js';
import type { PlaceRule } from './auth/place-rule.js';
import type { ConstraintError } from './command/command.js';
import type { MessageCatalog } from './i18n/catalog.js';
import { PlatformResolver, PluginInfo } from './graphql/platform.resolver.js';
import { access } from './migrations/core/0006_access.js';
import { places } from './migrations/core/0001_places.js';
import { people } from './migrations/core/0002_people.js';
import { rolesAndCare } from './migrations/core/0003_roles_and_care.js';
import { organizations } from './migrations/core/0004_organizations.js';
import type { Migration } from './migrations/migration.js';
import type { ClassType } from './plugin/plugin.js';
import { Person } from './person/person.entity.js';
import { PersonRole } from './person/person-role.entity.js';
import { CareProfile } from './person/care-profile.entity.js';
import { PersonResolver, PersonRolesResolver } from './person/person.resolver.js';
import { Organization } from './organization/organization.entity.js';
import { OrganizationMember } from './organization/organization-member.entity.js';
import {
  OrganizationFormerMembersResolver,
  OrganizationMembersResolver,
  OrganizationResolver,
  PersonOrganizationsResolver,
  PlaceOrganizationsResolver,
} from './organization/organization.resolver.js';
import { Place } from './place/place.entity.js';
import { PlaceResolver } from './place/place.resolver.js';
import { NodeResolver } from './relay/node.resolver.js';
import { seedDemo } from './seed/demo-seed.js';
import { corePersonalData } from './person/erasure.js';
import { ErasureResolver } from './person/erasure.resolver.js';
import type { PersonalDataPolicy } from './person/personal-data.js';
import { personErasure } from './migrations/core/0030_person_erasure.js';
import { logRetention } from './migrations/core/0031_log_retention.js';
import { requestDuplicates } from './migrations/core/0032_request_duplicates.js';
import { apiKeyRotationGrace } from './migrations/core/0033_api_key_rotation_grace.js';
import { requestPhotos } from './migrations/core/0034_request_photos.js';
import { requestDueReminders } from './migrations/core/0035_request_due_reminders.js';
import { photoUploads } from './migrations/core/0036_photo_uploads.js';
import { organizationFormerMembers } from './migrations/core/0037_organization_former_members.js';
import { textSearch } from './migrations/core/0038_text_search.js';
import { photoLinkKeyAge } from './migrations/core/0039_photo_link_key_age.js';
import { photoThumbnails } from './migrations/core/0040_photo_thumbnails.js';
import { searchOneCharacter } from './migrations/core/0041_search_one_character.js';
import { personNameOneCharacter } from './migrations/core/0042_person_name_one_character.js';
import { photoThumbnailsDue } from './migrations/core/0043_photo_thumbnails_due.js';
import { OrganizationFormerMember } from './organization/organization-former-member.entity.js';
import type { ScheduledTask } from './plugin/scheduled-task.js';
import type { SpreadsheetExport } from './plugin/spreadsheet-export.js';
import { requestsExport } from './request/request.export.js';
import { requestPerformanceExport } from './request/request-performance.export.js';
import { dueRemindersTask, type RequestReminderOptions } from './request/request-due.task.js';
import { requests } from './migrations/core/0005_requests.js';
import { boardLog } from './migrations/core/0007_board_log.js';
import { boardNumberedAtCommit } from './migrations/core/0023_board_numbered_at_commit.js';
import { personGrantsNotice } from './migrations/core/0024_person_grants_notice.js';
import { readerNameGenericPlan } from './migrations/core/0025_reader_name_generic_plan.js';
import { requestCountStripeByTransaction } from './migrations/core/0026_request_count_stripe_by_transaction.js';
import { expectWritten } from './migrations/core/0027_expect_written.js';
import { keptRowsNotice } from './migrations/core/0028_kept_rows_notice.js';
import { requestCountFold } from './migrations/core/0029_request_count_fold.js';
import { timelineActorLabel } from './migrations/core/0008_timeline_actor_label.js';
import { eventOutbox } from './migrations/core/0009_event_outbox.js';
import { rateLimit } from './migrations/core/0010_rate_limit.js';
import { requestDeadlines } from './migrations/core/0012_request_deadlines.js';
import { requestClientTokens } from './migrations/core/0015_request_client_tokens.js';
import { auditLogAndDispatch } from './migrations/core/0014_audit_log_and_dispatch.js';
import { AuditLogEntry } from './audit/audit-log.entity.js';
import { AuditLogResolver } from './audit/audit-log.resolver.js';
import { markSensitive } from './audit/audit-trail.js';
import { requestReadPaths } from './migrations/core/0011_request_read_paths.js';
import { apiKeyRevocationNotice } from './migrations/core/0016_api_key_revocation_notice.js';
import { trustedDocuments } from './migrations/core/0019_trusted_documents.js';
import { requestTimelineOrder } from './migrations/core/0020_request_timeline_order.js';
import { connectionOrders } from './migrations/core/0021_connection_orders.js';
import { webhookChangeNotice } from './migrations/core/0022_webhook_change_notice.js';
import { EventOutboxResolver } from './events/event-outbox.resolver.js';
import { webhooks } from './migrations/core/0013_webhooks.js';
import { Webhook, WebhookDelivery } from './webhook/webhook.entity.js';
import { WebhookDeliveryResolver, WebhookResolver } from './webhook/webhook.resolver.js';
import type { BoardItemSource } from './board/board-item.js';
import { TaskBoardCardResolver, TaskBoardResolver } from './board/board.resolver.js';
import { requestBoardItems } from './request/request.board.js';
import { Request } from './request/request.entity.js';
import { RequestResolver, RequestTimelineResolver } from './request/request.resolver.js';
import { RequestDuplicateResolver, RequestDuplicatesResolver } from './request/request-duplicate.resolver.js';
import { RequestPhotoResolver, RequestPhotosResolver, RequestPhotoUrlResolver } from './request/request-photo.resolver.js';
import { PhotoUpload } from './request/photo-upload.entity.js';
import { leftUploadsTask } from './request/left-uploads.task.js';
import { photoThumbnailsTask } from './request/photo-thumbnails.task.js';
import { photoLinkKeyTask } from './request/photo-link-key.task.js';
import { RequestPhoto } from './request/request-photo.entity.js';
import { RequestStatsResolver } from './request/request-stats.resolver.js';
import { RequestPerformanceResolver } from './request/request-performance.resolver.js';
import { WishWallResolver } from './request/wish-wall.resolver.js';
import { RequestTimelineEntry } from './request/request-timeline-entry.entity.js';
import { coreMessages } from './i18n/core-messages.js';
import type { EventCatalog } from './events/event-catalog.js';
import { requestEvents } from './request/request.events.js';
import { personEvents } from './person/person.events.js';
import { placeEvents } from './place/place.events.js';

// Care attributes are sensitive as a whole: the audit log says a profile changed, never how.
// (Phone numbers and key secrets are sensitive by their names.)
markSensitive(CareProfile, 'all');

/** Core's own contribution, composed by the host exactly like a plugin's. */
export const coreModule: {
  entities: ClassType[];
  migrations: readonly Migration[];
  resolvers: ClassType[];
  orphanedTypes: ClassType[];
  placeRules: PlaceRule[];
  personalData: PersonalDataPolicy;
  seed: (em: EntityManager, clock: () => Date) => Promise<void>;
  boardItems: readonly BoardItemSource[];
  constraintErrors: Record<string, ConstraintError>;
  /** Core's error messages in every locale. */
  messages: MessageCatalog;
  /** The first segment of core's event names (`request.created`): events anybody may listen to. */
  eventNamespaces: readonly string[];
  /** Every event core emits, described (its catalog, as a plugin's `events`). */
  events: EventCatalog;
  /** Core's background work, run as plugins' is (`core.<id>` in logs and metrics). */
  scheduledTasks: readonly ScheduledTask<RequestReminderOptions>[];
  /** Core's lists as spreadsheets (`/export/requests.csv`). */
  spreadsheetExports: readonly SpreadsheetExport[];
} = {
  entities: [
    Place,
    Person,
    PersonRole,
    CareProfile,
    Organization,
    OrganizationMember,
    OrganizationFormerMember,
    Request,
    RequestTimelineEntry,
    RequestPhoto,
    PhotoUpload,
    ApiKey,
    SensitiveAccessLogEntry,
    Webhook,
    WebhookDelivery,
    AuditLogEntry,
  ],
  migrations: [
    places,
    people,
    rolesAndCare,
    organizations,
    requests,
    access,
    boardLog,
    timelineActorLabel,
    eventOutbox,
    rateLimit,
    requestReadPaths,
    requestDeadlines,
    webhooks,
    auditLogAndDispatch,
    requestClientTokens,
    apiKeyRevocationNotice,
    trustedDocuments,
    requestTimelineOrder,
    connectionOrders,
    webhookChangeNotice,
    boardNumberedAtCommit,
    personGrantsNotice,
    readerNameGenericPlan,
    requestCountStripeByTransaction,
    expectWritten,
    keptRowsNotice,
    requestCountFold,
    personErasure,
    logRetention,
    requestDuplicates,
    apiKeyRotationGrace,
    requestPhotos,
    requestDueReminders,
    photoUploads,
    organizationFormerMembers,
    textSearch,
    photoLinkKeyAge,
    photoThumbnails,
    searchOneCharacter,
    personNameOneCharacter,
    photoThumbnailsDue,
  ],
  resolvers: [
    PlatformResolver,
    EventOutboxResolver,
    NodeResolver,
    PlaceResolver,
    PersonResolver,
    PersonRolesResolver,
    OrganizationResolver,
    OrganizationMembersResolver,
    OrganizationFormerMembersResolver,
    PersonOrganizationsResolver,
    PlaceOrganizationsResolver,
    RequestResolver,
    RequestTimelineResolver,
    RequestDuplicateResolver,
    RequestDuplicatesResolver,
    RequestPhotoResolver,
    RequestPhotoUrlResolver,
    RequestPhotosResolver,
    RequestStatsResolver,
    RequestPerformanceResolver,
    WishWallResolver,
    AccessResolver,
    PersonalDataExportResolver,
    ErasureResolver,
    AuditLogResolver,
    TaskBoardResolver,
    TaskBoardCardResolver,
    WebhookResolver,
    WebhookDeliveryResolver,
  ],
  placeRules: corePlaceRules,
  personalData: corePersonalData,
  // An upload is read by its id (node(id:)) and passed by it: no field returns one.
  orphanedTypes: [PluginInfo, PhotoUpload],
  seed: seedDemo,
  boardItems: [requestBoardItems],
  scheduledTasks: [dueRemindersTask, leftUploadsTask, photoLinkKeyTask, photoThumbnailsTask],
  spreadsheetExports: [requestsExport, requestPerformanceExport],
  messages: coreMessages,
  eventNamespaces: ['request', 'place', 'person', 'organization', 'board'],
  events: { ...requestEvents, ...personEvents, ...placeEvents },
  // What core's unique constraints mean when two requests race past the checks before them.
  constraintErrors: {
    place_code_key: { message: coreMessages.constraintPlaceCodeKey, field: 'input.code' },
    request_photo_upload_once: { message: coreMessages.constraintRequestPhotoUploadOnce, field: 'uploadId' },
    organization_member_organization_id_person_id_unique: {
      message: coreMessages.constraintOrganizationMemberOrganizationIdPersonIdUnique,
      field: 'personId',
    },
  },
};
