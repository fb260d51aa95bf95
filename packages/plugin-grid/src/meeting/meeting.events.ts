/** A grid's weekly meeting was recorded (`grid.meeting-recorded`); the next hand-off starts after it. */
export interface GridMeetingRecorded {
  meetingId: string;
  gridId: string;
  /** Materialized path of the grid's community: who may see the event. */
  placePath: string;
  /** ISO-8601 */
  heldAt: string;
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.meeting-recorded': GridMeetingRecorded;
  }
}
