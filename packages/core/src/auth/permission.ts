import { PersonRoleKind } from '../person/person-role.entity.js';

/**
 * What a caller may do, on top of seeing rows under its places. Permissions are plain
 * strings so plugins can add their own (`grid.visit.write`); core's are listed here.
 */
export const Permission = {
  /** Submit a request (a resident's wish, a hotline order, a worker's finding). */
  REQUEST_SUBMIT: 'request.submit',
  /** Accept, assign, escalate, move and import requests (community and grid staff). */
  REQUEST_MANAGE: 'request.manage',
  /** Claim a request for oneself. */
  REQUEST_CLAIM: 'request.claim',
  /** Create places, people, roles, organisations and memberships. */
  PEOPLE_MANAGE: 'people.manage',
  /** Read sensitive personal data (care profiles, phone numbers); every read is logged. */
  SENSITIVE_READ: 'sensitive.read',
  /** Read the access log of sensitive data. */
  AUDIT: 'audit',
  /** Create and revoke API keys. */
  API_KEY_MANAGE: 'api-key.manage',
  /** Create, rotate, enable and delete one's own outbound webhooks, and replay their deliveries. */
  WEBHOOK_MANAGE: 'webhook.manage',
  /** Erase a person's personal data on their request (no role grants it: give it to a data officer's key). */
  PERSONAL_DATA_ERASE: 'personal-data.erase',
} as const;

/** A permission a caller may hold: core's or a plugin's. */
export type PermissionName = (typeof Permission)[keyof typeof Permission] | (string & {});

/** Holding this grants every permission (the demo admin key, operators). */
export const ALL_PERMISSIONS = '*';

const { REQUEST_SUBMIT, REQUEST_MANAGE, REQUEST_CLAIM, PEOPLE_MANAGE, SENSITIVE_READ, WEBHOOK_MANAGE } = Permission;

/**
 * Core permissions each role grants at its place (and everywhere under it). Plugins add
 * theirs through `permissions` in their definition.
 */
export const CORE_ROLE_PERMISSIONS: Readonly<Record<PersonRoleKind, readonly PermissionName[]>> = {
  [PersonRoleKind.RESIDENT]: [REQUEST_SUBMIT],
  // Community staff may have the community's events sent to the office's tools.
  [PersonRoleKind.SOCIAL_WORKER]: [REQUEST_SUBMIT, REQUEST_MANAGE, REQUEST_CLAIM, PEOPLE_MANAGE, SENSITIVE_READ, WEBHOOK_MANAGE],
  [PersonRoleKind.AUXILIARY_SOCIAL_WORKER]: [REQUEST_SUBMIT, REQUEST_CLAIM],
  [PersonRoleKind.GRID_WORKER]: [REQUEST_SUBMIT, REQUEST_MANAGE, REQUEST_CLAIM, SENSITIVE_READ],
  [PersonRoleKind.BUILDING_HEAD]: [REQUEST_SUBMIT, REQUEST_CLAIM],
  [PersonRoleKind.COURTYARD_HEAD]: [REQUEST_SUBMIT, REQUEST_CLAIM],
  [PersonRoleKind.PARTY_MEMBER]: [REQUEST_SUBMIT, REQUEST_CLAIM],
  [PersonRoleKind.VOLUNTEER]: [REQUEST_SUBMIT, REQUEST_CLAIM],
  [PersonRoleKind.PROPERTY_STAFF]: [REQUEST_SUBMIT, REQUEST_CLAIM],
  [PersonRoleKind.COURIER_REPORTER]: [REQUEST_SUBMIT],
};

/**
 * Roles that let their holder act at the role's place (and under it) without seeing the rows
 * there: a little bee (小蜜蜂) reports anywhere in its area, but reads only what it reported
 * (as the requester, through the place rules' owners), never the area's residents and requests.
 */
export const ACT_ONLY_ROLES: ReadonlySet<string> = new Set<string>([PersonRoleKind.COURIER_REPORTER]);
