import type { VolunteerApplicationChanged, VolunteerRecruitmentPosted } from '../events.js';

/** What recruitment announces: a call posted, an application's new status. */
export type VolunteerRecruitmentEventName = 'volunteer.recruitment-posted' | 'volunteer.application-changed';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'volunteer.recruitment-posted': VolunteerRecruitmentPosted;
    'volunteer.application-changed': VolunteerApplicationChanged;
  }
}
