import { randomUUID } from 'node:crypto';
import type { EntityManager, RequiredEntityData } from '@mikro-orm/postgresql';
import { Organization, OrganizationKind } from '../organization/organization.entity.js';
import { CareProfile } from '../person/care-profile.entity.js';
import { Person } from '../person/person.entity.js';
import { PersonRole, PersonRoleKind } from '../person/person-role.entity.js';
import { Place } from '../place/place.entity.js';
import { PlaceType, VenueKind } from '../place/place.entity.js';
import { RequestChannel, RequestKind, RequestLevel, RequestPriority, RequestStatus } from '../request/request.entity.js';
import { Request } from '../request/request.entity.js';
import { RequestTimelineEntry } from '../request/request-timeline-entry.entity.js';
import { RequestPhoto } from '../request/request-photo.entity.js';

/** Code of the demo district's root; its presence means the demo is loaded. */
export const DEMO_ROOT_CODE = 'DEMO-FT';

// Surnames and given names for the fictional residents of building 20.
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['秀英', '桂兰', '建国', '志强', '丽', '伟', '芳', '军', '敏', '静', '海燕', '国庆', '玉兰', '德明', '淑珍', '春生'];

/**
 * The demo district, in Chinese as its users speak, built from the domain stories:
 * Fengtai's Fangzhuang subdistrict with Fangxingyuan zone 3 building 20 and its 279
 * residents; Chengyilu community with Cuitingyuan and the hotline order about an elderly
 * man's broken internet that ended in a praise letter; Huolongyuan Beili's five parties;
 * Jingkoulu community's wish wall (56 wishes, 36 fulfilled); Xinchengqu community's rest
 * station and activity rooms. People are fictional. Loading twice adds nothing.
 */
