import { randomUUID } from 'node:crypto';
import { defineCommand, type Named, Person, Place, PlaceType, Ref, refId, runCommand, SYSTEM_CALLER } from '@gongzhi/core';
import { apiKeyCaller, asPerson, createTestApp, placeWriter, type TestApp } from '@gongzhi/core/testing';

/**
 * `Command.readOnly`: input rows a command only reads come as frozen plain rows (no hydration,
 * nothing in the unit of work's identity map, no change set at commit), with the same checks as
 * entities: a row the caller may not see, or none, is NOT_FOUND; a plain row handed to another
 * command is that command's entity, read again. `uow.actingPersonRow()` is the acting person so,
 * from the same read as `uow.actingPerson()`.
 */
let app: TestApp;
let community: Place;
let building: Place;
let elsewhere: Place;
let resident: Person;
beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const place = placeWriter(em);
  community = place(PlaceType.COMMUNITY, 'C', '团结湖社区', null);
  building = place(PlaceType.BUILDING, 'B1', '1号楼', community);
  elsewhere = place(PlaceType.COMMUNITY, 'D', '八里庄社区', null);
  resident = em.create(Person, { name: '王秀英', household: place(PlaceType.HOUSEHOLD, 'H1', '1号楼101', building) });
  await em.flush();
});
afterAll(() => app?.close());

const placeRef = (uuid: string): Ref<Place> => new Ref<Place>('Place', uuid, 'placeId', () => Place);

interface Seen {
  frozen: boolean;
  held: boolean;
  parentId: string | null;
  name: string;
}

const look = defineCommand<{ place: Named<Place> }, Seen>({
  name: 'test.lookAtPlace',
  readOnly: ['place'],
  run(uow, { place }) {
    return Promise.resolve({
      frozen: Object.isFrozen(place),
      held: uow.em.getUnitOfWork().getById(Place, place.uuid) === place,
      parentId: refId(place.parent),
      name: place.name,
    });
  },
});

const lookAsEntity = defineCommand<{ place: Named<Place> }, Seen>({ ...look, name: 'test.lookAtPlaceAsEntity', readOnly: [] });

test('a read-only input is a frozen plain row outside the identity map; its relations hold ids', async () => {
  const outcome = await runCommand(app.platform.createContext(SYSTEM_CALLER), look, { place: placeRef(building.uuid) });
  expect(outcome.value).toEqual({ frozen: true, held: false, parentId: community.uuid, name: '1号楼' });
  const entity = await runCommand(app.platform.createContext(SYSTEM_CALLER), lookAsEntity, { place: placeRef(building.uuid) });
  expect(entity.value).toEqual({ frozen: false, held: true, parentId: community.uuid, name: '1号楼' });
});

test('an assignment to a read-only row throws, and the command writes nothing', async () => {
  const rename = defineCommand<{ place: Named<Place> }, void>({
    name: 'test.renameReadOnlyPlace',
    readOnly: ['place'],
    run(_uow, { place }) {
      place.name = '改名';
      return Promise.resolve();
    },
  });
  await expect(runCommand(app.platform.createContext(SYSTEM_CALLER), rename, { place: placeRef(building.uuid) })).rejects.toThrow(
    TypeError,
  );
  const [row] = await app.platform.orm.em
    .fork()
    .getConnection()
    .execute<{ name: string }[]>('SELECT name FROM place WHERE id = ?', [building.uuid]);
  expect(row?.name).toBe('1号楼');
});

test('a read-only input nobody may see, or that does not exist, is NOT_FOUND as an entity would be', async () => {
  const outcome = await runCommand(app.platform.createContext(SYSTEM_CALLER), look, { place: placeRef(randomUUID()) });
  expect(outcome.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'placeId' })]);
  const keyCaller = await apiKeyCaller(app, { name: 'elsewhere', placeIds: [elsewhere.uuid], permissions: ['*'] });
  const hidden = await runCommand(app.platform.createContext(keyCaller), look, { place: placeRef(building.uuid) });
  expect(hidden.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'placeId' })]);
});

test('a read-only row in an audited change is logged by its key', async () => {
  const note = defineCommand<{ place: Named<Place> }, void>({
    name: 'test.noteReadOnlyPlace',
    readOnly: ['place'],
    run(uow, { place }) {
      uow.audit.record(Place, { id: place.uuid, operation: 'update', changes: { parent: { before: null, after: place } } }, place);
      return Promise.resolve();
    },
  });
  const outcome = await runCommand(app.platform.createContext(SYSTEM_CALLER), note, { place: placeRef(building.uuid) });
  expect(outcome.ok).toBe(true);
  const [entry] = await app.platform.orm.em
    .fork()
    .getConnection()
    .execute<{ changes: { parent: { after: unknown } } }[]>(`SELECT changes FROM audit_log WHERE action = 'test.noteReadOnlyPlace'`);
  expect(entry?.changes.parent.after).toBe(building.uuid);
});

test('a read-only row handed to another command is that command entity, read again', async () => {
  const handOver = defineCommand<{ place: Named<Place> }, Seen>({
    name: 'test.handOverPlace',
    readOnly: ['place'],
    run: (uow, { place }) => uow.run(lookAsEntity, { place }),
  });
  const outcome = await runCommand(app.platform.createContext(SYSTEM_CALLER), handOver, { place: placeRef(building.uuid) });
  expect(outcome.value).toEqual({ frozen: false, held: true, parentId: community.uuid, name: '1号楼' });
});

test('the acting person as a plain row: one read, frozen, beside the same person as an entity', async () => {
  const who = defineCommand<Record<string, never>, { row: Seen; entity: Seen; same: boolean }>({
    name: 'test.whoActs',
    requiresPerson: true,
    async run(uow) {
      const seen = (person: Person): Seen => ({
        frozen: Object.isFrozen(person),
        held: uow.em.getUnitOfWork().getById(Person, person.uuid) === person,
        parentId: refId(person.household),
        name: person.name,
      });
      const row = await uow.actingPersonRow();
      const entity = await uow.actingPerson();
      return { row: seen(row), entity: seen(entity), same: row === (await uow.actingPersonRow()) };
    },
  });
  const entityOnly = defineCommand<Record<string, never>, string>({
    name: 'test.whoActsAsEntity',
    requiresPerson: true,
    run: async (uow) => (await uow.actingPerson()).name,
  });
  const caller = asPerson(resident).caller;
  const alone = await app.countStatements(() => runCommand(app.platform.createContext(caller), entityOnly, {}));
  let outcome: { value: unknown } | undefined;
  const both = await app.countStatements(async () => (outcome = await runCommand(app.platform.createContext(caller), who, {})));
  const household = refId(resident.household);
  expect(outcome?.value).toEqual({
    row: { frozen: true, held: false, parentId: household, name: '王秀英' },
    entity: { frozen: false, held: true, parentId: household, name: '王秀英' },
    same: true,
  });
  // The person's row is read once for both.
  expect(both).toBe(alone);
});
