import { referenceOf } from '@gongzhi/core';
import { createTestApp, problemOf, uuidOf } from '@gongzhi/core/testing';
import { getNamedType, isInputObjectType, isObjectType } from 'graphql';
import { plugin } from '../src/index.js';
import { as, codeOf, countRows, createTeam, createWorld, succeed, type World } from './fixtures.js';

test("the plugin passes the host's command-path checks: every id a declared reference, every mutation a payload", async () => {
  const app = await createTestApp({ plugins: [plugin] });
  try {
    const schema = app.platform.schema;
    const mutations = Object.values(schema.getMutationType()!.getFields()).filter((f) => /Volunteer/.test(f.name));
    expect(mutations.length).toBeGreaterThanOrEqual(27);
    for (const mutation of mutations) {
      const payload = getNamedType(mutation.type);
      expect([mutation.name, isObjectType(payload) && String(payload.getFields().errors?.type)]).toEqual([mutation.name, '[UserError!]!']);
    }
    // Every ID the plugin takes (arguments and input fields) names its type.
    const ids: string[] = [];
    for (const field of [...mutations, ...Object.values(schema.getQueryType()!.getFields()).filter((f) => /volunteer/i.test(f.name))]) {
      for (const arg of field.args) {
        const named = getNamedType(arg.type);
        if (named.name === 'ID') ids.push(`${field.name}(${arg.name}): ${referenceOf(arg)?.type}`);
        if (isInputObjectType(named)) {
          for (const input of Object.values(named.getFields())) {
            if (getNamedType(input.type).name === 'ID') ids.push(`${named.name}.${input.name}: ${referenceOf(input)?.type}`);
          }
        }
      }
    }
    expect(ids.filter((id) => id.endsWith('undefined'))).toEqual([]);
    expect(ids).toContain('addVolunteerTeamMember(personId): Person');
    expect(ids).toContain('CreateVolunteerTaskInput.requestId: Request');
  } finally {
    await app.close();
  }
});

describe("a task's request changes only through core's commands, with the actor's authority", () => {
  let w: World;
  let teamId: string;
  beforeAll(async () => {
    w = await createWorld();
    teamId = await createTeam(w, '邻里互助队', w.people['王小丽'], [w.people['居民1'], w.people['刘社工']]);
  });
  afterAll(() => w?.app.close());

  /** A request in progress, a team task for it claimed by `by`. */
  async function claimedTaskFor(by: string): Promise<{ requestId: string; taskId: string }> {
    const sys = (q: string, v: Record<string, unknown>) => succeed(w.app, q, v);
    const requestId = (
      await sys('mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { code message } } }', {
        input: {
          kind: 'NEED',
          channel: 'PHONE',
          title: '代取药',
          description: '',
          placeId: w.households[4].id,
          requesterId: w.people['居民5'].id,
        },
      })
    ).submitRequest.request.id;
    for (const to of ['ACCEPTED', 'IN_PROGRESS']) {
      await sys(
        'mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { request { id } errors { code message } } }',
        {
          id: requestId,
          to,
        },
      );
    }
    const taskId = (
      await succeed(
        w.app,
        'mutation($input: CreateVolunteerTaskInput!) { createVolunteerTask(input: $input) { task { id } errors { code message } } }',
        { input: { kind: 'MEDICINE', title: '代取药', requestId, teamId } },
        as(w.people['王小丽']),
      )
    ).createVolunteerTask.task.id;
    await succeed(
      w.app,
      'mutation($id: ID!) { claimVolunteerTask(taskId: $id) { task { id } errors { code message } } }',
      { id: taskId },
      as(w.people[by]),
    );
    return { requestId, taskId };
  }

  const COMPLETE = `mutation($id: ID!) { completeVolunteerTask(taskId: $id, report: "药已送到", minutes: 30, resolveRequest: true) {
    task { status request { status timeline { nodes { action toStatus note actor { name } } } } } errors { code message field } } }`;

  test('a volunteer without request.manage: FORBIDDEN, and nothing of the completion is written', async () => {
    const { requestId, taskId } = await claimedTaskFor('居民1');
    const refused = await w.app.execute(COMPLETE, { id: taskId }, as(w.people['居民1']));
    expect(problemOf(refused)).toMatchObject({ code: 'FORBIDDEN' });
    expect(problemOf(refused)?.message).toContain('request.manage');
    expect(await countRows(w.app, 'task', `id = '${uuidOf(taskId)}' AND status = 'claimed'`)).toBe(1);
    expect(await countRows(w.app, 'service_entry', `task_id = '${uuidOf(taskId)}'`)).toBe(0);
    const request = await succeed(w.app, 'query($id: ID!) { request(id: $id) { status } }', { id: requestId });
    expect(request.request.status).toBe('IN_PROGRESS');
  });

  test('community staff who did the task resolve its request in the same unit of work, named on its timeline', async () => {
    const { taskId } = await claimedTaskFor('刘社工');
    const done = (await succeed(w.app, COMPLETE, { id: taskId }, as(w.people['刘社工']))).completeVolunteerTask.task;
    expect(done.status).toBe('DONE');
    expect(done.request.status).toBe('RESOLVED');
    expect(done.request.timeline.nodes.at(-1)).toEqual({
      action: 'status',
      toStatus: 'RESOLVED',
      note: '药已送到',
      actor: { name: '刘社工' },
    });
    // Completing it again changes nothing.
    expect(codeOf(await w.app.execute(COMPLETE, { id: taskId }, as(w.people['刘社工'])))).toBe('NOT_CLAIMER');
  });

  test('a standalone task has no request to resolve', async () => {
    const { task } = (
      await succeed(
        w.app,
        'mutation($input: CreateVolunteerTaskInput!) { createVolunteerTask(input: $input) { task { id } errors { code message } } }',
        { input: { kind: 'RUBBISH', title: '清运垃圾', placeId: w.building.id } },
        as(w.people['刘社工']),
      )
    ).createVolunteerTask;
    await succeed(
      w.app,
      'mutation($id: ID!) { claimVolunteerTask(taskId: $id) { task { id } errors { code message } } }',
      { id: task.id },
      as(w.people['刘社工']),
    );
    expect(problemOf(await w.app.execute(COMPLETE, { id: task.id }, as(w.people['刘社工'])))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'resolveRequest',
    });
  });
});
