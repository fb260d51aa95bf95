import {
  CareProfile,
  localDate,
  Organization,
  OrganizationKind,
  Person,
  PersonRole,
  PersonRoleKind,
  Place,
  type UnitOfWork,
} from '@gongzhi/core';
import { VolunteerCareItem, VolunteerPairing, VolunteerPairingVisit } from './pairing/pairing.entity.js';
import { VolunteerApplication, VolunteerApplicationStatus, VolunteerRecruitment } from './recruitment/recruitment.entity.js';
import { insertScheduleSlots } from './shift/shift.commands.js';
import { VolunteerShiftSchedule } from './shift/shift.entity.js';
import { VolunteerTask, VolunteerTaskKind } from './task/task.entity.js';
import { VolunteerMemberRole, VolunteerTeam, VolunteerTeamKind, VolunteerTeamMember } from './team/team.entity.js';

/** Name of the first demo team; its presence means the volunteer demo is loaded. */
export const DEMO_TEAM_NAME = '邻里互助队';

/**
 * The volunteer demo, from the domain stories, on core's demo district (people fictional):
 * 邻里互助队, 19 residents of building 20 recruited in three hours, paired with an elderly
 * resident with diabetes who needs her weekly medicine; 青年突击队, 6 young staff of an estate
 * agency; 烛光队, working party members walking 19:00–21:00 every evening to find households
 * not met by day, with a week of slots. Days are counted in `timeZone` (the plugin's). Loading
 * twice adds nothing.
 */
