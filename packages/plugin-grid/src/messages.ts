import { defineMessages, definePhrases } from '@gongzhi/core';

/**
 * The messages of grid's errors, in every locale (see the README's errors section): each has
 * the code clients switch on and the same `{parameters}` in English and Chinese.
 */
export const gridMessages = defineMessages('grid', {
  reasonEmptySayWhy: {
    code: 'BAD_USER_INPUT',
    en: '"reason" must not be empty: say why the place gets this colour (e.g. "独居老人，行动不便").',
    'zh-CN': '"reason" 不能为空：请说明标注该颜色的原因（如“独居老人，行动不便”）。',
  },
  placeidHouseholdBuilding: {
    code: 'BAD_USER_INPUT',
    en: '"placeId" must be a household or a building; {placeName} is a {placeType}.',
    'zh-CN': '"placeId" 应为户或楼栋；{placeName} 的类型是 {placeType}。',
  },
  levelGridCommunitySubdistrict: {
    code: 'BAD_USER_INPUT',
    en: '"level" must be GRID or COMMUNITY: the subdistrict is the top level, nothing escalates from it.',
    'zh-CN': '"level" 应为 GRID 或 COMMUNITY：街道已是最高层级，无法再上报。',
  },
  giveLimitOnceMinutes: {
    code: 'BAD_USER_INPUT',
    en: 'Give the limit once: "minutes" ({minutes}) and "hours" ({hours}) were both given. Give only "minutes"; "hours" is deprecated.',
    'zh-CN': '时限只需给一次：同时给了 "minutes"（{minutes}）和 "hours"（{hours}）。请只给 "minutes"，"hours" 已弃用。',
  },
  minutesMissingGiveLimit: {
    code: 'BAD_USER_INPUT',
    en: '"minutes" is missing: give the limit in minutes, from 1 to 525600 (a year).',
    'zh-CN': '缺少 "minutes"：请以分钟为单位给出时限，范围 1 至 525600（一年）。',
  },
  hoursWholeNumberFrom: {
    code: 'BAD_USER_INPUT',
    en: '"hours" must be a whole number from 1 to 8760 (a year), got {hours}. For a limit under an hour give "minutes" instead; for a sooner limit on one request, give it a deadline (dueAt, to the minute, with changeRequestDeadline): a request past its dueAt escalates too.',
    'zh-CN':
      '"hours" 应为 1 至 8760（一年）之间的整数，当前为 {hours}。不足一小时的时限请用 "minutes"；若要缩短某条诉求的时限，请为其设定期限（dueAt，精确到分钟，使用 changeRequestDeadline）：超过期限的诉求同样会上报。',
  },
  minutesWholeNumberFrom: {
    code: 'BAD_USER_INPUT',
    en: '"minutes" must be a whole number from 1 to 525600 (a year), got {minutes}. For a sooner limit on one request, give it a deadline (dueAt, to the minute, with changeRequestDeadline): a request past its dueAt escalates too.',
    'zh-CN':
      '"minutes" 应为 1 至 525600（一年）之间的整数，当前为 {minutes}。若要缩短某条诉求的时限，请为其设定期限（dueAt，精确到分钟，使用 changeRequestDeadline）：超过期限的诉求同样会上报。',
  },
  escalationReasonEmpty: {
    code: 'BAD_USER_INPUT',
    en: '"reason" must not be empty: say why the grid cannot solve it (e.g. "需更换主管道，超出网格能力").',
    'zh-CN': '"reason" 不能为空：请说明网格无法解决的原因（如“需更换主管道，超出网格能力”）。',
  },
  activeWorkerGridCovering: {
    code: 'NOT_GRID_WORKER',
    en: '{meName} is not an active worker of the grid covering this request; at the grid level, its grid workers decide to escalate.',
    'zh-CN': '{meName} 不是该诉求所在网格的在岗网格员；网格层级的诉求由本网格网格员决定是否上报。',
  },
  coversPlacesType: {
    code: 'BAD_USER_INPUT',
    en: 'A {kindName} covers places of type {gridKind}; {placeName} is a {placeType}.',
    'zh-CN': '{kindName}覆盖的地点类型为 {gridKind}；{placeName} 的类型是 {placeType}。',
  },
  placeOutsideGridCommunity: {
    code: 'BAD_USER_INPUT',
    en: "{placeName} is not inside {communityName}, the grid's community; a grid covers places of its own community only.",
    'zh-CN': '{placeName} 不在本网格所属社区{communityName}内；网格只能覆盖本社区的地点。',
  },
  outsideParentGridMicro: {
    code: 'BAD_USER_INPUT',
    en: '{placeName} is outside the parent grid of micro-grid {gridName}; a micro-grid covers only places its parent grid covers.',
    'zh-CN': '{placeName} 不在微网格{gridName}的上级网格范围内；微网格只能覆盖上级网格已覆盖的地点。',
  },
  overlapsAlreadyCoveredPlace: {
    code: 'GRID_OVERLAP',
    en: '{placeName} overlaps {covered}, already covered by {kindName} {gridName}; a place belongs to at most one grid of each kind. Remove it there first, or choose a place outside it.',
    'zh-CN':
      '{placeName} 与{kindName}{gridName}已覆盖的 {covered} 重叠；每个地点在同类网格中只能归属一个。请先从那里移除，或选择范围外的地点。',
  },
  community: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must be a community; {placeName} is a {placeType}.',
    'zh-CN': '"{field}" 应为社区；{placeName} 的类型是 {placeType}。',
  },
  microGridNestsGrid: {
    code: 'BAD_USER_INPUT',
    en: 'A micro-grid nests in a grid: give "parentId", the id of a grid of the same community.',
    'zh-CN': '微网格须挂在网格之下：请提供 "parentId"，即同一社区内某个网格的编号。',
  },
  onlyMicroGridParent: {
    code: 'BAD_USER_INPUT',
    en: 'Only a micro-grid has a parent: leave out "parentId", or set kind: MICRO_GRID.',
    'zh-CN': '只有微网格才有上级网格：请去掉 "parentId"，或设置 kind: MICRO_GRID。',
  },
  parentidGridMicroGrid: {
    code: 'BAD_USER_INPUT',
    en: '"parentId" must be a grid, not a micro-grid; {parentName} is a micro-grid.',
    'zh-CN': '"parentId" 应为网格而非微网格；{parentName} 是微网格。',
  },
  nameEmptyGiveGrid: {
    code: 'BAD_USER_INPUT',
    en: '"name" must not be empty: give the grid a name such as "第一网格".',
    'zh-CN': '"name" 不能为空：请为网格命名，如“第一网格”。',
  },
  placeidsEmptyGiveLeast: {
    code: 'BAD_USER_INPUT',
    en: '"placeIds" is empty: give at least one place to add.',
    'zh-CN': '"placeIds" 为空：请至少提供一个要添加的地点。',
  },
  heldatFutureRecordMeeting: {
    code: 'BAD_USER_INPUT',
    en: '"heldAt" is in the future; record a meeting once it has been held.',
    'zh-CN': '"heldAt" 是将来的时间；会议召开之后再记录。',
  },
  inputAreaidSubdistrictCommunity: {
    code: 'BAD_USER_INPUT',
    en: '"input.areaId" must be a subdistrict (街道) or a community (社区); {areaName} is a {areaType}.',
    'zh-CN': '"input.areaId" 应为街道或社区；{areaName} 的类型是 {areaType}。',
  },
  inputEmployerMostCharacters: {
    code: 'BAD_USER_INPUT',
    en: '"input.employer" must have at most 100 characters, got {worksLength}.',
    'zh-CN': '"input.employer" 最多 100 个字符，当前为 {worksLength} 个。',
  },
  numberFromWgsDegrees: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must be a number from -{limit} to {limit} (WGS-84 degrees), got {value}.',
    'zh-CN': '"{field}" 应为 -{limit} 至 {limit} 之间的数（WGS-84 坐标度数），当前为 {value}。',
  },
  registeredLittleBeeSubdistrict: {
    code: 'NOT_A_REPORTER',
    en: "{beeName} is not registered as a little bee (小蜜蜂); the subdistrict's staff register couriers, riders and street cleaners with registerLittleBee.",
    'zh-CN': '{beeName} 尚未登记为“小蜜蜂”；快递员、外卖骑手、环卫工人由街道工作人员通过 registerLittleBee 登记。',
  },
  outsideAreaReportsReport: {
    code: 'OUTSIDE_AREA',
    en: '{placeName} is outside the area {beeName} reports on; report places inside it, or ask to be registered for this area.',
    'zh-CN': '{placeName} 不在 {beeName} 负责上报的区域内；请上报区域内的地点，或申请登记该区域。',
  },
  mostCharacters: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must have at most 200 characters, got {titleLength}.',
    'zh-CN': '"{field}" 最多 200 个字符，当前为 {titleLength} 个。',
  },
  inputVisitedonFutureGive: {
    code: 'BAD_USER_INPUT',
    en: '"input.visitedOn" ({on}) is in the future; give the day the visit took place, today ({day}) at the latest.',
    'zh-CN': '"input.visitedOn"（{on}）是将来的日期；请填写走访当天的日期，最晚为今天（{day}）。',
  },
  photosNeedRequest: {
    code: 'BAD_USER_INPUT',
    en: '"{field}": a finding keeps its photos on the request it opens; give openRequest: true, or no photos.',
    'zh-CN': '"{field}"：发现问题的照片随其转成的诉求保存；请设置 openRequest: true，或不附照片。',
  },
  emptySayWhatFound: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must not be empty: say what was found.',
    'zh-CN': '"{field}" 不能为空：请说明发现的情况。',
  },
  inputHouseholdidHousehold: {
    code: 'BAD_USER_INPUT',
    en: '"input.householdId" must be a household; {householdName} is a {householdType}.',
    'zh-CN': '"input.householdId" 应为户；{householdName} 的类型是 {householdType}。',
  },
  findingAlreadyOpenedRequest: {
    code: 'CONFLICT',
    en: 'This finding has already opened a request; follow that request instead.',
    'zh-CN': '该发现已生成诉求，请跟进那条诉求。',
  },
  daysWholeNumberFrom: {
    code: 'BAD_USER_INPUT',
    en: '"days" must be a whole number from 1 to 3660, got {days}.',
    'zh-CN': '"days" 应为 1 至 3660 之间的整数，当前为 {days}。',
  },
  afterFrom: {
    code: 'BAD_USER_INPUT',
    en: '"to" ({end}) must be on or after "from" ({start}).',
    'zh-CN': '"to"（{end}）不能早于 "from"（{start}）。',
  },
  atMostAYear: {
    code: 'BAD_USER_INPUT',
    en: 'From "from" ({start}) to "to" ({end}) is more than a year (366 days); ask a year at a time.',
    'zh-CN': '从 "from"（{start}）到 "to"（{end}）超过一年（366 天）；请按年分段查询。',
  },
  placeInsideAnyGrid: {
    code: 'NOT_IN_GRID',
    en: '"{requestTitle}" is not on a place inside any grid; claim it with claimRequest instead.',
    'zh-CN': '“{requestTitle}”所在地点不属于任何网格；请改用 claimRequest 认领。',
  },
  handOverToWorker: {
    code: 'NOT_GRID_MEMBER',
    en: '{personName} is not another worker of grid {gridName} today: hand the work over to one of its workers.',
    'zh-CN': '{personName} 今天不是网格{gridName}的其他网格员：请将工作移交给该网格的网格员。',
  },
  neitherWorkerGridNor: {
    code: 'NOT_GRID_MEMBER',
    en: '{meName} is neither a worker of grid {gName} nor a member of a partner unit that adopted it; only they take its work.',
    'zh-CN': '{meName} 既不是网格{gName}的网格员，也不是认领该网格的共建单位成员；只有他们可以承接网格事务。',
  },
  insideAnyGridAdd: {
    code: 'NOT_IN_GRID',
    en: '{placeName} is not inside any grid; add its building to a grid (addGridPlaces) before grid workers record anything there.',
    'zh-CN': '{placeName} 不属于任何网格；网格员在此记录前，请先将其所在楼栋加入网格（addGridPlaces）。',
  },
  activeWorkerGridWhich: {
    code: 'NOT_GRID_WORKER',
    en: '{personName} is not an active worker of grid {gName}, which covers {placeName}; only its grid workers do this there.',
    'zh-CN': '{personName} 不是覆盖{placeName}的网格{gName}的在岗网格员；该处事务只能由其网格员办理。',
  },
  placeNotCovered: {
    code: 'NOT_COVERED',
    en: '{placeName} is not one of the places {gridName} covers (a place inside one is covered through it: take that one off).',
    'zh-CN': '{placeName} 不是{gridName}直接覆盖的地点（其内部的地点随上级地点覆盖：请移除上级地点）。',
  },
  microGridStillCovers: {
    code: 'CONFLICT',
    en: 'The micro-grid {microGridName} still covers places in {placeName}: take them off the micro-grid first.',
    'zh-CN': '微网格{microGridName}仍覆盖{placeName}内的地点：请先从该微网格中移除。',
  },
  assignmentEndsEarlier: {
    code: 'CONFLICT',
    en: 'This assignment already ends on {current}; an end only comes earlier ("endsOn" {end} is later). To work the grid longer, assign the worker again from {next}.',
    'zh-CN': '该网格员任职已定于 {current} 结束，结束日期只能提前（"endsOn" {end} 更晚）。如需继续任职，请从 {next} 起重新指派。',
  },
  endsonAfterStartson: {
    code: 'BAD_USER_INPUT',
    en: '"endsOn" ({to}) must be on or after "startsOn" ({from}).',
    'zh-CN': '"endsOn"（{to}）不能早于 "startsOn"（{from}）。',
  },
  neitherLivesNorHolds: {
    code: 'WORKER_OUTSIDE_COMMUNITY',
    en: '{personName} neither lives in nor holds a role in {communityName} on {from}, the community of grid {gridName}; assign a person of that community, or give them a role there first (assignRole).',
    'zh-CN':
      '{personName} 在 {from} 既不住在网格{gridName}所属的{communityName}，也未在该社区任职；请指派该社区的人员，或先为其分配社区角色（assignRole）。',
  },
  alreadyWorkerGridPart: {
    code: 'CONFLICT',
    en: '{personName} is already a worker of grid {gridName} for part of {from}–{end}; end that assignment first or choose other dates.',
    'zh-CN': '{personName} 在 {from}–{end} 期间已有部分时间是网格{gridName}的网格员；请先结束原有任职，或另选日期。',
  },
  constraintGridCommunityIdNameKey: {
    code: 'CONFLICT',
    en: 'The community already has a grid of this name; grid names are unique in a community.',
    'zh-CN': '本社区已有同名网格，社区内网格名称不能重复。',
  },
  constraintGridPlaceOneGridPerKind: {
    code: 'GRID_OVERLAP',
    en: 'A place given is already covered by a grid of the same kind; a place belongs to at most one grid of each kind.',
    'zh-CN': '所给地点中有地点已被同类网格覆盖；每个地点在同类网格中只能归属一个。',
  },
  constraintGridWorkerOneOpenUq: {
    code: 'CONFLICT',
    en: 'The person already has an open assignment to this grid; end it first.',
    'zh-CN': '此人在该网格已有未结束的任职，请先结束。',
  },
  constraintGridAdoptionOneOpenUq: {
    code: 'CONFLICT',
    en: 'The partner unit has already adopted this grid (its adoption has not ended).',
    'zh-CN': '该共建单位已认领此网格（认领尚未结束）。',
  },
  constraintReporterOneOpenUq: {
    code: 'CONFLICT',
    en: 'The person is already registered as a little bee for this area (the registration has not ended).',
    'zh-CN': '此人已登记为该区域的“小蜜蜂”（登记尚未结束）。',
  },
  constraintGridFindingRequestIdKey: {
    code: 'CONFLICT',
    en: 'This request was already opened by another finding.',
    'zh-CN': '该诉求已由另一项发现生成。',
  },
});

/** Words the messages above take as parameters, in every locale. */
export const gridPhrases = definePhrases('grid', {
  openEnd: { en: 'open end', 'zh-CN': '长期' },
  grid: { en: 'grid', 'zh-CN': '网格' },
  microGrid: { en: 'micro-grid', 'zh-CN': '微网格' },
});
