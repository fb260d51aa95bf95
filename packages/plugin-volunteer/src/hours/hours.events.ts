import type { VolunteerServiceDeclined, VolunteerServiceLogged, VolunteerServiceVerified } from '../events.js';

/** What service hours announce: logged, verified (the moral bank credits it), declined. */
export type VolunteerHoursEventName = 'volunteer.service-logged' | 'volunteer.service-verified' | 'volunteer.service-declined';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    /** A service-hour entry was logged and waits for verification. */
    'volunteer.service-logged': VolunteerServiceLogged;
    /** A service-hour entry was verified by community staff. */
    'volunteer.service-verified': VolunteerServiceVerified;
    /** A service-hour entry was declined, with a reason. */
    'volunteer.service-declined': VolunteerServiceDeclined;
  }
}