export async function seedVolunteerDemo(em: UnitOfWork['em'], now: () => Date, timeZone: string): Promise<void> {
  const fxy = await em.findOne(Place, { code: 'DEMO-FXY3' });
  if (!fxy) return; // core's demo district is not loaded: nothing to attach to
  if (await em.count(VolunteerTeam, { name: DEMO_TEAM_NAME, homePlace: fxy })) return;
  const cyl = await em.findOneOrFail(Place, { code: 'DEMO-CYL' });
  const hly = await em.findOneOrFail(Place, { code: 'DEMO-HLY' });
  const building20 = await em.findOneOrFail(Place, { code: 'DEMO-FXY3-20' });
  const courtyardHead = await em.findOneOrFail(Person, { name: '王小丽' });
  const socialWorker = await em.findOneOrFail(Person, { name: '刘社工' });
  const today = localDate(now(), timeZone);
  const joined = '2022-04-02';

  // 邻里互助队: the courtyard head leads 18 residents of building 20, recruited in three hours.
  const mutualAid = em.create(VolunteerTeam, {
    name: DEMO_TEAM_NAME,
    kind: VolunteerTeamKind.MUTUAL_AID,
    description: '三小时招募19名居民志愿者，为20号楼279位居民代买药品、代购生活物资、陪同就医。',
    homePlace: fxy,
    homePlacePath: fxy.path,
    skills: ['代购', '代取药', '陪同就医'],
  });
  em.create(VolunteerTeamMember, {
    team: mutualAid,
    person: courtyardHead,
    role: VolunteerMemberRole.LEADER,
    joinedOn: joined,
    skills: ['组织协调'],
  });
  const residents = await em.find(
    Person,
    { household: { path: { $like: `${building20.path}%` } } },
    { orderBy: { name: 'asc', uuid: 'asc' }, limit: 40 },
  );
  const songAyiProfile = await em.findOne(CareProfile, { chronicIllness: { $like: '%糖尿病%' } });
  const helpers = residents.filter((p) => p.uuid !== songAyiProfile?.personUuid).slice(0, 18);
  const call = em.create(VolunteerRecruitment, {
    team: mutualAid,
    place: building20,
    title: '招募20号楼居民志愿者',
    description: '为楼内居民代购、代取药，三小时内招满。',
    wanted: 18,
    accepted: helpers.length,
    skills: ['代购', '代取药'],
    openUntil: new Date('2022-04-02T12:00:00+08:00'),
    createdAt: new Date('2022-04-02T09:00:00+08:00'),
  });
  helpers.forEach((person, i) => {
    em.create(VolunteerTeamMember, { team: mutualAid, person, joinedOn: joined, skills: i % 3 === 0 ? ['代取药'] : ['代购'] });
    em.create(VolunteerApplication, {
      recruitment: call,
      person,
      status: VolunteerApplicationStatus.ACCEPTED,
      decidedBy: courtyardHead,
      decidedAt: new Date('2022-04-02T12:00:00+08:00'),
    });
  });

  // Pairing (结对): the team looks after the resident with diabetes, weekly medicine.
  if (songAyiProfile) {
    const songAyi = await em.findOneOrFail(Person, { uuid: songAyiProfile.personUuid });
    const pairing = em.create(VolunteerPairing, {
      team: mutualAid,
      resident: songAyi,
      community: fxy,
      startsOn: joined,
      carePlan: [VolunteerCareItem.MEDICINE, VolunteerCareItem.ESCORT_TO_HOSPITAL, VolunteerCareItem.GROCERIES],
      notes: '每周一代取糖尿病药；每月陪同复查一次。',
    });
    em.create(VolunteerPairingVisit, {
      pairing,
      visitor: courtyardHead,
      visitedAt: new Date('2022-04-04T10:00:00+08:00'),
      careItems: [VolunteerCareItem.MEDICINE],
      note: '送药上门，血糖平稳。',
    });
    em.create(VolunteerTask, {
      team: mutualAid,
      place: building20,
      placePath: building20.path,
      kind: VolunteerTaskKind.MEDICINE,
      title: `为${songAyi.name}代取本周糖尿病药`,
      description: '社区卫生服务站取药，送至家中。',
      createdBy: courtyardHead,
      createdAt: now(),
      updatedAt: now(),
    });
  }

  // 青年突击队: six young staff of an estate agency.
  const agency = em.create(Organization, { name: '安家房产经纪成仪路门店', kind: OrganizationKind.COMPANY, place: cyl });
  const commando = em.create(VolunteerTeam, {
    name: '青年突击队',
    kind: VolunteerTeamKind.YOUTH_COMMANDO,
    description: '房产中介门店六名青年员工组成，搬运物资、清运垃圾。',
    homePlace: cyl,
    homePlacePath: cyl.path,
    organization: agency,
    skills: ['搬运', '清运垃圾'],
  });
  ['郑晓东', '何佳琪', '罗浩', '高子涵', '林一鸣', '谢雨桐'].forEach((name, i) => {
    const person = em.create(Person, { name });
    em.create(VolunteerTeamMember, {
      team: commando,
      person,
      role: i === 0 ? VolunteerMemberRole.LEADER : VolunteerMemberRole.MEMBER,
      joinedOn: '2022-04-10',
      skills: ['搬运'],
    });
  });
  em.create(VolunteerTask, {
    team: commando,
    place: cyl,
    placePath: cyl.path,
    kind: VolunteerTaskKind.RUBBISH,
    title: '翠庭园楼道垃圾清运',
    createdBy: socialWorker,
    createdAt: now(),
    updatedAt: now(),
  });

  // 烛光队: working party members, every evening 19:00–21:00, finding households not met by day.
  const candle = em.create(VolunteerTeam, {
    name: '烛光队',
    kind: VolunteerTeamKind.CANDLE_LIGHT,
    description: '在职党员下班后19:00—21:00入户走访，寻找白天未见到的住户。',
    homePlace: hly,
    homePlacePath: hly.path,
    skills: ['入户走访'],
  });
  ['韩志刚', '曹文静', '邓立新', '冯海波'].forEach((name, i) => {
    const person = em.create(Person, { name });
    em.create(PersonRole, { person, place: hly, role: PersonRoleKind.PARTY_MEMBER, startsOn: '2020-01-01' });
    em.create(VolunteerTeamMember, {
      team: candle,
      person,
      role: i === 0 ? VolunteerMemberRole.LEADER : VolunteerMemberRole.MEMBER,
      joinedOn: '2022-04-05',
      skills: ['入户走访'],
    });
  });
  const evenings = em.create(VolunteerShiftSchedule, {
    team: candle,
    place: hly,
    title: '烛光夜访',
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    startTime: '19:00:00',
    endTime: '21:00:00',
    capacity: 2,
    validFrom: today,
    timeZone,
  });
  await em.flush();
  // A week of evening slots, made as materializeVolunteerShifts makes them.
  const weekLater = localDate(new Date(now().getTime() + 6 * 86_400_000), timeZone);
  await insertScheduleSlots(em, evenings.uuid, hly.path, today, weekLater);
}
