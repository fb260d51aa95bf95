/**
 * Role dates are days of the district's calendar (`timeZone`, Asia/Shanghai unless set): a role
 * ending on a day holds until that day's midnight in Beijing, 16:00 UTC, not until UTC's (08:00 the
 * next morning in Beijing), and one starting on a day holds from that midnight on. Seen through
 * `viewer`, as the person signed in.
 */
import { Person, PersonRole, PersonRoleKind, type Place, PlaceType } from '@gongzhi/core';
import { createTestApp, createTestClock, placeWriter, type TestApp } from '@gongzhi/core/testing';

const clock = createTestClock();
let app: TestApp;
let utcApp: TestApp;

/** A person living in one community, with a role ending on 2026-03-31 in another and one starting on 2026-04-01 in a third. */
async function district(on: TestApp): Promise<Person> {
  const em = on.platform.orm.em.fork();
  const place = placeWriter(em);
  const street = place(PlaceType.SUBDISTRICT, 'S', '方庄街道', place(PlaceType.DISTRICT, 'D', '丰台区', null));
  const community = (code: string, name: string): Place => place(PlaceType.COMMUNITY, code, name, street);
  const home = place(PlaceType.HOUSEHOLD, 'HOME', '芳星园三区20号楼101', community('FXY', '芳星园社区'));
  const person = em.create(Person, { name: '王小丽', household: home });
  em.create(PersonRole, {
    person,
    place: community('FCY', '芳城园社区'),
    role: PersonRoleKind.GRID_WORKER,
    startsOn: '2026-01-01',
    endsOn: '2026-03-31',
  });
  em.create(PersonRole, { person, place: community('PXY', '蒲芳路社区'), role: PersonRoleKind.GRID_WORKER, startsOn: '2026-04-01' });
  await em.flush();
  return person;
}

const VIEWER = '{ viewer { places { code } } }';
const placesOf = async (on: TestApp, person: Person) =>
  (await on.run(VIEWER, {}, { caller: { id: person.uuid, kind: 'person' } })).viewer.places.map((p: { code: string }) => p.code).sort();

beforeAll(async () => {
  app = await createTestApp({ clock: clock.now });
  utcApp = await createTestApp({ clock: clock.now, timeZone: 'UTC' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await utcApp?.close();
});

test("a role's last day ends at the district's midnight, and the next role begins there", async () => {
  const person = await district(app);
  clock.set('2026-03-31T23:30:00+08:00'); // 15:30 UTC
  expect(await placesOf(app, person)).toEqual(['FCY', 'HOME']);
  clock.set('2026-04-01T00:30:00+08:00'); // 16:30 UTC, still 31 March there
  expect(await placesOf(app, person)).toEqual(['HOME', 'PXY']);
});

test('a platform told its district keeps UTC days counts them so', async () => {
  const person = await district(utcApp);
  clock.set('2026-04-01T00:30:00+08:00');
  expect(await placesOf(utcApp, person)).toEqual(['FCY', 'HOME']);
  clock.set('2026-04-01T08:30:00+08:00'); // 00:30 UTC on 1 April
  expect(await placesOf(utcApp, person)).toEqual(['HOME', 'PXY']);
});

test('the API says which calendar its days are in, to anyone (as it says its version)', async () => {
  expect(await app.run('{ timeZone }', {}, { caller: null })).toEqual({ timeZone: 'Asia/Shanghai' });
  expect(await utcApp.run('{ timeZone }', {}, { caller: null })).toEqual({ timeZone: 'UTC' });
});

test('a time zone the runtime does not know stops the start, naming the fix', async () => {
  await expect(createTestApp({ timeZone: 'Asia/Beijing' })).rejects.toThrow(
    /"Asia\/Beijing" is not one this runtime knows\. Fix: give an IANA time zone such as "Asia\/Shanghai"/,
  );
});

test('a wall-clock time of a time zone is its instant, through changes of clocks', async () => {
  const { atLocalTime, localDateTime } = await import('@gongzhi/core');
  expect(atLocalTime('2026-06-15', '18:00', 'Asia/Shanghai').toISOString()).toBe('2026-06-15T10:00:00.000Z');
  expect(localDateTime(new Date('2026-06-15T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-06-16 00:30');
  expect(localDateTime(new Date('2027-03-28T07:00:00Z'), 'Europe/Berlin')).toBe('2027-03-28 09:00');
  // Berlin: winter and summer time on either side of 28 March 2027.
  expect(atLocalTime('2027-03-27', '09:00', 'Europe/Berlin').toISOString()).toBe('2027-03-27T08:00:00.000Z');
  expect(atLocalTime('2027-03-28', '09:00', 'Europe/Berlin').toISOString()).toBe('2027-03-28T07:00:00.000Z');
  // 02:30 is skipped that night: read with the offset before the change; 02:30 on 31 October repeats: its first.
  expect(atLocalTime('2027-03-28', '02:30', 'Europe/Berlin').toISOString()).toBe('2027-03-28T01:30:00.000Z');
  expect(atLocalTime('2027-10-31', '02:30', 'Europe/Berlin').toISOString()).toBe('2027-10-31T00:30:00.000Z');
});
