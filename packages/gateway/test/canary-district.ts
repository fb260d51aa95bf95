import { createApiKey, createAuthenticator, type Caller, runCommand, toGlobalId, uploadPhoto } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// The plugins' sources, as their own tests import them: through the packages (dist) the type
// check would see each plugin's event declarations twice (src and dist) and refuse them.
import council from '../../plugin-council/src/index.js';
import grid from '../../plugin-grid/src/index.js';
import moralBank from '../../plugin-moral-bank/src/index.js';
import volunteer from '../../plugin-volunteer/src/index.js';

/**
 * The demo district with all four plugins, and a second district of canaries (金丝雀) holding one
 * row of every plugin type, built through the public mutations. The authorization tests ask, as
 * callers of the demo district, whether anything of the canary district can be seen or changed.
 */
export interface CanaryWorld {
  app: TestApp;
  /** Global ids of demo and canary places by code, and of people by name. */
  ids: Record<string, string>;
  /** Global ids of the canary rows, by GraphQL type name (every one is reachable through node(id:)). */
  canary: Record<string, string>;
  /** A person of either district as a caller. */
  person: (name: string) => Caller;
  /** An API key of a district app, scoped to 芳星园三区社区, may submit requests. */
  apiKeyCaller: Caller;
  /** The canary community's own app key (submits requests, manages its webhooks). */
  canaryKeyCaller: Caller;
  /** Runs a setup operation as the system; a failure (a top-level or a payload error) names the operation. */
  sys: (query: string, variables?: Record<string, unknown>) => Promise<any>;
  /** Runs a setup operation as the named person. */
  as: (name: string, query: string, variables?: Record<string, unknown>) => Promise<any>;
}

/** The local uuid inside a global id. */
export const uuid = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];
export const DAY = 86_400_000;

