/** A clock tests move by hand: `now` for the platform (pass it as is), `advance()` to pass time. */
export interface TestClock {
  now: () => Date;
  set: (to: Date | string) => void;
  advance: (ms: number) => void;
}

export function createTestClock(start: Date | string = '2026-06-01T09:00:00+08:00'): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (to) => {
      current = new Date(to).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
