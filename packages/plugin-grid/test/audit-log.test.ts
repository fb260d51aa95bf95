import { apiKeyCaller } from '@gongzhi/core/testing';
import { addCanary, as, assignWorker, type Canary, mutate, submit, type World, createWorld } from './world.js';

/** A plugin's commands are audited like core's, with nothing declared by the plugin. */
let w: World;
let k: Canary;
beforeAll(async () => {
  w = await createWorld();
  k = await addCanary(w);
});
afterAll(() => w?.app.close());

const LOG = `query($f: AuditLogFilter) { auditLog(filter: $f) {
  nodes { actorKind actorName action via entityType entityId operation changes { field before after } } } }`;

test('a grid change by a social worker leaves one record per row with its fields; another district sees none', async () => {
  const grid = await mutate(
    w.app,
    'mutation($c: ID!, $p: [ID!]!) { createGrid(communityId: $c, name: "审计网格", placeIds: $p) { grid { id } errors { code message field } } }',
    { c: w.place.fxy.id, p: [w.place.c1.id] },
    as(k.socialWorker),
  );
  await assignWorker(w.app, grid.grid.id, w.person.wang.id, '2026-06-01');
  const auditor = await apiKeyCaller(w.app, { name: '一区审计', placeIds: [w.place.district.uuid], permissions: ['audit'] });
  const created = (await w.app.run(LOG, { f: { action: 'grid.create', entityType: 'Grid' } }, { caller: auditor })).auditLog.nodes;
  expect(created).toHaveLength(1);
  expect(created[0]).toMatchObject({
    actorKind: 'person',
    actorName: '一区社工',
    entityType: 'Grid',
    entityId: grid.grid.id,
    operation: 'create',
  });
  const fields = Object.fromEntries(created[0].changes.map((c: any) => [c.field, c.after && JSON.parse(c.after)]));
  expect(fields).toMatchObject({ name: '审计网格', kind: 'grid', community: w.place.fxy.uuid });

  const assigned = (await w.app.run(LOG, { f: { action: 'grid.assignWorker' } }, { caller: auditor })).auditLog.nodes;
  expect(assigned).toHaveLength(1);
  expect(assigned[0]).toMatchObject({ actorKind: 'system', entityType: 'GridWorker', operation: 'create' });
  expect(assigned[0].changes).toEqual(
    expect.arrayContaining([
      { field: 'person', before: null, after: JSON.stringify(w.person.wang.uuid) },
      { field: 'startsOn', before: null, after: '"2026-06-01"' },
    ]),
  );

  // Commands an event handler runs are audited too, as the system acting for the handler.
  const routed = await submit(w.app, w.place.h201.id, w.person.resident.id, '2单元楼道灯坏了');
  const routing = (await w.app.run(LOG, { f: { entityId: routed } }, { caller: auditor })).auditLog.nodes;
  expect(routing).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ action: 'request.submit', actorKind: 'system', operation: 'create' }),
      expect.objectContaining({
        action: 'grid.routeRequest',
        via: 'request.assign',
        actorKind: 'system',
        actorName: 'system: grid.route-new-request',
        operation: 'update',
      }),
    ]),
  );

  const canaryAuditor = await apiKeyCaller(w.app, { name: '金丝雀审计', placeIds: [k.place.district.uuid], permissions: ['audit'] });
  expect((await w.app.run(LOG, {}, { caller: canaryAuditor })).auditLog.nodes).toEqual([]);
});
