import { createPlatform, type EventCatalog } from '@gongzhi/core';
import { createTestApp, createTestDatabase, type TestApp, type TestDatabase } from '@gongzhi/core/testing';
import { Writable } from 'node:stream';
import pino from 'pino';
import { bare } from './fixtures/plugins.js';

/**
 * Every module describes the events it emits: clients list them (`eventTypes`), and a listener,
 * a webhook or (in tests) an emit naming an event its emitter does not declare is refused.
 */
const noticeboard: EventCatalog = {
  'noticeboard.posted': {
    description: 'A notice was posted on a place’s board.',
    payload: { placeId: { node: 'Place', description: 'Where it was posted.' }, title: 'Its title.' },
  },
  'noticeboard.taken-down': { description: 'A notice was taken down.', payload: {} },
};

/** A logger at warn level, and the lines it wrote. */
function warnings() {
  const lines: { level: number; event?: string; events?: string[]; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  return { lines, logger: pino({ level: 'warn' }, sink) };
}

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('eventTypes lists core’s events and each plugin’s, described, with who emits them', async () => {
  app = await createTestApp({ plugins: [bare('noticeboard', { events: noticeboard }), bare('quiet')] });
  const { eventTypes } = await app.run<{
    eventTypes: { name: string; description: string; owner: string; payload: { name: string; description: string; globalId: boolean }[] }[];
  }>('{ eventTypes { name description owner payload { name description globalId } } }');
  expect(eventTypes.map((e) => e.name)).toEqual([...eventTypes.map((e) => e.name)].sort());
  expect(eventTypes).toEqual(
    expect.arrayContaining([
      {
        name: 'request.created',
        description: expect.stringMatching(/^A request was submitted/),
        owner: 'core',
        payload: [
          { name: 'requestId', description: 'The request.', globalId: true },
          { name: 'placePath', description: expect.stringMatching(/path/), globalId: false },
          { name: 'status', description: expect.stringMatching(/submitted/), globalId: false },
          { name: 'level', description: expect.stringMatching(/grid/), globalId: false },
        ],
      },
      { name: 'person.erased', description: expect.any(String), owner: 'core', payload: expect.any(Array) },
      {
        name: 'noticeboard.posted',
        description: 'A notice was posted on a place’s board.',
        owner: 'noticeboard',
        payload: [
          { name: 'placeId', description: 'Where it was posted.', globalId: true },
          { name: 'title', description: 'Its title.', globalId: false },
        ],
      },
      { name: 'noticeboard.taken-down', description: 'A notice was taken down.', owner: 'noticeboard', payload: [] },
    ]),
  );
  // Every event of every module describes its payload.
  for (const e of eventTypes) expect(e.payload.every((f) => f.description.length > 3)).toBe(true);
  expect(eventTypes.filter((e) => e.owner === 'quiet')).toEqual([]);
});

test('in tests, emitting an event its plugin does not declare fails, naming the declared ones near it', async () => {
  app = await createTestApp({ plugins: [bare('noticeboard', { events: noticeboard })] });
  await expect(app.platform.events.emit('noticeboard.postd', {})).rejects.toThrow(
    /The event "noticeboard.postd" was emitted but is not declared\. Fix: add it.*known: noticeboard\.posted/,
  );
  await expect(app.platform.events.emit('request.creatd', {})).rejects.toThrow(/known: request\.created/);
  // Declared, or of a plugin that declares nothing (not checked): emitted.
  await app.platform.events.emit('noticeboard.posted', {});
});

test('in tests, emitting a payload field the event’s description does not list fails, naming it', async () => {
  app = await createTestApp({ plugins: [bare('noticeboard', { events: noticeboard })] });
  await expect(app.platform.events.emit('noticeboard.posted', { placeId: 'x', title: 't', author: 'Li' })).rejects.toThrow(
    /The event "noticeboard.posted" was emitted with "author" in its payload, which its events catalog does not describe/,
  );
  await app.platform.events.emit('noticeboard.posted', { placeId: 'x', title: 't' });
});

describe('outside tests', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  test('events without placePath are named in a warning at start (scoped webhooks never receive them)', async () => {
    const { lines, logger } = warnings();
    const platform = await createPlatform({ databaseUrl: db.url, logger, plugins: [bare('noticeboard', { events: noticeboard })] });
    await platform.close();
    expect(lines.filter((l) => l.msg.startsWith('these events carry no placePath'))).toEqual([
      expect.objectContaining({ level: 40, events: ['noticeboard.posted', 'noticeboard.taken-down'] }),
    ]);
  });

  test('an undeclared event is emitted all the same, and logged once', async () => {
    const { lines, logger } = warnings();
    const platform = await createPlatform({ databaseUrl: db.url, logger, plugins: [bare('noticeboard', { events: noticeboard })] });
    try {
      const seen: string[] = [];
      platform.events.on('*', (e) => void seen.push(e.name));
      await platform.events.emit('noticeboard.postd', {});
      await platform.events.emit('noticeboard.postd', {});
      expect(seen).toEqual(['noticeboard.postd', 'noticeboard.postd']);
      expect(lines.filter((l) => l.event === 'noticeboard.postd')).toEqual([
        expect.objectContaining({ level: 40, msg: expect.stringMatching(/^an event not declared in its plugin's events was emitted/) }),
      ]);
    } finally {
      await platform.close();
    }
  });

  test.each([
    [
      'a listener naming an event its emitter does not declare',
      [
        bare('noticeboard', { events: noticeboard }),
        bare('mailer', {
          dependsOn: { noticeboard: '^1.0.0' },
          register: ({ events }) => void events.on('noticeboard.postd', () => undefined, { id: 'mailer.send' }),
        }),
      ],
      /Plugin "mailer" listens to "noticeboard.postd", which is not among the events its emitter declares\. Fix: correct the name \(known: noticeboard\.posted/,
    ],
    [
      'a listener naming a core event that does not exist',
      [bare('mailer', { register: ({ events }) => void events.on('request.creatd', () => undefined, { id: 'mailer.send' }) })],
      /Plugin "mailer" listens to "request.creatd".*known: request\.created/,
    ],
    [
      'a catalog naming an event outside the plugin’s namespace',
      [bare('noticeboard', { events: { 'request.posted': { description: 'A notice was posted.', payload: {} } } })],
      /Plugin "noticeboard" declares the event "request.posted" in its events, outside its namespace\. Fix: name it "noticeboard.<what-happened>"/,
    ],
    [
      'an event without a description',
      [bare('noticeboard', { events: { 'noticeboard.posted': { description: ' ', payload: {} } } })],
      /Plugin "noticeboard" declares the event "noticeboard.posted" without a description/,
    ],
    [
      'a payload field without a description',
      [bare('noticeboard', { events: { 'noticeboard.posted': { description: 'Posted.', payload: { title: '' } } } })],
      /Plugin "noticeboard" declares the event "noticeboard.posted" without a description of its payload field "title"/,
    ],
    [
      'an id field naming a type that is not a node',
      [
        bare('noticeboard', {
          events: { 'noticeboard.posted': { description: 'Posted.', payload: { placeId: { node: 'Plac', description: 'Where.' } } } },
        }),
      ],
      /Plugin "noticeboard" describes the payload field "placeId" of "noticeboard.posted" as an id of "Plac", which is not a type of the schema implementing Node\. Fix: .*nearest: Place/,
    ],
  ])('%s stops the start', async (_what, plugins, message) => {
    await expect(createPlatform({ databaseUrl: db.url, plugins })).rejects.toThrow(message);
  });
});
