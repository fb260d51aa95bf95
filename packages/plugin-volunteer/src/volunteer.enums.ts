import { registerEnumType } from 'type-graphql';

/** What kind of volunteer team (志愿服务队) it is. */
export enum VolunteerTeamKind {
  MUTUAL_AID = 'mutual_aid',
  YOUTH_COMMANDO = 'youth_commando',
  CANDLE_LIGHT = 'candle_light',
  ARTS = 'arts',
  COMMUNITY_STEWARD = 'community_steward',
  OTHER = 'other',
}
registerEnumType(VolunteerTeamKind, {
  name: 'VolunteerTeamKind',
  description:
    'Neighbourly mutual aid (邻里互助), youth commando from a company (青年突击队), candle-light team of working party members (烛光队), arts team, community steward (社区管家), other.',
});

/** A member's role in a team. */
export enum VolunteerMemberRole {
  LEADER = 'leader',
  MEMBER = 'member',
}
registerEnumType(VolunteerMemberRole, { name: 'VolunteerMemberRole', description: 'Leader (队长) or member of a volunteer team.' });

/** Where an application to a recruitment call stands. */
export enum VolunteerApplicationStatus {
  PENDING = 'pending',
  WAITLISTED = 'waitlisted',
  ACCEPTED = 'accepted',
  DECLINED = 'declined',
  WITHDRAWN = 'withdrawn',
}
registerEnumType(VolunteerApplicationStatus, {
  name: 'VolunteerApplicationStatus',
  description: 'PENDING (the leader decides), WAITLISTED (the call was full when signing up), ACCEPTED, DECLINED, WITHDRAWN.',
});

/** What a pairing's care plan covers. */
export enum VolunteerCareItem {
  ESCORT_TO_HOSPITAL = 'escort_to_hospital',
  MEDICINE = 'medicine',
  HOUSEWORK = 'housework',
  GROCERIES = 'groceries',
  COMPANY = 'company',
  OTHER = 'other',
}
registerEnumType(VolunteerCareItem, {
  name: 'VolunteerCareItem',
  description: 'Items of a care plan: escort to hospital, medicine, housework, groceries, company, other.',
});

/** What a volunteer task is. */
export enum VolunteerTaskKind {
  GROCERIES = 'groceries',
  MEDICINE = 'medicine',
  ESCORT = 'escort',
  RUBBISH = 'rubbish',
  HOME_TEST = 'home_test',
  HOUSEWORK = 'housework',
  OTHER = 'other',
}
registerEnumType(VolunteerTaskKind, {
  name: 'VolunteerTaskKind',
  description: 'Deliver groceries, deliver medicine, escort (to hospital), carry rubbish, help nurses with home tests, housework, other.',
});

/** A task's life: open › claimed › done; or cancelled. */
export enum VolunteerTaskStatus {
  OPEN = 'open',
  CLAIMED = 'claimed',
  DONE = 'done',
  CANCELLED = 'cancelled',
}
registerEnumType(VolunteerTaskStatus, {
  name: 'VolunteerTaskStatus',
  description: 'OPEN › CLAIMED (by one volunteer) › DONE (reported); or CANCELLED.',
});

/** Where service hours came from (the event contract's `source`, lower-cased in the database). */
export enum VolunteerServiceSource {
  SHIFT = 'shift',
  TASK = 'task',
  MANUAL = 'manual',
  CORRECTION = 'correction',
}
registerEnumType(VolunteerServiceSource, {
  name: 'VolunteerServiceSource',
  description: 'SHIFT (check-in/out), TASK (reported done), MANUAL (reported by hand), CORRECTION (of an approved entry).',
});

/** Verification state of a service-hour entry. */
export enum VolunteerServiceStatus {
  PENDING = 'pending',
  APPROVED = 'approved',
  DECLINED = 'declined',
}
registerEnumType(VolunteerServiceStatus, {
  name: 'VolunteerServiceStatus',
  description: 'PENDING until community staff approve or decline it (once).',
});
