import { DomainError } from '../command/domain-error.js';
import { defineMessages } from './catalog.js';

/**
 * The messages of core's errors, in every locale (see the README's errors section): each has
 * the code clients switch on and the same `{parameters}` in English and Chinese.
 */
export const coreMessages = defineMessages('core', {
  signPersonPersonToken: {
    code: 'UNAUTHENTICATED',
    en: 'Sign in as a person (a person token) to export your own data.',
    'zh-CN': '导出本人数据请以个人身份登录（使用个人令牌）。',
  },
  erasureReason: {
    code: 'BAD_USER_INPUT',
    en: '"input.reason" must say why the data is erased (the person\'s request, its date), in 1 to {max} characters.',
    'zh-CN': '"input.reason" 应说明删除的原因（如本人申请及其日期），长度为 1 至 {max} 个字符。',
  },
  personErased: {
    code: 'PERSON_ERASED',
    en: "This person's personal data was erased at {erasedAt}: nothing more is recorded about them.",
    'zh-CN': '该人员的个人信息已于 {erasedAt} 删除，不再记录与其相关的任何信息。',
  },
  erasePersonWithoutPlace: {
    code: 'FORBIDDEN',
    en: 'This person belongs to no place (no household, no role): only callers who see everywhere may erase their data.',
    'zh-CN': '该人员不属于任何地点（无所属户、无角色）：只有可查看全部地点的人员才能删除其个人信息。',
  },
  inputNameCharacters: {
    code: 'BAD_USER_INPUT',
    en: '"input.name" must have 1 to 200 characters.',
    'zh-CN': '"input.name" 应为 1 至 200 个字符。',
  },
  inputPlaceidsNameLeast: {
    code: 'BAD_USER_INPUT',
    en: '"input.placeIds" must name at least one place: you may only give keys for places you see yourself.',
    'zh-CN': '"input.placeIds" 至少要指定一个地点：只能为您自己可见的地点发放密钥。',
  },
  cannotGrantAtPlaces: {
    code: 'FORBIDDEN',
    en: 'You cannot give "{permission}" at these places: you do not hold it there yourself.',
    'zh-CN': '您本人在这些地点不具备 "{permission}" 权限，因此不能授予。',
  },
  cannotGrantEverywhere: {
    code: 'FORBIDDEN',
    en: 'You cannot give "{permission}" everywhere: you do not hold it there yourself.',
    'zh-CN': '您本人并非在所有地点都具备 "{permission}" 权限，因此不能授予全局权限。',
  },
  credentialMissingAfterBearer: {
    code: 'UNAUTHENTICATED',
    en: 'The credential is missing after "Bearer": send "Authorization: Bearer <API key or person token>".',
    'zh-CN': '"Bearer" 后缺少凭证：请发送 "Authorization: Bearer <API 密钥或个人令牌>"。',
  },
  apiKeyUnknownRevoked: {
    code: 'UNAUTHENTICATED',
    en: 'This API key is unknown or revoked. Ask an administrator for a valid key (gongzhi api-key create).',
    'zh-CN': '该 API 密钥不存在或已被吊销。请向管理员申请有效密钥（gongzhi api-key create）。',
  },
  personTokensAcceptedServer: {
    code: 'UNAUTHENTICATED',
    en: 'Person tokens are not accepted by this server (no GONGZHI_JWT_SECRET or GONGZHI_JWKS_URL configured). Use an API key.',
    'zh-CN': '本服务器不接受个人令牌（未配置 GONGZHI_JWT_SECRET 或 GONGZHI_JWKS_URL），请使用 API 密钥。',
  },
  personTokenValidSign: {
    code: 'UNAUTHENTICATED',
    en: 'The person token is not valid: {message}. Sign in again.',
    'zh-CN': '个人令牌无效：{message}。请重新登录。',
  },
  erasedPersonSignsIn: {
    code: 'UNAUTHENTICATED',
    en: "This person's personal data was erased: their sign-in no longer works.",
    'zh-CN': '该人员的个人信息已删除，其登录凭证不再有效。',
  },
  personTokenPersonId: {
    code: 'UNAUTHENTICATED',
    en: 'The person token has no person id in "sub".',
    'zh-CN': '个人令牌的 "sub" 中没有人员编号。',
  },
  signFirstSendAuthorization: {
    code: 'UNAUTHENTICATED',
    en: 'Sign in first: send "Authorization: Bearer <API key or person token>".',
    'zh-CN': '请先登录：发送 "Authorization: Bearer <API 密钥或个人令牌>"。',
  },
  youNeedPermission: {
    code: 'FORBIDDEN',
    en: 'You need the permission "{permission}"; none of your roles or keys here grants it.',
    'zh-CN': '您需要具备 "{permission}" 权限，您的角色和密钥均未授予该权限。',
  },
  outsidePlacesYouMay: {
    code: 'NOT_FOUND',
    en: '{parentTypeName}.{fieldName} is outside the places you may see.',
    'zh-CN': '{parentTypeName}.{fieldName} 不在您可查看的地点范围内。',
  },
  liveTaskBoardsRunning: {
    code: 'UNAVAILABLE',
    en: 'Live task boards are not running on this server.',
    'zh-CN': '本服务器未开启实时任务看板。',
  },
  filterItemtypeNamesWhich: {
    code: 'BAD_USER_INPUT',
    en: '"filter.itemType" names {type}, which no board shows; board item types here: {known}.',
    'zh-CN': '"filter.itemType" 指定的 {type} 不在任何看板上显示；本服务器的看板事项类型有：{known}。',
  },
  boardPlacePickPlace: {
    code: 'NOT_FOUND',
    en: 'No board for this place: pick a place within your places (viewer { places }).',
    'zh-CN': '该地点没有看板：请在您的管辖地点中选择（viewer { places }）。',
  },
  youMayWatchBoard: {
    code: 'FORBIDDEN',
    en: 'You may not watch the board of this place; pick a place within your scope.',
    'zh-CN': '您无权查看该地点的看板，请选择您管辖范围内的地点。',
  },
  afterBoardSequenceNumber: {
    code: 'BAD_USER_INPUT',
    en: '"after" must be a board sequence number (a whole number, 0 or more), got {after}.',
    'zh-CN': '"after" 应为看板序号（0 或正整数），当前为 {after}。',
  },
  limitFrom1To500: {
    code: 'BAD_USER_INPUT',
    en: '"limit" must be from 1 to 500, got {limit}.',
    'zh-CN': '"limit" 应为 1 至 500 之间的数，当前为 {limit}。',
  },
  youNeedPermissionPlace: {
    code: 'FORBIDDEN',
    en: 'You need the permission "{permission}" at this place; none of your roles or keys here grants it.',
    'zh-CN': '您需要在此地点具备 "{permission}" 权限，您在此处的角色和密钥均未授予该权限。',
  },
  namesRowOutsidePlaces: {
    code: 'OUT_OF_SCOPE',
    en: '"{field}" names a row outside the places of the {humanName} it would be linked to; only rows within those places can be linked.',
    'zh-CN': '"{field}" 指向的记录不在所要关联的{humanName}的地点范围内；只能关联这些地点内的记录。',
  },
  notFoundById: {
    code: 'NOT_FOUND',
    en: 'No {typeName} has the id given in "{field}".',
    'zh-CN': '"{field}" 中给出的编号找不到对应的{typeName}。',
  },
  dateWrittenYyyyMm: {
    code: 'BAD_USER_INPUT',
    en: '"{argument}" must be a date written YYYY-MM-DD, got "{value}".',
    'zh-CN': '"{argument}" 应为 YYYY-MM-DD 格式的日期，当前为 "{value}"。',
  },
  badIdOfType: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must be the id of a {expected} as the API returns it.',
    'zh-CN': '"{field}" 应为接口返回的 {expected} 编号。',
  },
  badGlobalId: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must be a global id as the API returns it.',
    'zh-CN': '"{field}" 应为接口返回的全局编号。',
  },
  eventOutboxSpansEvery: {
    code: 'FORBIDDEN',
    en: 'The event outbox spans every place: only auditors who see everywhere may read it.',
    'zh-CN': '事件发件箱涵盖所有地点：仅限可查看全部地点的审计人员读取。',
  },
  operationRecordsWhoDid: {
    code: 'UNAUTHENTICATED',
    en: 'This operation records who did it: sign in as a person (a person token), not anonymously or with an API key.',
    'zh-CN': '此操作会记录操作人：请以个人身份登录（使用个人令牌），不能匿名或使用 API 密钥。',
  },
  signedPersonLongerExists: {
    code: 'UNAUTHENTICATED',
    en: 'The signed-in person no longer exists.',
    'zh-CN': '当前登录的人员已不存在。',
  },
  nameEmpty: {
    code: 'BAD_USER_INPUT',
    en: '"name" must not be empty.',
    'zh-CN': '"name" 不能为空。',
  },
  alreadyMemberPersonJoins: {
    code: 'CONFLICT',
    en: '{personName} is already a member of {organizationName}; a person joins an organisation once.',
    'zh-CN': '{personName} 已是{organizationName}的成员，同一人只能加入一次。',
  },
  nameEmptyLeaveOut: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must not be empty; leave it out to keep the name.',
    'zh-CN': '"{field}" 不能为空；如不修改名称，请不要传该字段。',
  },
  inputNameEmpty: {
    code: 'BAD_USER_INPUT',
    en: '"input.name" must not be empty.',
    'zh-CN': '"input.name" 不能为空。',
  },
  inputHouseholdidPlaceType: {
    code: 'BAD_USER_INPUT',
    en: '"input.householdId" must be a place of type household; {householdName} is a {householdType}.',
    'zh-CN': '"input.householdId" 应为户（household）类型的地点；{householdName} 的类型是 {householdType}。',
  },
  giveInputHouseholdidHousehold: {
    code: 'FORBIDDEN',
    en: 'Give "input.householdId" (a household under your places); people without a household can be registered only by callers who see everywhere.',
    'zh-CN': '请提供 "input.householdId"（您管辖范围内的一户）；没有所属户的居民只能由可查看全部地点的人员登记。',
  },
  endsonAfterStartson: {
    code: 'BAD_USER_INPUT',
    en: '"endsOn" ({end}) must be on or after "startsOn" ({start}).',
    'zh-CN': '"endsOn"（{end}）不能早于 "startsOn"（{start}）。',
  },
  memberHoldsUnitWork: {
    code: 'CONFLICT',
    en: 'This member holds {held} open request(s) dispatched to {organizationName}: give them to someone else first (assignRequest), or they would stay with someone who no longer sees them.',
    'zh-CN':
      '该成员仍持有派给{organizationName}的 {held} 件未办结诉求：请先改派他人（assignRequest），否则这些诉求将留在已看不到它们的人手中。',
  },
  roleEndsEarlier: {
    code: 'CONFLICT',
    en: 'This role already ends on {current}; an end only comes earlier ("endsOn" {end} is later). To hold it longer, assign the role again from {next}.',
    'zh-CN': '该角色已定于 {current} 结束，结束日期只能提前（"endsOn" {end} 更晚）。如需延长，请从 {next} 起重新任命该角色。',
  },
  personWithoutHouseholdEverywhere: {
    code: 'FORBIDDEN',
    en: 'This person lives in no household: only callers who see everywhere may change their details.',
    'zh-CN': '此人没有所属户：只有可查看全部地点的人员才能修改其信息。',
  },
  householdNullEverywhere: {
    code: 'FORBIDDEN',
    en: '"input.householdId" may be null (no household) only for callers who see everywhere: the person would belong to no place you see. Give the household they move to.',
    'zh-CN':
      '只有可查看全部地点的人员才能将 "input.householdId" 设为 null（无所属户）：否则此人将不属于您可见的任何地点。请提供其迁入的户。',
  },
  inputLatitudeRange: {
    code: 'BAD_USER_INPUT',
    en: '"input.latitude" must be between -90 and 90 degrees; got {latitude} (a longitude? Beijing is at latitude 39.9, longitude 116.4).',
    'zh-CN': '"input.latitude" 应在 -90 至 90 度之间，收到的是 {latitude}（是否与经度填反了？北京为纬度 39.9、经度 116.4）。',
  },
  inputLongitudeRange: {
    code: 'BAD_USER_INPUT',
    en: '"input.longitude" must be between -180 and 180 degrees; got {longitude}.',
    'zh-CN': '"input.longitude" 应在 -180 至 180 度之间，收到的是 {longitude}。',
  },
  onlyEverywhereChangeRoot: {
    code: 'FORBIDDEN',
    en: 'A district (a place with no parent) is changed only by callers who see everywhere, as only they may create one.',
    'zh-CN': '区（没有上级的地点）只能由可查看全部地点的人员修改，因为也只有他们才能创建。',
  },
  phoneSearchDigits: {
    code: 'BAD_USER_INPUT',
    en: '"phone" must have at least {min} digits: give the whole number (dashes and spaces are fine).',
    'zh-CN': '"phone" 至少需要 {min} 位数字：请输入完整号码（可含短横线和空格）。',
  },
  phoneSearchNeedsSensitiveRead: {
    code: 'FORBIDDEN',
    en: 'Finding people by phone number needs "{SENSITIVE_READ}" where they live: a number must not tell who has it to someone who may not read it.',
    'zh-CN': '按电话号码查找居民需要在其居住地点具备 "{SENSITIVE_READ}" 权限：不能向无权查看号码的人透露号码属于谁。',
  },
  needSensitiveReadForPhone: {
    code: 'FORBIDDEN',
    en: 'You need "{SENSITIVE_READ}" at {personName}\'s places to change their phone number.',
    'zh-CN': '需要在 {personName} 所在地点具备 "{SENSITIVE_READ}" 权限才能修改其联系电话。',
  },
  needSensitiveReadForCare: {
    code: 'FORBIDDEN',
    en: 'You need "{SENSITIVE_READ}" at {personName}\'s places to record care data.',
    'zh-CN': '需要在 {personName} 所在地点具备 "{SENSITIVE_READ}" 权限才能记录关爱信息。',
  },
  householdidPlaceTypeHousehold: {
    code: 'BAD_USER_INPUT',
    en: '"householdId" must be a place of type household; {householdName} is a {householdType}.',
    'zh-CN': '"householdId" 应为户（household）类型的地点；{householdName} 的类型是 {householdType}。',
  },
  onlyCallersWhoSee: {
    code: 'FORBIDDEN',
    en: 'Only callers who see everywhere may create a district (a place without parent).',
    'zh-CN': '只有可查看全部地点的人员才能创建区（没有上级的地点）。',
  },
  inputCodeEmpty: {
    code: 'BAD_USER_INPUT',
    en: '"input.code" must not be empty.',
    'zh-CN': '"input.code" 不能为空。',
  },
  inputCapacityMore: {
    code: 'BAD_USER_INPUT',
    en: '"input.capacity" must be 0 or more, got {capacity}.',
    'zh-CN': '"input.capacity" 应为 0 或正数，当前为 {capacity}。',
  },
  cannotPlacedUnderParent: {
    code: 'BAD_USER_INPUT',
    en: 'A {inputType} cannot be placed under {given}; its parent must be: {names}.',
    'zh-CN': '{inputType} 不能设在 {given} 之下，其上级应为：{names}。',
  },
  placeCodeAlreadyExists: {
    code: 'BAD_USER_INPUT',
    en: 'A place with code "{code}" already exists; codes are unique across the server.',
    'zh-CN': '编码为 "{code}" 的地点已存在，地点编码在全服务器内唯一。',
  },
  titleCharacters: {
    code: 'BAD_USER_INPUT',
    en: 'title must have 1 to 200 characters, got {trimmedLength}.',
    'zh-CN': '标题应为 1 至 200 个字符，当前为 {trimmedLength} 个。',
  },
  illegalTransition: {
    code: 'ILLEGAL_TRANSITION',
    en: 'A request that is {requestStatus} cannot become {to}. From {requestStatus} it can become: {legal}.',
    'zh-CN': '处于 {requestStatus} 状态的诉求不能变为 {to}。从 {requestStatus} 可以变为：{legal}。',
  },
  illegalTransitionFinal: {
    code: 'ILLEGAL_TRANSITION',
    en: 'A request that is {requestStatus} cannot become {to}. From {requestStatus} it can become: nothing (it is final).',
    'zh-CN': '处于 {requestStatus} 状态的诉求不能变为 {to}。{requestStatus} 是最终状态，不能再变更。',
  },
  justTakenBy: {
    code: 'ALREADY_CLAIMED',
    en: 'This request was just {nowStatus} by {assignee}.',
    'zh-CN': '该诉求刚刚已被 {assignee} {nowStatus}。',
  },
  justTaken: {
    code: 'ALREADY_CLAIMED',
    en: 'This request was just {nowStatus} by someone else.',
    'zh-CN': '该诉求刚刚已被他人{nowStatus}。',
  },
  requestChangedMeanwhileNow: {
    code: 'ILLEGAL_TRANSITION',
    en: 'This request changed meanwhile and is now {nowStatus}; it was not made {to}. Reload it and try again.',
    'zh-CN': '该诉求已被他人改动，当前状态为 {nowStatus}，未能变为 {to}。请刷新后重试。',
  },
  giveRequesteridCallbackphoneAnonymous: {
    code: 'BAD_USER_INPUT',
    en: 'Give requesterId, or callbackPhone for an anonymous request.',
    'zh-CN': '请提供 requesterId；匿名诉求请提供 callbackPhone（回访电话）。',
  },
  clientTokenCharacters: {
    code: 'BAD_USER_INPUT',
    en: 'The client token must have 1 to {MAX_CLIENT_TOKEN_LENGTH} characters, got {tokenLength}.',
    'zh-CN': '客户端令牌应为 1 至 {MAX_CLIENT_TOKEN_LENGTH} 个字符，当前为 {tokenLength} 个。',
  },
  signSubmitRequestClient: {
    code: 'FORBIDDEN',
    en: 'Sign in to submit a request with a client token.',
    'zh-CN': '使用客户端令牌提交诉求前请先登录。',
  },
  clientTokenAlreadyUsed: {
    code: 'TOKEN_USED',
    en: 'This client token was already used for a request you can no longer see; send a new token for a new request.',
    'zh-CN': '该客户端令牌已用于一条您现在无权查看的诉求；新的诉求请使用新令牌。',
  },
  ordernoEmpty: {
    code: 'BAD_USER_INPUT',
    en: 'orderNo must not be empty.',
    'zh-CN': 'orderNo（工单号）不能为空。',
  },
  useMakeRequest: {
    code: 'BAD_USER_INPUT',
    en: 'Use {use} to make a request {to}.',
    'zh-CN': '要将诉求变为 {to}，请使用 {use}。',
  },
  holderMayOnly: {
    code: 'FORBIDDEN',
    en: 'You hold this {requestStatus} request and may make it {yours} yourself; making it {to} needs "request.manage" (community or grid staff).',
    'zh-CN': '该诉求（{requestStatus}）由您承办，您可以自行将其变为 {yours}；变为 {to} 需要 "request.manage" 权限（社区或网格工作人员）。',
  },
  holderMayNothing: {
    code: 'FORBIDDEN',
    en: 'You hold this {requestStatus} request and may make it nothing else yourself; making it {to} needs "request.manage" (community or grid staff).',
    'zh-CN': '该诉求（{requestStatus}）由您承办，但您不能自行变更其状态；变为 {to} 需要 "request.manage" 权限（社区或网格工作人员）。',
  },
  noteCharacters: {
    code: 'BAD_USER_INPUT',
    en: '"note" must have 1 to 2000 characters, got {textLength}.',
    'zh-CN': '"note" 应为 1 至 2000 个字符，当前为 {textLength} 个。',
  },
  progressReportedClaimedAssigned: {
    code: 'ILLEGAL_TRANSITION',
    en: 'Progress is reported on claimed, assigned or in-progress work; this request is {requestStatus}.',
    'zh-CN': '只有已认领、已指派或办理中的诉求才能报告进展；该诉求当前为 {requestStatus}。',
  },
  reassignOnlyHeldWork: {
    code: 'ILLEGAL_TRANSITION',
    en: 'Only work someone holds (assigned, claimed or in progress) is reassigned; this request is {requestStatus}. An accepted request is given with assignRequest.',
    'zh-CN': '只有已指派、已认领或办理中的诉求才能改派；该诉求当前为 {requestStatus}。已受理的诉求请用 assignRequest 指派。',
  },
  alreadyHoldsRequest: {
    code: 'BAD_USER_INPUT',
    en: '{personName} already holds this request: name the person it goes to.',
    'zh-CN': '{personName} 已经在办理该诉求：请指定接手的人。',
  },
  performancePeriod: {
    code: 'BAD_USER_INPUT',
    en: '"to" must come after "from", at most 366 days later (a year\'s report; ask year by year for more).',
    'zh-CN': '"to" 须晚于 "from"，且间隔不超过 366 天（一年的报表；更长请按年分别查询）。',
  },
  reopenOnlyResolved: {
    code: 'ILLEGAL_TRANSITION',
    en: 'Only resolved work is sent back to be done again; this request is {requestStatus} (a closed request is final: submit a new one).',
    'zh-CN': '只有已办结的诉求才能退回重办；该诉求当前为 {requestStatus}（已关闭的诉求不能再重办，请重新提交）。',
  },
  reopenReasonEmpty: {
    code: 'BAD_USER_INPUT',
    en: '"reason" must not be empty: say what is still wrong (e.g. "漏水又出现了").',
    'zh-CN': '"reason" 不能为空：请说明仍存在的问题（如“漏水又出现了”）。',
  },
  apiKeyRevokedRotate: {
    code: 'CONFLICT',
    en: 'This key was revoked at {revokedAt}: a revoked key is not given a new secret; create a new key.',
    'zh-CN': '该密钥已于 {revokedAt} 吊销：已吊销的密钥不能更换密钥串，请新建密钥。',
  },
  handOverToSelf: {
    code: 'BAD_USER_INPUT',
    en: '{personName} is the one leaving: hand the work over to someone else.',
    'zh-CN': '{personName} 正是要离开的人：请将工作移交给其他人。',
  },
  mergeIntoItself: {
    code: 'BAD_USER_INPUT',
    en: 'A request is not a duplicate of itself: "intoId" names the request it repeats.',
    'zh-CN': '诉求不能与自身合并："intoId" 应为与之重复的那件诉求。',
  },
  mergeOnlyOpen: {
    code: 'ILLEGAL_TRANSITION',
    en: 'Only open work is merged as a duplicate; this request is {requestStatus} (its handling is over).',
    'zh-CN': '只有尚在办理中的诉求才能作为重复件合并；该诉求当前为 {requestStatus}（已办理完毕）。',
  },
  mergeIntoDuplicate: {
    code: 'BAD_USER_INPUT',
    en: '"{intoTitle}" is itself a duplicate: merge into the request it was merged into (its duplicateOf).',
    'zh-CN': '“{intoTitle}”本身是重复件：请合并到它所合并的那件诉求（其 duplicateOf）。',
  },
  mergeIntoRejected: {
    code: 'BAD_USER_INPUT',
    en: '"{intoTitle}" was rejected: a duplicate is merged into a request that is handled.',
    'zh-CN': '“{intoTitle}”已被驳回：重复件只能合并到正在或已经办理的诉求。',
  },
  unmergeNoDuplicate: {
    code: 'BAD_USER_INPUT',
    en: 'This request is no duplicate: only a request merged into another (its duplicateOf) is unmerged.',
    'zh-CN': '该诉求不是重复件：只有已合并到其他诉求（duplicateOf）的诉求才能撤销合并。',
  },
  unmergeReasonEmpty: {
    code: 'BAD_USER_INPUT',
    en: '"reason" must not be empty: say why it is not the same problem (e.g. "不是同一盏路灯").',
    'zh-CN': '"reason" 不能为空：请说明为何不是同一问题（如“不是同一盏路灯”）。',
  },
  tooManyPhotos: {
    code: 'BAD_USER_INPUT',
    en: 'A request keeps at most {max} photos; room for {room} more, {given} given.',
    'zh-CN': '每件诉求最多 {max} 张照片；还可添加 {room} 张，当前提供了 {given} 张。',
  },
  photoUrlOrUpload: {
    code: 'BAD_USER_INPUT',
    en: 'Give the photo as url (an https address) or as uploadId (a picture uploaded with POST /photos): one of the two.',
    'zh-CN': '请以 url（https 地址）或 uploadId（通过 POST /photos 上传的图片）之一提供照片，二者只能选一。',
  },
  uploadAttachedAlready: {
    code: 'CONFLICT',
    en: 'This upload is a photo of a request already; each upload shows on one request. Upload the picture again for another.',
    'zh-CN': '该上传的图片已是某件诉求的照片；每张上传只能用于一件诉求。如需用于其他诉求，请重新上传。',
  },
  uploadNeedsCaller: {
    code: 'UNAUTHENTICATED',
    en: 'Uploading a photo needs a credential: an API key or a person token.',
    'zh-CN': '上传照片需要凭证：API 密钥或个人令牌。',
  },
  uploadNotOfType: {
    code: 'BAD_USER_INPUT',
    en: 'The body is not a picture of type {type}: it does not read as one. Send the file itself, whole, with its own type (image/jpeg, image/png or image/webp).',
    'zh-CN':
      '请求体不是 {type} 图片：无法按该类型读取。请发送完整的图片文件本身，并使用其实际类型（image/jpeg、image/png 或 image/webp）。',
  },
  tooManyUploads: {
    code: 'BAD_USER_INPUT',
    en: 'You have {max} uploaded photos not attached to any request; attach or leave them (they go after a day) before uploading more.',
    'zh-CN': '您已有 {max} 张上传的照片尚未用于任何诉求；请先使用它们（未使用的一天后自动删除）再继续上传。',
  },
  constraintRequestPhotoUploadOnce: {
    code: 'CONFLICT',
    en: 'This upload became a photo of a request at the same moment; each upload shows on one request. Upload the picture again for another.',
    'zh-CN': '该上传的图片刚刚已被用作某件诉求的照片；每张上传只能用于一件诉求。如需用于其他诉求，请重新上传。',
  },
  photoCaptionTooLong: {
    code: 'BAD_USER_INPUT',
    en: '"caption" must have at most 200 characters (it has {length}).',
    'zh-CN': '"caption" 最多 200 个字符（当前 {length} 个）。',
  },
  reassignReasonEmpty: {
    code: 'BAD_USER_INPUT',
    en: '"reason" must not be empty: say why the work changes hands (e.g. "网格员调岗，工作移交").',
    'zh-CN': '"reason" 不能为空：请说明改派的原因（如“网格员调岗，工作移交”）。',
  },
  releaseOnlyTakenWork: {
    code: 'ILLEGAL_TRANSITION',
    en: 'Only work assigned or claimed and not yet begun is given back; this request is {requestStatus}. Work in progress goes to a colleague with reassignRequest.',
    'zh-CN': '只有已指派或已认领、尚未开始办理的诉求才能退回；该诉求当前为 {requestStatus}。办理中的诉求请用 reassignRequest 改派。',
  },
  releaseReasonEmpty: {
    code: 'BAD_USER_INPUT',
    en: '"reason" must not be empty: say why the work is given back (e.g. "不在本人负责片区").',
    'zh-CN': '"reason" 不能为空：请说明退回的原因（如“不在本人负责片区”）。',
  },
  reasonEmptySayWhy: {
    code: 'BAD_USER_INPUT',
    en: '"reason" must not be empty: say why the deadline moves (e.g. "居民急需，工期压缩").',
    'zh-CN': '"reason" 不能为空：请说明调整期限的原因（如“居民急需，工期压缩”）。',
  },
  dueatValidDateTime: {
    code: 'BAD_USER_INPUT',
    en: '"dueAt" must be a valid date-time.',
    'zh-CN': '"dueAt" 应为有效的日期时间。',
  },
  requestFinishedDeadlineLonger: {
    code: 'ILLEGAL_TRANSITION',
    en: 'A {requestStatus} request is finished; its deadline no longer changes.',
    'zh-CN': '{requestStatus} 状态的诉求已办结，期限不再调整。',
  },
  alreadyDueAt: {
    code: 'BAD_USER_INPUT',
    en: 'The request is already due at {dueAt}.',
    'zh-CN': '该诉求的期限已经是 {dueAt}。',
  },
  alreadyNoDue: {
    code: 'BAD_USER_INPUT',
    en: 'The request is already due at no set time.',
    'zh-CN': '该诉求本来就没有设定期限。',
  },
  alreadyTakenBy: {
    code: 'ALREADY_CLAIMED',
    en: 'This request is already {requestStatus} by {holder}.',
    'zh-CN': '该诉求已被 {holder} {requestStatus}。',
  },
  alreadyTaken: {
    code: 'ALREADY_CLAIMED',
    en: 'This request is already {requestStatus} by someone else.',
    'zh-CN': '该诉求已被他人{requestStatus}。',
  },
  givePersonidSignPerson: {
    code: 'BAD_USER_INPUT',
    en: 'Give personId, or sign in as the person who claims.',
    'zh-CN': '请提供 personId，或以认领人本人身份登录。',
  },
  requestDispatchedOnlyMembers: {
    code: 'FORBIDDEN',
    en: 'This request was dispatched to {unitName}; only its members take it (staff may assign it to someone else).',
    'zh-CN': '该诉求已派发给{unitName}，只有该单位成员可以接单（工作人员可改派他人）。',
  },
  requestAlreadyLevelHighest: {
    code: 'TOP_LEVEL',
    en: 'This request is already at the {level} level, the highest.',
    'zh-CN': '该诉求已在{level}层级，已是最高层级。',
  },
  ratingWholeNumberFrom: {
    code: 'BAD_USER_INPUT',
    en: 'rating must be a whole number from 1 to 5, got {rating}.',
    'zh-CN': '评分应为 1 至 5 的整数，当前为 {rating}。',
  },
  onlyResolvedClosedRequest: {
    code: 'ILLEGAL_TRANSITION',
    en: 'Only a resolved or closed request can be rated; this one is {requestStatus}.',
    'zh-CN': '只有已解决或已关闭的诉求才能评价；该诉求当前为 {requestStatus}。',
  },
  urlNotUrl: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" is not a URL: give an absolute https URL, e.g. {example}.',
    'zh-CN': '"{field}" 不是有效网址：请提供完整的 https 网址，如 {example}。',
  },
  urlTooLong: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must have at most 2000 characters.',
    'zh-CN': '"{field}" 最多 2000 个字符。',
  },
  urlCredentials: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must not carry a user name or password.',
    'zh-CN': '"{field}" 不能包含用户名或密码。',
  },
  urlHttpsInProduction: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must use https in production (plain http to loopback is for tests and development only).',
    'zh-CN': '生产环境中 "{field}" 须使用 https（指向本机的 http 仅用于测试和开发）。',
  },
  urlHttps: {
    code: 'BAD_USER_INPUT',
    en: '"{field}" must use https (plain http only to 127.0.0.1, [::1] or localhost outside production), got "{given}".',
    'zh-CN': '"{field}" 须使用 https（非生产环境下才允许 http 指向 127.0.0.1、[::1] 或 localhost），当前为 "{given}"。',
  },
  webhookBelongsApiKey: {
    code: 'BAD_USER_INPUT',
    en: 'A webhook belongs to the API key or person that creates it: call with one of them.',
    'zh-CN': 'Webhook 归属于创建它的 API 密钥或人员：请使用其中之一调用。',
  },
  inputEventtypesNameEvents: {
    code: 'BAD_USER_INPUT',
    en: '"input.eventTypes" must name 1 to 100 events, e.g. ["request.created"], or ["*"] for all.',
    'zh-CN': '"input.eventTypes" 应列出 1 至 100 个事件，如 ["request.created"]；订阅全部事件请用 ["*"]。',
  },
  eventTypeNotDeclared: {
    code: 'BAD_USER_INPUT',
    en: '"input.eventTypes" has "{name}", which this server does not emit (the eventTypes query lists what it does); did you mean one of {near}?',
    'zh-CN': '"input.eventTypes" 中的 "{name}" 不是本服务器会发出的事件（eventTypes 查询列出全部事件）；是否想用 {near} 之一？',
  },
  inputEventtypesWhichEvent: {
    code: 'BAD_USER_INPUT',
    en: '"input.eventTypes" has "{bad}", which is not an event name: use names like request.created or grid.visit-recorded, or "*" for every event.',
    'zh-CN':
      '"input.eventTypes" 中的 "{bad}" 不是事件名称：请使用 request.created、grid.visit-recorded 这样的名称，或用 "*" 表示全部事件。',
  },
  youDoHoldName: {
    code: 'FORBIDDEN',
    en: 'You do not hold "{WEBHOOK_MANAGE}" at {placeName}: name only places where you do.',
    'zh-CN': '您在{placeName}不具备 "{WEBHOOK_MANAGE}" 权限：只能指定您具备该权限的地点。',
  },
  youWebhooksMostOne: {
    code: 'LIMIT_REACHED',
    en: 'You have {n} webhooks, the most one key or person may have: delete one first (deleteWebhook).',
    'zh-CN': '您已有 {n} 个 Webhook，已达每个密钥或人员的上限：请先删除一个（deleteWebhook）。',
  },
  gracesecondsWholeNumberFrom: {
    code: 'BAD_USER_INPUT',
    en: '"graceSeconds" must be a whole number from 0 to {MAX_ROTATION_GRACE_SECONDS} (7 days), got {graceSeconds}.',
    'zh-CN': '"graceSeconds" 应为 0 至 {MAX_ROTATION_GRACE_SECONDS}（7 天）之间的整数，当前为 {graceSeconds}。',
  },
  webhookDisabledPing: {
    code: 'ILLEGAL_TRANSITION',
    en: 'The webhook is disabled, so a ping would not be sent: enable it first (enableWebhook), then ping.',
    'zh-CN': '该 Webhook 已停用，测试投递不会送出：请先启用（enableWebhook），再发送测试。',
  },
  webhookDisabledSoNothing: {
    code: 'ILLEGAL_TRANSITION',
    en: 'The webhook is disabled, so nothing would be sent: enable it first (enableWebhook), then replay.',
    'zh-CN': '该 Webhook 已停用，重发也不会送出：请先启用（enableWebhook），再重发。',
  },
  webhookDeliveryDeleted: {
    code: 'NOT_FOUND',
    en: 'The webhook of this delivery was deleted.',
    'zh-CN': '该投递记录所属的 Webhook 已被删除。',
  },
  notDispatchableTaken: {
    code: 'ALREADY_CLAIMED',
    en: 'A request that is {requestStatus} cannot be dispatched; only submitted or accepted requests not yet taken can.',
    'zh-CN': '处于 {requestStatus} 状态的诉求不能派发；只有尚未被接手的已提交或已受理诉求才能派发。',
  },
  notDispatchable: {
    code: 'ILLEGAL_TRANSITION',
    en: 'A request that is {requestStatus} cannot be dispatched; only submitted or accepted requests not yet taken can.',
    'zh-CN': '处于 {requestStatus} 状态的诉求不能派发；只有尚未被接手的已提交或已受理诉求才能派发。',
  },
  needPermissionEverywhere: {
    code: 'FORBIDDEN',
    en: 'You need the permission "{permission}" everywhere (this spans every community); none of your roles or keys grants it.',
    'zh-CN': '您需要在所有地点具备 "{permission}" 权限（此操作涉及全部社区），您的角色和密钥均未授予该权限。',
  },
  needPermissionSomewhere: {
    code: 'FORBIDDEN',
    en: 'You need the permission "{permission}"; none of your roles or keys grants it.',
    'zh-CN': '您需要具备 "{permission}" 权限，您的角色和密钥均未授予该权限。',
  },
  pageCap: {
    code: 'BAD_USER_INPUT',
    en: '"{argument}" may be at most {max} (the page cap), got {value}; fetch more pages with the cursors of pageInfo.',
    'zh-CN': '"{argument}" 最多为 {max}（每页上限），当前为 {value}；请用 pageInfo 中的游标继续翻页。',
  },
  pageSizeWhole: {
    code: 'BAD_USER_INPUT',
    en: '"{argument}" must be a whole number from 0 to {max}, got {value}.',
    'zh-CN': '"{argument}" 应为 0 至 {max} 之间的整数，当前为 {value}。',
  },
  notACursor: {
    code: 'BAD_USER_INPUT',
    en: '"{argument}" is not a cursor returned by this API.',
    'zh-CN': '"{argument}" 不是本接口返回的游标。',
  },
  cursorElsewhere: {
    code: 'BAD_USER_INPUT',
    en: '"{argument}" is a cursor from another list or from one with other arguments; pass the arguments it came from, or start again without "{argument}".',
    'zh-CN': '"{argument}" 是另一个列表或另一组参数下的游标；请使用它原来的参数，或去掉 "{argument}" 从头查询。',
  },
  firstAndLast: {
    code: 'BAD_USER_INPUT',
    en: 'Give "first" (forward) or "last" (backward), not both.',
    'zh-CN': '"first"（向后翻页）和 "last"（向前翻页）只能给一个。',
  },
  afterAndBefore: {
    code: 'BAD_USER_INPUT',
    en: 'Give "after" (forward) or "before" (backward), not both.',
    'zh-CN': '"after"（向后翻页）和 "before"（向前翻页）只能给一个。',
  },
  afterNeedsFirst: {
    code: 'BAD_USER_INPUT',
    en: '"after" pages forward: use it with "first".',
    'zh-CN': '"after" 用于向后翻页，请与 "first" 一起使用。',
  },
  beforeNeedsLast: {
    code: 'BAD_USER_INPUT',
    en: '"before" pages backward: use it with "last".',
    'zh-CN': '"before" 用于向前翻页，请与 "last" 一起使用。',
  },
  badArgumentId: {
    code: 'BAD_USER_INPUT',
    en: 'Argument "{argument}" must be the id of a {expectedType} (as returned by the API), got "{globalId}".',
    'zh-CN': '参数 "{argument}" 应为接口返回的 {expectedType} 编号，当前为 "{globalId}"。',
  },
  constraintPlaceCodeKey: {
    code: 'BAD_USER_INPUT',
    en: 'A place with this code already exists; codes are unique across the server.',
    'zh-CN': '已存在相同编码的地点，地点编码在全服务器内唯一。',
  },
  constraintOrganizationMemberOrganizationIdPersonIdUnique: {
    code: 'CONFLICT',
    en: 'This person is already a member of the organisation; a person joins an organisation once.',
    'zh-CN': '此人已是该组织的成员，同一人只能加入一次。',
  },
});

/** The answer for a row that does not exist or that the caller may not see: the two are indistinguishable. */
export function notFound(typeName: string, field: string): DomainError {
  return coreMessages.notFoundById.error({ typeName, field }, field);
}

/** Whether `err` is the NOT_FOUND of a row named by id that does not exist (or is not the caller's to see). */
export function isNotFound(err: unknown): boolean {
  return err instanceof DomainError && err.code === coreMessages.notFoundById.code;
}