/** Waits until `probe` answers something truthy (events are delivered after commit). */
export async function eventually<T>(probe: () => Promise<T>): Promise<T> {
  for (let i = 0; i < 50; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting');
}

/** The payload errors of an answer's top-level fields, if any. */
function payloadErrors(data: Record<string, unknown> | null | undefined): string[] {
  return Object.values(data ?? {}).flatMap((v) =>
    v && typeof v === 'object' && Array.isArray((v as { errors?: unknown }).errors)
      ? (v as { errors: { code: string; message: string }[] }).errors.map((e) => `${e.code}: ${e.message}`)
      : [],
  );
}

/**
 * The world of {@link CanaryWorld}. `communities` (1 by default) canary communities side by side in
 * the canary district, so that its lists hold several rows (the generated N+1 check asks them
 * for pages of different sizes); `canary` holds the first one's rows.
 */
export async function createCanaryWorld(options: { communities?: number } = {}): Promise<CanaryWorld> {
  const app = await createTestApp({ plugins: [grid, volunteer, moralBank, council], seed: true });
  const ids: Record<string, string> = {};
  const canary: Record<string, string> = {};
  const person = (name: string): Caller => ({ id: uuid(ids[name]), kind: 'person' });
  const setup = async (q: string, v: Record<string, unknown>, caller?: Caller): Promise<any> => {
    const result = await app.execute(q, v, caller ? { caller } : undefined);
    const problems = [...(result.errors ?? []).map((e) => e.message), ...payloadErrors(result.data)];
    if (problems.length) throw new Error(`${q.slice(0, 80)}: ${problems.join('; ')}`);
    return result.data;
  };
  const sys = (q: string, v: Record<string, unknown> = {}) => setup(q, v);
  const as = (name: string, q: string, v: Record<string, unknown> = {}) => setup(q, v, person(name));

  const sql = app.platform.orm.em.fork().getConnection();
  for (const p of await sql.execute<{ id: string; code: string }[]>('SELECT id, code FROM place')) ids[p.code] = toGlobalId('Place', p.id);
  for (const p of await sql.execute<{ id: string; name: string }[]>('SELECT id, name FROM person'))
    ids[p.name] = toGlobalId('Person', p.id);

  /**
   * One canary community (with its subdistrict, building, household, venue and people) holding a
   * row of every plugin type, under the canary district; `suffix` tells the codes and names of a
   * second one apart. Returns the global ids of its rows by type.
   */
  const canaryCommunity = async (suffix: string): Promise<Record<string, string>> => {
    const canary: Record<string, string> = {};
    const k = (code: string) => `${code}${suffix}`;
    const n = (name: string) => `${name}${suffix}`;
    const place = async (code: string, type: string, parent: string | null, extra: Record<string, unknown> = {}) =>
      (ids[code] = (
        await sys(`mutation ($i: CreatePlaceInput!) { createPlace(input: $i) { place { id } errors { code message field } } }`, {
          i: { code, type, name: `金丝雀${code}`, parentId: parent && ids[parent], ...extra },
        })
      ).createPlace.place.id);
    if (!suffix) await place('K-D', 'DISTRICT', null);
    await place(k('K-S'), 'SUBDISTRICT', 'K-D');
    await place(k('K-C'), 'COMMUNITY', k('K-S'));
    await place(k('K-B'), 'BUILDING', k('K-C'));
    await place(k('K-H'), 'HOUSEHOLD', k('K-B'));
    await place(k('K-V'), 'VENUE', k('K-C'), { venueKind: 'ACTIVITY_ROOM', capacity: 20 });
    const resident = async (name: string, household: string | null, role: string, at: string) => {
      ids[name] = (
        await sys(`mutation ($i: CreatePersonInput!) { createPerson(input: $i) { person { id } errors { code message field } } }`, {
          i: { name, phone: '13999999999', householdId: household && ids[household] },
        })
      ).createPerson.person.id;
      const assigned = await sys(
        `mutation ($p: ID!, $h: ID!, $r: PersonRoleKind!) { assignRole(personId: $p, placeId: $h, role: $r, startsOn: "2020-01-01") { role { id } errors { code message field } } }`,
        { p: ids[name], h: ids[at], r: role },
      );
      return assigned.assignRole.role.id as string;
    };
    canary.PersonRole = await resident(n('金丝雀居民'), k('K-H'), 'RESIDENT', k('K-H'));
    await resident(n('金丝雀社工'), null, 'SOCIAL_WORKER', k('K-C'));
    await resident(n('金丝雀网格员'), null, 'GRID_WORKER', k('K-C'));
    await resident(n('金丝雀志愿者'), k('K-H'), 'VOLUNTEER', k('K-C'));
    canary.Person = ids[n('金丝雀居民')]!;
    canary.Place = ids[k('K-C')]!;
    await sys(
      `mutation ($p: ID!) { setCareProfile(personId: $p, input: { livesAlone: true, elderly: true, notes: "金丝雀病情" }) { careProfile { livesAlone } errors { code message field } } }`,
      { p: ids[n('金丝雀居民')] },
    );
    canary.Organization = (
      await sys(
        `mutation ($p: ID!) { createOrganization(name: "金丝雀业委会", kind: OWNERS_COMMITTEE, placeId: $p) { organization { id } } }`,
        { p: ids[k('K-C')] },
      )
    ).createOrganization.organization.id;
    canary.OrganizationMember = (
      await sys(
        `mutation ($o: ID!, $p: ID!) { addOrganizationMember(organizationId: $o, personId: $p, role: "委员", joinedOn: "2020-01-01") { member { id } errors { code message field } } }`,
        { o: canary.Organization, p: ids[n('金丝雀居民')] },
      )
    ).addOrganizationMember.member.id;
    // A membership that ended: the canary social worker joined and left.
    const leaving = (
      await sys(
        `mutation ($o: ID!, $p: ID!) { addOrganizationMember(organizationId: $o, personId: $p, role: "委员", joinedOn: "2020-01-01") { member { id } errors { code message field } } }`,
        { o: canary.Organization, p: ids[n('金丝雀社工')] },
      )
    ).addOrganizationMember.member.id;
    await sys(`mutation ($m: ID!) { removeOrganizationMember(id: $m) { errors { code message field } } }`, { m: leaving });
    canary.OrganizationFormerMember = (
      await sys(`query ($o: ID!) { node(id: $o) { ... on Organization { formerMembers { nodes { id } } } } }`, { o: canary.Organization })
    ).node.formerMembers.nodes[0].id;
    canary.Request = (
      await sys(
        `mutation ($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "金丝雀工单", description: "金丝雀", placeId: $p, requesterId: $r }) { request { id } } }`,
        { p: ids[k('K-H')], r: ids[n('金丝雀居民')] },
      )
    ).submitRequest.request.id;
    canary.RequestPhoto = (
      await sys(
        `mutation ($r: ID!) { addRequestPhoto(id: $r, url: "https://oss.example.org/canary.jpg") { request { photos { nodes { id } } } } }`,
        { r: canary.Request },
      )
    ).addRequestPhoto.request.photos.nodes[0].id;
    // A picture the canary resident uploaded and attached to nothing: hers alone to see and use.
    const kept = await runCommand(app.platform.createContext(person(n('金丝雀居民'))), uploadPhoto, {
      contentType: 'image/png',
      bytes: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'),
    });
    if (!kept.ok) throw new Error(`the canary upload failed: ${kept.errors.map((e) => e.message).join(' ')}`);
    canary.PhotoUpload = toGlobalId('PhotoUpload', kept.value.uuid);

    // --- Grid: grid and worker as the system; visit and colour as the canary grid worker (they must be signed in). ---
    canary.Grid = (
      await sys(
        `mutation ($c: ID!, $b: ID!) { createGrid(communityId: $c, name: "金丝雀网格", placeIds: [$b]) { grid { id } errors { code message } } }`,
        {
          c: ids[k('K-C')],
          b: ids[k('K-B')],
        },
      )
    ).createGrid.grid.id;
    canary.GridWorker = (
      await sys(
        `mutation ($g: ID!, $p: ID!) { assignGridWorker(gridId: $g, personId: $p, startsOn: "2020-01-01") { worker { id } errors { code message } } }`,
        {
          g: canary.Grid,
          p: ids[n('金丝雀网格员')],
        },
      )
    ).assignGridWorker.worker.id;
    const visit = await as(
      n('金丝雀网格员'),
      `mutation ($h: ID!, $m: ID!) { recordGridVisit(input: { householdId: $h, metPersonIds: [$m], notes: "金丝雀走访", findings: [{ description: "金丝雀发现" }] }) { visit { id findings { nodes { id } } } errors { code message } } }`,
      { h: ids[k('K-H')], m: ids[n('金丝雀居民')] },
    );
    canary.GridVisit = visit.recordGridVisit.visit.id;
    canary.GridFinding = visit.recordGridVisit.visit.findings.nodes[0].id;
    canary.GridAttentionMark = (
      await as(
        n('金丝雀网格员'),
        `mutation ($h: ID!) { setGridAttentionLevel(placeId: $h, level: RED, reason: "金丝雀独居") { mark { id } errors { code message } } }`,
        {
          h: ids[k('K-H')],
        },
      )
    ).setGridAttentionLevel.mark.id;

    // --- Volunteer: the canary social worker founds and leads the team; the canary volunteer signs up and reports hours. ---
    const lead = (q: string, v: Record<string, unknown> = {}) => as(n('金丝雀社工'), q, v);
    canary.VolunteerTeam = (
      await lead(
        `mutation ($c: ID!) { createVolunteerTeam(input: { homePlaceId: $c, name: "金丝雀志愿队" }) { team { id } errors { code message field } } }`,
        { c: ids[k('K-C')] },
      )
    ).createVolunteerTeam.team.id;
    canary.VolunteerTeamMember = (
      await lead(
        `mutation ($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p) { member { id } errors { code message field } } }`,
        {
          t: canary.VolunteerTeam,
          p: ids[n('金丝雀志愿者')],
        },
      )
    ).addVolunteerTeamMember.member.id;
    canary.VolunteerRecruitment = (
      await lead(
        `mutation ($i: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $i) { recruitment { id } errors { code message field } } }`,
        {
          i: {
            teamId: canary.VolunteerTeam,
            placeId: ids[k('K-C')],
            title: '金丝雀招募',
            wanted: 3,
            openUntil: new Date(Date.now() + 7 * DAY).toISOString(),
          },
        },
      )
    ).postVolunteerRecruitment.recruitment.id;
    canary.VolunteerApplication = (
      await as(
        n('金丝雀志愿者'),
        `mutation ($r: ID!) { signUpForVolunteerRecruitment(recruitmentId: $r) { application { id } errors { code message field } } }`,
        { r: canary.VolunteerRecruitment },
      )
    ).signUpForVolunteerRecruitment.application.id;
    const tomorrow = new Date(Date.now() + DAY);
    canary.VolunteerShiftSchedule = (
      await lead(
        `mutation ($i: CreateVolunteerShiftScheduleInput!) { createVolunteerShiftSchedule(input: $i) { schedule { id } errors { code message field } } }`,
        {
          i: {
            teamId: canary.VolunteerTeam,
            placeId: ids[k('K-C')],
            title: '金丝雀巡逻',
            weekdays: [1, 3, 5],
            startTime: '08:00',
            endTime: '10:00',
            capacity: 2,
            validFrom: tomorrow.toISOString().slice(0, 10),
          },
        },
      )
    ).createVolunteerShiftSchedule.schedule.id;
    canary.VolunteerShift = (
      await lead(
        `mutation ($i: CreateVolunteerShiftInput!) { createVolunteerShift(input: $i) { shift { id } errors { code message field } } }`,
        {
          i: {
            teamId: canary.VolunteerTeam,
            placeId: ids[k('K-C')],
            title: '金丝雀值守',
            startsAt: tomorrow.toISOString(),
            endsAt: new Date(tomorrow.getTime() + 7_200_000).toISOString(),
            capacity: 2,
          },
        },
      )
    ).createVolunteerShift.shift.id;
    canary.VolunteerShiftSignup = (
      await as(
        n('金丝雀志愿者'),
        `mutation ($s: ID!) { signUpForVolunteerShift(shiftId: $s) { signup { id } errors { code message field } } }`,
        { s: canary.VolunteerShift },
      )
    ).signUpForVolunteerShift.signup.id;
    canary.VolunteerPairing = (
      await lead(
        `mutation ($i: CreateVolunteerPairingInput!) { createVolunteerPairing(input: $i) { pairing { id } errors { code message field } } }`,
        {
          i: {
            residentId: ids[n('金丝雀居民')],
            teamId: canary.VolunteerTeam,
            startsOn: '2024-01-01',
            carePlan: ['MEDICINE'],
            notes: '金丝雀结对',
          },
        },
      )
    ).createVolunteerPairing.pairing.id;
    canary.VolunteerTask = (
      await lead(
        `mutation ($r: ID!, $t: ID!) { createVolunteerTask(input: { kind: MEDICINE, title: "金丝雀代取药", requestId: $r, teamId: $t }) { task { id } errors { code message field } } }`,
        { r: canary.Request, t: canary.VolunteerTeam },
      )
    ).createVolunteerTask.task.id;
    const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    canary.VolunteerServiceEntry = (
      await as(
        n('金丝雀志愿者'),
        `mutation ($c: ID!, $d: String!) { reportVolunteerHours(input: { communityId: $c, servedOn: $d, minutes: 60, description: "金丝雀服务" }) { entry { id } errors { code message field } } }`,
        { c: ids[k('K-C')], d: yesterday },
      )
    ).reportVolunteerHours.entry.id;
    // Verified by community staff: the moral bank credits it (account and EARN transaction, through the event).
    await lead(`mutation ($e: ID!) { verifyVolunteerHours(entryId: $e) { entry { status } errors { code message field } } }`, {
      e: canary.VolunteerServiceEntry,
    });

    // --- Moral bank: the account appears through the earning; venue rules as the system; the holder books. ---
    const account = await eventually(
      async () =>
        (
          await sys(
            `query ($p: ID!) { person(id: $p) { moralBankAccounts { nodes { id balance statement { nodes { transaction { id } } } } } } }`,
            { p: ids[n('金丝雀志愿者')] },
          )
        ).person.moralBankAccounts.nodes[0],
    );
    canary.MoralBankAccount = account.id;
    canary.MoralBankTransaction = account.statement.nodes[0].transaction.id;
    await as(
      n('金丝雀志愿者'),
      `mutation ($a: ID!) { setMoralBankRankingOptIn(accountId: $a, optIn: true) { account { inRankings } errors { code message field } } }`,
      {
        a: canary.MoralBankAccount,
      },
    );
    const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '23:59' }));
    await sys(
      `mutation ($i: MoralBankVenuePolicyInput!) { configureMoralBankVenue(input: $i) { policy { maxMinutes } errors { code message field } } }`,
      {
        i: { venueId: ids[k('K-V')], timeZone: 'Asia/Shanghai', openingHours: everyDay, maxMinutes: 120 },
      },
    );
    const slot = new Date(Date.UTC(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth(), tomorrow.getUTCDate(), 2, 0));
    canary.MoralBankBooking = (
      await as(
        n('金丝雀志愿者'),
        `mutation ($i: MoralBankBookingInput!) { bookMoralBankVenue(input: $i) { booking { id } errors { code message field } } }`,
        {
          i: {
            venueId: ids[k('K-V')],
            accountId: canary.MoralBankAccount,
            startsAt: slot.toISOString(),
            endsAt: new Date(slot.getTime() + 3_600_000).toISOString(),
            purpose: '金丝雀排练',
          },
        },
      )
    ).bookMoralBankVenue.booking.id;
    const week = new Date(slot.getTime() + 7 * 24 * 3_600_000);
    canary.MoralBankVenueClosure = (
      await sys(
        `mutation ($i: CloseMoralBankVenueInput!) { closeMoralBankVenue(input: $i) { closure { id } errors { code message field } } }`,
        {
          i: {
            venueId: ids[k('K-V')],
            startsAt: week.toISOString(),
            endsAt: new Date(week.getTime() + 3_600_000).toISOString(),
            reason: '金丝雀检修',
          },
        },
      )
    ).closeMoralBankVenue.closure.id;

    // --- Council: set up as the system; the canary social worker, a member, convenes, proposes and votes. ---
    canary.Council = (
      await sys(
        `mutation ($c: ID!) { createCouncil(input: { communityId: $c, name: "金丝雀议事会" }) { council { id } errors { code message } } }`,
        { c: ids[k('K-C')] },
      )
    ).createCouncil.council.id;
    canary.CouncilMember = (
      await sys(
        `mutation ($c: ID!, $p: ID!) { addCouncilMember(councilId: $c, personId: $p, seatType: SOCIAL_WORKER) { member { id } errors { code message } } }`,
        {
          c: canary.Council,
          p: ids[n('金丝雀社工')],
        },
      )
    ).addCouncilMember.member.id;
    canary.CouncilMeeting = (
      await lead(
        `mutation ($c: ID!, $at: DateTimeISO!) { scheduleCouncilMeeting(input: { councilId: $c, title: "金丝雀会议", scheduledAt: $at, urgent: true }) { meeting { id } errors { code message } } }`,
        { c: canary.Council, at: new Date(Date.now() + 3_600_000).toISOString() },
      )
    ).scheduleCouncilMeeting.meeting.id;
    canary.CouncilAttendance = (
      await lead(
        `mutation ($m: ID!, $s: [ID!]!) { recordCouncilAttendance(meetingId: $m, memberIds: $s) { meeting { attendance { nodes { id } } } errors { code message } } }`,
        { m: canary.CouncilMeeting, s: [canary.CouncilMember] },
      )
    ).recordCouncilAttendance.meeting.attendance.nodes[0].id;
    canary.CouncilAgendaItem = (
      await lead(
        `mutation ($m: ID!, $r: ID!) { addCouncilAgendaItem(input: { meetingId: $m, title: "金丝雀议题", requestId: $r }) { agendaItem { id } errors { code message } } }`,
        { m: canary.CouncilMeeting, r: canary.Request },
      )
    ).addCouncilAgendaItem.agendaItem.id;
    canary.CouncilProposal = (
      await lead(
        `mutation ($a: ID!) { createCouncilProposal(agendaItemId: $a, text: "金丝雀提案") { proposal { id } errors { code message } } }`,
        { a: canary.CouncilAgendaItem },
      )
    ).createCouncilProposal.proposal.id;
    canary.CouncilBallot = (
      await lead(`mutation ($p: ID!) { castCouncilVote(proposalId: $p, choice: FOR) { ballot { id } errors { code message } } }`, {
        p: canary.CouncilProposal,
      })
    ).castCouncilVote.ballot.id;
    canary.CouncilResidentPoll = (
      await lead(
        `mutation ($p: ID!, $b: ID!) { openCouncilResidentPoll(proposalId: $p, question: "金丝雀问卷", placeIds: [$b]) { poll { id } errors { code message field } } }`,
        { p: canary.CouncilProposal, b: ids[k('K-B')] },
      )
    ).openCouncilResidentPoll.poll.id;
    await as(
      n('金丝雀居民'),
      `mutation ($p: ID!) { answerCouncilResidentPoll(pollId: $p, answer: AGREE) { poll { id } errors { code message } } }`,
      {
        p: canary.CouncilResidentPoll,
      },
    );
    await lead(`mutation ($p: ID!) { closeCouncilResidentPoll(pollId: $p) { poll { id } errors { code message } } }`, {
      p: canary.CouncilResidentPoll,
    });
    await lead(`mutation ($p: ID!) { closeCouncilProposal(proposalId: $p) { proposal { outcome } errors { code message } } }`, {
      p: canary.CouncilProposal,
    });
    const decision = await lead(
      `mutation ($i: RecordCouncilDecisionInput!) { recordCouncilDecision(input: $i) { decision { id actionItems { nodes { id } } fundingSources { nodes { id } } } errors { code message } } }`,
      {
        i: {
          proposalId: canary.CouncilProposal,
          summary: '金丝雀决定',
          actionItems: [{ title: '金丝雀事项', ownerPersonId: ids[n('金丝雀社工')], dueOn: '2030-01-01' }],
          funding: [{ kind: 'DONATION', amountFen: 100 }],
        },
      },
    );
    canary.CouncilDecision = decision.recordCouncilDecision.decision.id;
    canary.CouncilActionItem = decision.recordCouncilDecision.decision.actionItems.nodes[0].id;
    canary.CouncilFundingSource = decision.recordCouncilDecision.decision.fundingSources.nodes[0].id;
    return canary;
  };
  // --- The canary district, through core's public mutations as the system. ---
  Object.assign(canary, await canaryCommunity(''));
  for (let i = 2; i <= (options.communities ?? 1); i++) await canaryCommunity(String(i));

  // An API key of a district app, scoped to 芳星园三区社区.
  const { secret } = await app.platform.orm.em
    .fork()
    .transactional((em) =>
      createApiKey(em as never, { name: '芳星园三区小程序', placeIds: [uuid(ids['DEMO-FXY3'])], permissions: ['request.submit'] }),
    );
  // The canary district's own app key: no caller of the demo district may see or revoke it.
  const canaryKey = await app.platform.orm.em
    .fork()
    .transactional((em) =>
      createApiKey(em as never, { name: '金丝雀小程序', placeIds: [uuid(ids['K-C'])], permissions: ['request.submit', 'webhook.manage'] }),
    );
  canary.ApiKey = toGlobalId('ApiKey', canaryKey.apiKey.uuid);
  // The canary app's webhook, and one delivery to it (answered 200 by a receiver here, so the row
  // is settled before the matrix snapshots it).
  const canaryKeyCaller = (await createAuthenticator(() => app.platform.orm.em.fork(), {})(`Bearer ${canaryKey.secret}`))!;
  const receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiver.unref();
  canary.Webhook = (
    await setup(
      `mutation ($u: String!) { createWebhook(input: { url: $u, eventTypes: ["request.created"] }) { created { webhook { id } } errors { code message } } }`,
      { u: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/gongzhi` },
      canaryKeyCaller,
    )
  ).createWebhook.created.webhook.id;
  await sys(
    `mutation ($p: ID!) { submitRequest(input: { title: "金丝雀通知", placeId: $p, kind: NEED, channel: PHONE, callbackPhone: "13800000000" }) { request { id } errors { code message } } }`,
    { p: ids['K-H'] },
  );
  const delivered = await eventually(async () => {
    const found = await sys('query ($w: ID!) { node(id: $w) { ... on Webhook { deliveries { nodes { id status } } } } }', {
      w: canary.Webhook,
    });
    const [delivery] = (found.node?.deliveries.nodes ?? []) as { id: string; status: string }[];
    return delivery?.status === 'SUCCEEDED' ? delivery : undefined;
  });
  canary.WebhookDelivery = delivered!.id;
  receiver.close();
  const apiKeyCaller = (await createAuthenticator(() => app.platform.orm.em.fork(), {})(`Bearer ${secret}`))!;
  return { app, ids, canary, person, apiKeyCaller, canaryKeyCaller, sys, as };
}
