export * from './auth/access.js';
export * from './auth/api-key.entity.js';
export { createApiKey, registerApiKey, rotateApiKey } from './auth/api-key.commands.js';
export { findApiKey } from './auth/api-key.queries.js';
export * from './auth/authenticator.js';
export * from './auth/revocation-feed.js';
export * from './auth/authorize.js';
export * from './auth/permission.js';
export * from './auth/person-places.js';
export * from './auth/person-token.js';
export * from './auth/place-rule.js';
export { canSee, placePath } from './auth/scope-guard.js';
export { readSensitive } from './auth/sensitive.js';
export { markSensitive, REDACTED } from './audit/audit-trail.js';
export { AuditChange, AuditLogEntry } from './audit/audit-log.entity.js';
export * from './board/board-item.js';
export * from './command/command.js';
export * from './command/domain-error.js';
export * from './i18n/catalog.js';
export { coreMessages, isNotFound, notFound } from './i18n/core-messages.js';
export {
  checkMutationPayloads,
  payloadType,
  resultFieldOf,
  UserError,
  type Payload,
  type PayloadClass,
  type PayloadOf,
  type PayloadTypeOptions,
} from './command/payload.js';
export { Ref, RefArg, RefField, type RefOptions, type RefTarget } from './command/reference.js';
export { referenceOf, type ReferenceExtension } from './command/reference-binding.js';
export * from './board/board-hub.js';
export { boardLog, BoardSources, type BoardLogEntry, type BoardLogState } from './board/board-log.js';
export * from './board/board-transport.js';
export { TaskBoard, TaskBoardCard, TaskBoardChange, TaskBoardFilter } from './board/board.resolver.js';
export * from './attached.js';
export * from './context.js';
export * from './database/database-url.js';
export * from './database/embedded-postgres.js';
export { endPool, isDatabaseUnavailable, reclaimLostConnections } from './database/pool.js';
export * from './database/rows.js';
export { executePrepared, executePreparedLater, preparedStatementChannel } from './database/prepared-statements.js';
export { NOTHING_WRITTEN, writeOrUndo, type WhyNothingWritten } from './command/held-write.js';
export * from './database/notification-listener.js';
export * from './errors.js';
export * from './events/event-bus.js';
export {
  EVENT_NAME,
  type EventCatalog,
  type EventDescription,
  type EventPayloadField,
  type EventType,
  type PluginEventCatalog,
} from './events/event-catalog.js';
export {
  eventOutbox,
  OUTBOX_DEFAULTS,
  retryDelayMs,
  type FailedDelivery,
  type OutboxDepth,
  type OutboxOptions,
  type OutboxRow,
} from './events/outbox.js';
export * from './graphql/loaders.js';
export { keepRowsInProcess } from './graphql/kept-rows.js';
export { BoundedList } from './graphql/bounded-list.js';
export * from './graphql/relation-field.js';
export { ByParentKey } from './graphql/by-parent-key.js';
export { pageColumns, rowColumns } from './graphql/page-columns.js';
export * from './graphql/user-error.js';
export * from './logger.js';
export * from './migrations/migration.js';
export * from './migrations/migrator.js';
export * from './platform.js';
export * from './plugin/composition.js';
export * from './plugin/plugin.js';
export { pluginTables } from './plugin/plugin-tables.js';
export { intervalOptionProblem, rangeOptionProblem, timeZoneOptionProblem } from './plugin/option-problems.js';
export {
  runBatchesAsSystem,
  runEachAsSystem,
  type ScheduledRound,
  type ScheduledTask,
  type ScheduledTaskTotals,
} from './plugin/scheduled-task.js';
export { type CheckedExport, type ExportColumn, type SpreadsheetExport, type Words } from './plugin/spreadsheet-export.js';
export * from './relay/connection.js';
export * from './relay/global-id.js';
export { addDays, atLocalTime, DEFAULT_TIME_ZONE, isTimeZone, localDate, localDateTime, startOfLocalDay } from './calendar.js';
export * from './relay/node.js';
export * from './relay/node-entity.js';
export * from './person/person.entity.js';
export * from './person/person-role.entity.js';
export * from './person/care-profile.entity.js';
export { ERASED_NAME, erasedRows, type PersonalDataPolicy } from './person/personal-data.js';
export * from './person/person.queries.js';
export * from './command/iso-date.js';
export { newName } from './command/new-name.js';
export * from './organization/organization.entity.js';
export * from './organization/organization-member.entity.js';
export * from './organization/organization.queries.js';
export * from './place/place.entity.js';
export * from './place/place.queries.js';
export { CORE_VERSION, packageVersion, peerRange } from './version.js';
export * from './request/request.types.js';
export * from './request/request.entity.js';
export type * from './request/request.events.js';
export type * from './person/person.events.js';
export * from './request/request.commands.js';
export * from './request/request-duplicate.commands.js';
export { addRequestPhoto, isPhotoType, MAX_UNATTACHED_UPLOADS, removeRequestPhoto, uploadPhoto } from './request/request-photo.commands.js';
export { PHOTO_TYPES, type PhotoType, PhotoUpload } from './request/photo-upload.entity.js';
export { PHOTO_PATH, PhotoLinks, THUMBNAIL_SUFFIX } from './request/photo-links.js';
export { THUMBNAIL_SIDE, THUMBNAIL_TYPE, thumbnailOf } from './request/photo-thumbnail.js';
export { NotAPicture, withoutMetadata } from './request/photo-metadata.js';
export { remindDueRequest } from './request/request-due.commands.js';
export { DUE_REMINDERS_LABEL, remindDueRequests, type RequestReminderOptions } from './request/request-due.task.js';
export * from './webhook/webhook.entity.js';
export { checkWebhookUrl } from './webhook/webhook.commands.js';
export { WEBHOOK_DEFAULTS, WebhookDispatcher, type WebhookOptions } from './webhook/webhook.dispatcher.js';
export { WEBHOOK_FAN_OUT } from './webhook/webhook.fan-out.js';
export { newWebhookSecret, signWebhook, webhookSignatureHeader } from './webhook/webhook-signature.js';
export * from './person/person.commands.js';
export * from './place/place.commands.js';
export * from './organization/organization.commands.js';
export * from './request/request.queries.js';
export { RequestPerformance, requestPerformanceOf } from './request/request-performance.resolver.js';
export type { FoldRound, FoldTotals, RequestCountOptions } from './request/request-count-folder.js';
export { LOG_RETENTION_FLOOR_DAYS, type LogRetentionOptions, type PruneRound, type PruneTotals } from './audit/log-retention.js';
export * from './request/request-timeline-entry.entity.js';
export * from './seed/scale-seed.js';