export async function seedDemo(em: EntityManager, now: () => Date): Promise<void> {
  if (await em.count(Place, { code: DEMO_ROOT_CODE })) return;

  const place = (type: PlaceType, code: string, name: string, parent: Place | null, extra: Partial<Place> = {}): Place => {
    const p = em.create(Place, { type, code, name, parent, path: '', depth: parent ? parent.depth + 1 : 0, ...extra });
    p.path = `${parent?.path ?? '/'}${p.uuid}/`;
    return p;
  };
  const role = (person: Person, at: Place, kind: PersonRoleKind) =>
    em.create(PersonRole, { person, place: at, role: kind, startsOn: '2020-01-01' });

  const district = place(PlaceType.DISTRICT, DEMO_ROOT_CODE, '丰台区', null, { address: '北京市丰台区' });
  const fangzhuang = place(PlaceType.SUBDISTRICT, 'DEMO-FZ', '方庄街道', district);

  // 芳星园三区 20号楼: 279 residents in its households, cared for by a "courtyard head".
  const fxy = place(PlaceType.COMMUNITY, 'DEMO-FXY3', '芳星园三区社区', fangzhuang);
  const fxyCompound = place(PlaceType.COMPOUND, 'DEMO-FXY3-C', '芳星园三区', fxy);
  const building20 = place(PlaceType.BUILDING, 'DEMO-FXY3-20', '20号楼', fxyCompound, { address: '芳星园三区20号楼' });
  // Its households, residents and their roles are most of the demo's rows: they are written
  // below as three multi-row inserts, outside the unit of work (whose change-set computation
  // for them was most of a first start's seeding time).
  const homes: RequiredEntityData<Place>[] = [];
  const building20People: { uuid: string; name: string; household: string }[] = [];
  const residentRoles: RequiredEntityData<PersonRole>[] = [];
  let residents = 0;
  for (let unit = 1; unit <= 6; unit++) {
    const stair = place(PlaceType.UNIT, `DEMO-FXY3-20-${unit}`, `${unit}单元`, building20);
    for (let floor = 1; floor <= 16 && residents < 279; floor++) {
      for (const door of [1, 2, 3]) {
        if (residents >= 279) break;
        const uuid = randomUUID();
        const home = {
          uuid,
          type: PlaceType.HOUSEHOLD,
          code: `DEMO-FXY3-20-${unit}-${floor}0${door}`,
          name: `${unit}单元${floor}0${door}`,
          parent: stair.uuid,
          path: `${stair.path}${uuid}/`,
          depth: stair.depth + 1,
        };
        homes.push(home);
        const size = 1 + ((unit + floor + door) % 3);
        for (let k = 0; k < size && residents < 279; k++, residents++) {
          const person = { uuid: randomUUID(), name: `${SURNAMES[residents % 16]}${GIVEN[(residents * 7) % 16]}`, household: uuid };
          building20People.push(person);
          residentRoles.push({
            uuid: randomUUID(),
            person: person.uuid,
            place: uuid,
            role: PersonRoleKind.RESIDENT,
            startsOn: '2020-01-01',
          });
        }
      }
    }
  }
  const courtyardHead = em.create(Person, { name: '王小丽', phone: '13800000020' });
  role(courtyardHead, building20, PersonRoleKind.COURTYARD_HEAD);
  const songAyi = building20People[10];
  if (!songAyi) throw new Error('The demo building 20 needs at least 11 residents.');
  const careProfiles: Partial<CareProfile>[] = [];
  careProfiles.push({
    personUuid: songAyi.uuid,
    livesAlone: false,
    elderly: true,
    chronicIllness: '糖尿病，每周需取药',
    disability: null,
    notes: '院长每周代取药',
  });

  // 成仪路社区 · 翠庭园: the hotline order about 苍爷爷's internet, and the praise letter after.
  const cyl = place(PlaceType.COMMUNITY, 'DEMO-CYL', '成仪路社区', fangzhuang);
  const cuiting = place(PlaceType.COMPOUND, 'DEMO-CYL-CTY', '翠庭园', cyl);
  const ctyBuilding = place(PlaceType.BUILDING, 'DEMO-CYL-CTY-3', '3号楼', cuiting);
  const cangHome = place(PlaceType.HOUSEHOLD, 'DEMO-CYL-CTY-3-502', '3号楼502', ctyBuilding);
  const cang = em.create(Person, { name: '苍爷爷', household: cangHome, phone: '13900000502' });
  careProfiles.push({
    personUuid: cang.uuid,
    livesAlone: true,
    elderly: true,
    chronicIllness: null,
    disability: null,
    notes: '独居老人，疫情期间断网',
  });
  const socialWorker = em.create(Person, { name: '刘社工', phone: '13800000001' });
  role(socialWorker, cyl, PersonRoleKind.SOCIAL_WORKER);
  const auxiliary = em.create(Person, { name: '赵女士', phone: '13800000002' });
  role(auxiliary, cyl, PersonRoleKind.AUXILIARY_SOCIAL_WORKER);

  const at = now();
  const order = em.create(Request, {
    kind: RequestKind.COMPLAINT,
    channel: RequestChannel.HOTLINE_12345,
    externalOrderNo: 'DEMO-12345-0001',
    title: '独居老人家中断网，无法线上买菜',
    description: '12345转派：翠庭园3号楼502独居老人家中网络中断多日。',
    place: cangHome,
    placePath: cangHome.path,
    requester: cang,
    level: RequestLevel.COMMUNITY,
    status: RequestStatus.CLOSED,
    assignee: socialWorker,
    rating: 5,
    thanks: '感谢社区帮我恢复网络',
    createdAt: at,
    updatedAt: at,
  });
  for (const [action, from, to] of [
    ['imported', null, RequestStatus.SUBMITTED],
    ['status', RequestStatus.SUBMITTED, RequestStatus.ACCEPTED],
    ['assigned', RequestStatus.ACCEPTED, RequestStatus.ASSIGNED],
    ['status', RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS],
    ['status', RequestStatus.IN_PROGRESS, RequestStatus.RESOLVED],
    ['status', RequestStatus.RESOLVED, RequestStatus.CLOSED],
  ] as const) {
    em.create(RequestTimelineEntry, {
      request: order,
      action,
      fromStatus: from,
      toStatus: to,
      actor: action === 'imported' ? null : socialWorker,
      at,
    });
  }
  em.create(Request, {
    kind: RequestKind.PRAISE,
    channel: RequestChannel.HOTLINE_12345,
    externalOrderNo: 'DEMO-12345-0002',
    title: '表扬信：社区工作人员帮独居老人恢复网络',
    description: '市民来电表扬成仪路社区工作人员。',
    place: cyl,
    placePath: cyl.path,
    praisedPerson: socialWorker,
    level: RequestLevel.COMMUNITY,
    status: RequestStatus.CLOSED,
    createdAt: at,
    updatedAt: at,
  });

  // 火龙园北里: the five parties of co-building (五方共建).
  const hly = place(PlaceType.COMMUNITY, 'DEMO-HLY', '火龙园北里社区', fangzhuang);
  for (const [name, kind] of [
    ['火龙园北里社区党支部', OrganizationKind.PARTY_BRANCH],
    ['火龙园北里社区居委会', OrganizationKind.RESIDENTS_COMMITTEE],
    ['火龙园北里业主委员会', OrganizationKind.OWNERS_COMMITTEE],
    ['火龙园物业服务中心', OrganizationKind.PROPERTY_COMPANY],
    ['驻区单位联合会', OrganizationKind.RESIDENT_UNIT],
  ] as const) {
    em.create(Organization, { name, kind, place: hly });
  }
  const hlyBuilding = place(PlaceType.BUILDING, 'DEMO-HLY-10', '10号楼', hly);
  const buildingHead = em.create(Person, { name: '左茂荣', phone: '13800000010' });
  role(buildingHead, hlyBuilding, PersonRoleKind.BUILDING_HEAD);
  // The sewer collapse: due in 20 days, compressed to 14, not done in time, escalated to the subdistrict.
  const DAY = 24 * 3600_000;
  const reported = new Date(at.getTime() - 15 * DAY);
  const sewer = em.create(Request, {
    kind: RequestKind.REPORT,
    channel: RequestChannel.HOUSEHOLD_VISIT,
    title: '10号楼前污水管塌陷',
    description: '需更换100余米主管道，费用六位数，超出社区能力。',
    place: hlyBuilding,
    placePath: hlyBuilding.path,
    requester: buildingHead,
    priority: RequestPriority.URGENT,
    level: RequestLevel.SUBDISTRICT,
    status: RequestStatus.ESCALATED,
    dueAt: new Date(reported.getTime() + 14 * DAY),
    createdAt: reported,
    updatedAt: new Date(reported.getTime() + 14 * DAY + 60_000),
  });
  const sewerTimeline: [string, RequestStatus | null, RequestStatus, number, string | null, Date | null, Date | null, string | null][] = [
    ['created', null, RequestStatus.SUBMITTED, 0, null, null, null, null],
    ['status', RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, 0.1, null, null, null, null],
    [
      'deadline',
      RequestStatus.ACCEPTED,
      RequestStatus.ACCEPTED,
      0.2,
      '管道维修，工期20天',
      null,
      new Date(reported.getTime() + 20 * DAY),
      null,
    ],
    [
      'deadline',
      RequestStatus.ACCEPTED,
      RequestStatus.ACCEPTED,
      1,
      '居民出行困难，工期压缩到14天',
      new Date(reported.getTime() + 20 * DAY),
      new Date(reported.getTime() + 14 * DAY),
      null,
    ],
    [
      'escalated',
      RequestStatus.ACCEPTED,
      RequestStatus.ESCALATED,
      14.001,
      `community → subdistrict: automatic: not resolved within its deadline ${new Date(reported.getTime() + 14 * DAY).toISOString()} at the community level`,
      null,
      null,
      'system: grid.escalation',
    ],
  ];
  for (const [action, from, to, day, note, fromDueAt, toDueAt, label] of sewerTimeline) {
    em.create(RequestTimelineEntry, {
      request: sewer,
      action,
      fromStatus: from,
      toStatus: to,
      actor: label ? null : buildingHead,
      actorLabel: label,
      note,
      fromDueAt,
      toDueAt,
      at: new Date(reported.getTime() + day * DAY),
    });
  }
  // The building head's photo of the collapse, sent with the visit's report (the district's storage keeps the file).
  em.create(RequestPhoto, {
    request: sewer,
    url: 'https://oss.example.org/fangzhuang/demo/hly-10-sewer.jpg',
    caption: '10号楼前塌陷现场',
    addedBy: buildingHead,
    at: reported,
  });
  // A neighbour called 12345 about the same collapse: merged into it as a duplicate (重复件).
  const reportedAgain = new Date(reported.getTime() + 2 * DAY);
  const duplicate = em.create(Request, {
    kind: RequestKind.COMPLAINT,
    channel: RequestChannel.HOTLINE_12345,
    externalOrderNo: 'DEMO-12345-0003',
    title: '10号楼门口污水外溢，味道很大',
    description: '12345转派：火龙园北里10号楼门前污水外溢。',
    place: hlyBuilding,
    placePath: hlyBuilding.path,
    callbackPhone: '13900000110',
    level: RequestLevel.COMMUNITY,
    status: RequestStatus.CLOSED,
    duplicateOf: sewer,
    createdAt: reportedAgain,
    updatedAt: new Date(reportedAgain.getTime() + 3600_000),
  });
  for (const [request, action, from, to, note, hours] of [
    [duplicate, 'imported', null, RequestStatus.SUBMITTED, null, 0],
    [duplicate, 'merged', RequestStatus.SUBMITTED, RequestStatus.CLOSED, '同一处污水管塌陷，合并办理', 1],
    [sewer, 'duplicate', RequestStatus.ACCEPTED, RequestStatus.ACCEPTED, '同一处污水管塌陷，合并办理', 1],
  ] as const) {
    em.create(RequestTimelineEntry, {
      request,
      action,
      fromStatus: from,
      toStatus: to,
      actor: action === 'imported' ? null : buildingHead,
      note,
      at: new Date(reportedAgain.getTime() + hours * 3600_000),
    });
  }
  em.create(Request, {
    kind: RequestKind.COMPLAINT,
    channel: RequestChannel.CHAT_GROUP,
    title: '单元门禁损坏，外来人员随意进出',
    description: '社区管家转来居民反映：10号楼单元门禁坏了。',
    place: hlyBuilding,
    placePath: hlyBuilding.path,
    requester: buildingHead,
    level: RequestLevel.COMMUNITY,
    status: RequestStatus.ACCEPTED,
    createdAt: at,
    updatedAt: at,
  });

  // 敬口路社区 (镇江京口): the wish wall, 56 micro-wishes, 36 fulfilled by party members.
  const jkl = place(PlaceType.COMMUNITY, 'DEMO-JKL', '敬口路社区', fangzhuang);
  const partyMember = em.create(Person, { name: '陈党员' });
  role(partyMember, jkl, PersonRoleKind.PARTY_MEMBER);
  const wishes = [
    '想要一台收音机',
    '希望有人陪我去医院复查',
    '想学用智能手机',
    '需要一副老花镜',
    '想给孙子买本字典',
    '希望修好家里的水龙头',
    '想要一袋大米',
    '希望有人帮忙理发',
  ];
  // 36 fulfilled, 2 claimed and under way, 18 open on the wall for anyone to claim.
  for (let i = 0; i < 56; i++) {
    const done = i < 36;
    const held = i >= 36 && i < 38;
    const wish = em.create(Request, {
      kind: RequestKind.WISH,
      channel: RequestChannel.WISH_WALL,
      title: `微心愿：${wishes[i % wishes.length]}`,
      description: '心愿墙',
      place: jkl,
      placePath: jkl.path,
      callbackPhone: '0511-00000000',
      status: done ? RequestStatus.CLOSED : held ? RequestStatus.IN_PROGRESS : RequestStatus.SUBMITTED,
      assignee: done || held ? partyMember : null,
      createdAt: new Date(at.getTime() - (56 - i) * 60_000),
      updatedAt: at,
    });
    if (held) {
      for (const [action, from, to, note] of [
        ['claimed', RequestStatus.SUBMITTED, RequestStatus.CLAIMED, '陈党员'],
        ['progress', RequestStatus.CLAIMED, RequestStatus.CLAIMED, '已联系家属，周六上门'],
        ['status', RequestStatus.CLAIMED, RequestStatus.IN_PROGRESS, null],
      ] as const) {
        em.create(RequestTimelineEntry, { request: wish, action, fromStatus: from, toStatus: to, actor: partyMember, note, at });
      }
    }
  }

  // 新城区社区: rest station for "little bees", activity rooms, a shared tool room.
  const xcq = place(PlaceType.COMMUNITY, 'DEMO-XCQ', '新城区社区', fangzhuang);
  place(PlaceType.STATION, 'DEMO-XCQ-BEE', '小蜜蜂驿站', xcq, { venueKind: VenueKind.REST_STATION, capacity: 10 });
  place(PlaceType.VENUE, 'DEMO-XCQ-HALL', '排练厅', xcq, { venueKind: VenueKind.ACTIVITY_ROOM, capacity: 40 });
  place(PlaceType.VENUE, 'DEMO-XCQ-CALLI', '书法室', xcq, { venueKind: VenueKind.ACTIVITY_ROOM, capacity: 20 });
  place(PlaceType.VENUE, 'DEMO-XCQ-CHESS', '棋牌室', xcq, { venueKind: VenueKind.ACTIVITY_ROOM, capacity: 16 });
  place(PlaceType.VENUE, 'DEMO-XCQ-TOOLS', '共享工具房', xcq, { venueKind: VenueKind.TOOL_ROOM, capacity: 4 });
  const gridWorker = em.create(Person, { name: '董桂芳', phone: '13800000003' });
  role(gridWorker, xcq, PersonRoleKind.GRID_WORKER);

  await em.flush();
  await em.insertMany(Place, homes);
  await em.insertMany(Person, building20People);
  await em.insertMany(PersonRole, residentRoles);
  // Care profiles are keyed by person id without an ORM relation: write them once people exist.
  for (const profile of careProfiles) em.create(CareProfile, profile as CareProfile);
  await em.flush();
}
