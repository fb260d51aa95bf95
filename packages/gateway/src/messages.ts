import { defineMessages, type Message } from '@gongzhi/core';

/**
 * The gateway's own messages (limits, faults, transports), in every locale: each has the code
 * clients switch on and the same `{parameters}` in English and Chinese.
 */
export const gatewayMessages = defineMessages('gateway', {
  persistedQueryOff: {
    code: 'PERSISTED_QUERY_NOT_SUPPORTED',
    en: 'This server does not serve documents by id (GONGZHI_TRUSTED_DOCUMENTS=off): send the document text as "query".',
    'zh-CN': '本服务器不按编号执行文档（GONGZHI_TRUSTED_DOCUMENTS=off）：请在 "query" 中发送文档原文。',
  },
  persistedQueryVersion: {
    code: 'BAD_REQUEST',
    en: 'Only version 1 of the persisted-query extension is supported.',
    'zh-CN': '仅支持 persisted-query 扩展的第 1 版。',
  },
  documentIdMalformed: {
    code: 'BAD_REQUEST',
    en: 'A document id is "sha256:" followed by the 64 hex digits of the document\'s sha256, got {given}.',
    'zh-CN': '文档编号应为 "sha256:" 加上文档 sha256 的 64 位十六进制数字，当前为 {given}。',
  },
  documentHashMismatch: {
    code: 'PERSISTED_QUERY_HASH_MISMATCH',
    en: 'The document sent is not the one its id names: its sha256 is {actual}, the id says {claimed}.',
    'zh-CN': '所发送的文档与其编号不符：文档的 sha256 为 {actual}，编号为 {claimed}。',
  },
  documentNotInList: {
    code: 'PERSISTED_QUERY_NOT_IN_LIST',
    en: 'No registered document has the id sha256:{sha256}. This server runs only registered documents; the operator registers an app\'s manifest with "gongzhi documents register".',
    'zh-CN':
      '没有编号为 sha256:{sha256} 的已登记文档。本服务器只执行已登记的文档；运维人员可用 "gongzhi documents register" 登记应用的清单。',
  },
  documentNotFound: {
    code: 'PERSISTED_QUERY_NOT_FOUND',
    en: 'No registered document has the id sha256:{sha256}. Send the document text as "query", or have it registered.',
    'zh-CN': '没有编号为 sha256:{sha256} 的已登记文档。请在 "query" 中发送文档原文，或先登记该文档。',
  },
  documentRequired: {
    code: 'TRUSTED_DOCUMENT_REQUIRED',
    en: 'This server runs only registered documents (GONGZHI_TRUSTED_DOCUMENTS=require) and this one is not registered. Send a registered document by "documentId" (sha256:<hash>), or ask the operator to register your app\'s manifest.',
    'zh-CN':
      '本服务器只执行已登记的文档（GONGZHI_TRUSTED_DOCUMENTS=require），此文档未登记。请用 "documentId"（sha256:<哈希>）发送已登记的文档，或请运维人员登记应用的清单。',
  },
  parameterNotJson: {
    code: 'BAD_REQUEST',
    en: 'The "{name}" parameter is not valid JSON.',
    'zh-CN': '参数 "{name}" 不是合法的 JSON。',
  },
  getRegisteredOnly: {
    code: 'METHOD_NOT_ALLOWED',
    en: 'GET runs registered documents only (by "documentId" or their exact text); POST this document instead.',
    'zh-CN': 'GET 只执行已登记的文档（按 "documentId" 或其原文）；请改用 POST 发送此文档。',
  },
  getMutation: {
    code: 'METHOD_NOT_ALLOWED',
    en: 'GET runs queries only; send this mutation with POST.',
    'zh-CN': 'GET 只执行查询；请用 POST 发送此变更（mutation）。',
  },
  getSubscription: {
    code: 'METHOD_NOT_ALLOWED',
    en: 'GET runs queries only; send this subscription with POST (or subscribe over WebSocket).',
    'zh-CN': 'GET 只执行查询；请用 POST 发送此订阅，或通过 WebSocket 订阅。',
  },
  internal: {
    code: 'INTERNAL',
    en: 'Internal error (request {requestId}). The operators can find it in the log by this id.',
    'zh-CN': '服务器内部错误（请求编号 {requestId}）。运维人员可凭此编号在日志中查找。',
  },
  databaseUnavailable: {
    code: 'DATABASE_UNAVAILABLE',
    en: 'The database is unavailable (restarting or unreachable). Retry in {retryAfter} s; a write that was in flight may or may not have been applied.',
    'zh-CN': '数据库暂不可用（正在重启或无法连接）。请 {retryAfter} 秒后重试；刚才提交的写入可能已生效，也可能没有。',
  },
  rateLimited: {
    code: 'RATE_LIMITED',
    en: 'Too many operations: the limit is reached for this key. Retry in {retryAfter} s.',
    'zh-CN': '操作过于频繁，已达到该密钥的次数上限。请 {retryAfter} 秒后重试。',
  },
  tooManyAliases: {
    code: 'TOO_MANY_ALIASES',
    en: 'Too many aliases: the limit is {max} in one document.',
    'zh-CN': '别名过多：一个查询文档最多 {max} 个别名。',
  },
  depthLimit: {
    code: 'GRAPHQL_VALIDATION_FAILED',
    en: 'Syntax Error: Query depth limit of {max} exceeded, found {found}.',
    'zh-CN': '查询嵌套过深：上限为 {max} 层，实际为 {found} 层。',
  },
  costLimit: {
    code: 'GRAPHQL_VALIDATION_FAILED',
    en: 'Syntax Error: Query Cost limit of {max} exceeded, found {found}.',
    'zh-CN': '查询开销过大：上限为 {max}，实际为 {found}。',
  },
  directivesLimit: {
    code: 'GRAPHQL_VALIDATION_FAILED',
    en: 'Syntax Error: Directives limit of {max} exceeded, found {found}.',
    'zh-CN': '指令过多：上限为 {max} 个，实际为 {found} 个。',
  },
  invalidQuery: {
    code: 'GRAPHQL_VALIDATION_FAILED',
    en: '{detail}',
    'zh-CN': '查询语句未通过校验：{detail}',
  },
  queryParseFailed: {
    code: 'GRAPHQL_PARSE_FAILED',
    en: '{detail}',
    'zh-CN': '查询语句有语法错误：{detail}',
  },
  badInput: {
    code: 'BAD_USER_INPUT',
    en: '{detail}',
    'zh-CN': '输入有误：{detail}',
  },
  tooManySubscriptions: {
    code: 'TOO_MANY_SUBSCRIPTIONS',
    en: 'This connection already has {max} operations open, the most allowed. Complete one first, or open another connection.',
    'zh-CN': '该连接已有 {max} 个进行中的操作，已达上限。请先结束一个，或另开连接。',
  },
  slowConsumerQueue: {
    code: 'SLOW_CONSUMER',
    en: 'More than {max} messages waiting. Reconnect and resume from the last sequence received.',
    'zh-CN': '待发送消息超过 {max} 条。请重连，从收到的最后序号继续。',
  },
  slowConsumerBytes: {
    code: 'SLOW_CONSUMER',
    en: 'More than {max} bytes unsent. Reconnect and resume from the last sequence received.',
    'zh-CN': '未发出数据超过 {max} 字节。请重连，从收到的最后序号继续。',
  },
  slowConsumerBoard: {
    code: 'SLOW_CONSUMER',
    en: 'The board fell too far behind. Reconnect and resume from the last sequence received.',
    'zh-CN': '看板积压过多。请重连，从收到的最后序号继续。',
  },
  socketDatabaseUnavailable: {
    code: 'DATABASE_UNAVAILABLE',
    en: 'The database is unavailable. Reconnect later and resume from the last sequence received.',
    'zh-CN': '数据库暂不可用。请稍后重连，从收到的最后序号继续。',
  },
  boardChangeUnavailable: {
    code: 'UNAVAILABLE',
    en: 'Board change {seq} could not be produced. Reconnect and resume from the last sequence received.',
    'zh-CN': '看板变更 {seq} 暂无法生成。请重连，从收到的最后序号继续。',
  },
  credentialNoLongerValid: {
    code: 'UNAUTHENTICATED',
    en: 'The credential is no longer valid.',
    'zh-CN': '凭证已失效。',
  },
  nameTheOperation: {
    code: 'BAD_REQUEST',
    en: 'Name the operation to run (operationName): the document has several, or none.',
    'zh-CN': '请用 operationName 指明要执行的操作：文档中有多个操作，或一个也没有。',
  },
  subscriptionsOnly: {
    code: 'OPERATION_NOT_ALLOWED',
    en: 'Only subscriptions are served over WebSocket; send this {operation} over HTTP (POST /graphql).',
    'zh-CN': 'WebSocket 只提供订阅；此 {operation} 请通过 HTTP 发送（POST /graphql）。',
  },
  streamFailed: {
    code: 'STREAM_FAILED',
    en: 'The subscription stream failed; resubscribe from the last sequence received.',
    'zh-CN': '订阅推送中断，请从最后收到的序号重新订阅。',
  },
  bodyTooLarge: {
    code: 'PAYLOAD_TOO_LARGE',
    en: 'Request body is larger than {max} bytes.',
    'zh-CN': '请求体超过 {max} 字节。',
  },
  bodyNotJson: {
    code: 'BAD_REQUEST',
    en: 'Request body is not valid JSON.',
    'zh-CN': '请求体不是有效的 JSON。',
  },
  batchingOff: {
    code: 'BAD_REQUEST',
    en: 'Batched operations are not accepted: send one operation per request, as a JSON object (not an array).',
    'zh-CN': '不接受批量操作：每个请求只发送一个操作，请求体为 JSON 对象（而非数组）。',
  },
  operationMissing: {
    code: 'BAD_REQUEST',
    en: 'The request names no operation: send the document\'s text as "query" (or a registered document\'s id as "documentId").',
    'zh-CN': '请求中没有要执行的操作：请在 "query" 中发送文档原文（或在 "documentId" 中发送已登记文档的编号）。',
  },
  bodyMissing: {
    code: 'BAD_REQUEST',
    en: 'The request body is empty or not JSON: POST a JSON object with "query", with "content-type: application/json".',
    'zh-CN': '请求体为空或不是 JSON：请以 "content-type: application/json" 发送含 "query" 的 JSON 对象。',
  },
  bodyFieldNotObject: {
    code: 'BAD_REQUEST',
    en: '"{field}" in the request body must be a JSON object when given (not a string or a number).',
    'zh-CN': '请求体中的 "{field}" 若提供，必须是 JSON 对象（不能是字符串或数字）。',
  },
  methodNotServed: {
    code: 'BAD_REQUEST',
    en: 'GraphQL is served with POST (and GET, for registered documents) only.',
    'zh-CN': 'GraphQL 接口只接受 POST 请求（已登记的文档也可用 GET）。',
  },
  operationNameNotString: {
    code: 'BAD_REQUEST',
    en: '"operationName" in the request body must be a string: the name of an operation in the document.',
    'zh-CN': '请求体中的 "operationName" 必须是字符串，即文档中某个操作的名称。',
  },
  csrfRefused: {
    code: 'BAD_REQUEST',
    en: 'Refused as a possible cross-site request forgery: send "content-type: application/json" (or an "apollo-require-preflight" header).',
    'zh-CN': '疑似跨站请求伪造，已拒绝：请发送 "content-type: application/json" 请求头（或带上 "apollo-require-preflight" 请求头）。',
  },
  badRequest: {
    code: 'BAD_REQUEST',
    en: '{detail}',
    'zh-CN': '请求有误：{detail}',
  },
  pathNotFound: {
    code: 'NOT_FOUND',
    en: 'Not found. The GraphQL API is at {path}.',
    'zh-CN': '找不到该地址。GraphQL 接口位于 {path}。',
  },
  metricsTokenMissing: {
    code: 'UNAUTHENTICATED',
    en: 'The metrics need the bearer token of GONGZHI_METRICS_TOKEN (Authorization: Bearer <token>).',
    'zh-CN': '读取指标需要 GONGZHI_METRICS_TOKEN 的令牌（Authorization: Bearer <令牌>）。',
  },
  exportGetOnly: {
    code: 'METHOD_NOT_ALLOWED',
    en: 'An export is read with GET; {method} is not served here.',
    'zh-CN': '导出只接受 GET 请求；此处不支持 {method}。',
  },
  exportNeedsCredential: {
    code: 'UNAUTHENTICATED',
    en: 'An export needs a credential: send "Authorization: Bearer <API key or person token>".',
    'zh-CN': '导出需要凭证：请发送 "Authorization: Bearer <API 密钥或个人令牌>"。',
  },
  photoNeedsCredential: {
    code: 'UNAUTHENTICATED',
    en: 'Uploading a photo needs a credential: send "Authorization: Bearer <API key or person token>".',
    'zh-CN': '上传照片需要凭证：请发送 "Authorization: Bearer <API 密钥或个人令牌>"。',
  },
  photoTypeUnsupported: {
    code: 'BAD_USER_INPUT',
    en: 'Send the picture itself as the body, with Content-Type image/jpeg, image/png or image/webp ({type} was given).',
    'zh-CN': '请将图片本身作为请求体发送，Content-Type 为 image/jpeg、image/png 或 image/webp（当前为 {type}）。',
  },
  photoTooLarge: {
    code: 'PAYLOAD_TOO_LARGE',
    en: 'A photo may have at most {max} bytes: send it smaller (a phone picture scaled to 1920 pixels is well under).',
    'zh-CN': '照片最多 {max} 字节：请压缩后再发送（手机照片缩至 1920 像素即可远小于此）。',
  },
  photoLinkInvalid: {
    code: 'FORBIDDEN',
    en: 'This link to a photo is not good: it expired, was changed, or was never given out. Read RequestPhoto.url again for a fresh one.',
    'zh-CN': '该照片链接无效：已过期、被改动或并非本服务器发出。请重新读取 RequestPhoto.url 获取新链接。',
  },
  photoNotFound: {
    code: 'NOT_FOUND',
    en: 'No photo at {path}: it was taken off its request, or never was one.',
    'zh-CN': '{path} 没有照片：它已从诉求中移除，或从未存在。',
  },
  photoMethod: {
    code: 'BAD_USER_INPUT',
    en: 'POST /photos uploads a picture; GET the link RequestPhoto.url gives shows one ({method} was sent).',
    'zh-CN': 'POST /photos 用于上传图片；GET RequestPhoto.url 给出的链接用于查看图片（当前方法为 {method}）。',
  },
  exportNothingThere: {
    code: 'NOT_FOUND',
    en: 'Nothing to export for {given}: no row you may see has that id.',
    'zh-CN': '按 {given} 没有可导出的内容：没有您可查看的这一编号的记录。',
  },
  exportNotFound: {
    code: 'NOT_FOUND',
    en: 'No export at {path}; the exports are: {exports}.',
    'zh-CN': '{path} 没有可导出的表格；可导出的有：{exports}。',
  },
  exportUnknownParameter: {
    code: 'BAD_USER_INPUT',
    en: '"{name}" is not a parameter of this export; its parameters are: {parameters}.',
    'zh-CN': '"{name}" 不是此导出的参数；可用的参数为：{parameters}。',
  },
  serverError: {
    code: 'INTERNAL',
    en: 'Internal server error',
    'zh-CN': '服务器内部错误',
  },
  registerNoPlaceCode: {
    code: 'NOT_FOUND',
    en: 'No place has the code "{code}" (in the file, a place comes after its parent).',
    'zh-CN': '没有编码为 "{code}" 的地点（文件中，上级地点应排在下级之前）。',
  },
  registerPlaceType: {
    code: 'BAD_USER_INPUT',
    en: '"{given}" is not a place type; the types are {types}.',
    'zh-CN': '"{given}" 不是地点类型；可用的类型为 {types}。',
  },
  registerCodeElsewhere: {
    code: 'CONFLICT',
    en: 'The code "{code}" is a {type} elsewhere in the tree already; codes are unique across the server.',
    'zh-CN': '编码 "{code}" 已被树中别处的一个 {type} 使用；编码在整个服务器中唯一。',
  },
  registerRole: {
    code: 'BAD_USER_INPUT',
    en: '"{given}" is not a role; the roles are {roles}.',
    'zh-CN': '"{given}" 不是角色；可用的角色为 {roles}。',
  },
  registerFindAgain: {
    code: 'BAD_USER_INPUT',
    en: 'Give a "household" (its code) or a "phone": a second import finds the person again by them.',
    'zh-CN': '请提供 "household"（户的编码）或 "phone"：再次导入时据此找到同一人。',
  },
});

/**
 * What graphql-js and Apollo say in their own words (validation, parsing, variables), by code:
 * told in English as they are, and inside a Chinese sentence for zh-CN readers.
 */
export const WRAPPED_BY_CODE = {
  GRAPHQL_VALIDATION_FAILED: gatewayMessages.invalidQuery,
  GRAPHQL_PARSE_FAILED: gatewayMessages.queryParseFailed,
  BAD_USER_INPUT: gatewayMessages.badInput,
  BAD_REQUEST: gatewayMessages.badRequest,
} as const;

/**
 * Apollo Server's refusals of a malformed request (`BAD_REQUEST`), told with the gateway's own
 * messages, which say what to send instead: by the words Apollo uses (@apollo/server 5), each with
 * the parameters its message takes. One Apollo has that is not here is wrapped ({@link WRAPPED_BY_CODE}).
 */
export const APOLLO_BAD_REQUESTS: readonly { words: RegExp; message: Message<object>; params?: (match: RegExpExecArray) => object }[] = [
  { words: /^Operation batching disabled\.$/, message: gatewayMessages.batchingOff },
  { words: /^GraphQL operations must contain a non-empty `query`/, message: gatewayMessages.operationMissing },
  { words: /^POST body missing, invalid Content-Type, or JSON object has no keys\.$/, message: gatewayMessages.bodyMissing },
  {
    words: /^`(variables|extensions)` in a POST body (?:must|should) be (?:an object|provided as an object)/,
    message: gatewayMessages.bodyFieldNotObject,
    params: (match) => ({ field: match[1] }),
  },
  { words: /^`operationName` in a POST body must be a string/, message: gatewayMessages.operationNameNotString },
  { words: /^Apollo Server supports only GET\/POST requests\.$/, message: gatewayMessages.methodNotServed },
  { words: /^This operation has been blocked as a potential Cross-Site Request Forgery/, message: gatewayMessages.csrfRefused },
];

/**
 * What the Open311 GeoReport v2 façade answers in its errors' `description`, in the language the
 * request's `Accept-Language` asks for (its `code` stays the HTTP status, as the spec says).
 */
export const open311Messages = defineMessages('open311', {
  notAResource: {
    code: 'NOT_FOUND',
    en: 'Not an Open311 resource. Try {path}/discovery.json, services.json, requests.json, requests/<id>.json or tokens/<token>.json (or .xml).',
    'zh-CN':
      '不是 Open311 资源。可用的有 {path}/discovery.json、services.json、requests.json、requests/<id>.json 和 tokens/<token>.json（也可用 .xml）。',
  },
  unknownResource: {
    code: 'NOT_FOUND',
    en: 'Not an Open311 resource: {resource}.',
    'zh-CN': '不是 Open311 资源：{resource}。',
  },
  methodNotAllowed: {
    code: 'METHOD_NOT_ALLOWED',
    en: '{method} is not allowed here; the methods allowed are {allowed}.',
    'zh-CN': '此处不允许 {method}；允许的方法为 {allowed}。',
  },
  formRequired: {
    code: 'BAD_REQUEST',
    en: 'Send the request as a form: Content-Type: application/x-www-form-urlencoded, as GeoReport v2 says.',
    'zh-CN': '请按 GeoReport v2 的规定以表单发送请求：Content-Type: application/x-www-form-urlencoded。',
  },
  rateLimited: {
    code: 'RATE_LIMITED',
    en: 'Too many requests: the limit is reached for this key. Retry in {retryAfter} s.',
    'zh-CN': '请求过于频繁，已达到该密钥的次数上限。请 {retryAfter} 秒后重试。',
  },
  internal: {
    code: 'INTERNAL',
    en: 'Internal server error. Quote request id {requestId} to the operators.',
    'zh-CN': '服务器内部错误。请向运维人员提供请求编号 {requestId}。',
  },
  apiKeyMalformed: {
    code: 'FORBIDDEN',
    en: 'api_key must be a Gongzhi API key (gz_…). Ask an administrator for one (gongzhi api-key create).',
    'zh-CN': 'api_key 必须是共治 API 密钥（gz_…）。请向管理员申请（gongzhi api-key create）。',
  },
  unknownServiceCode: {
    code: 'BAD_REQUEST',
    en: '{parameter} "{code}" is not a service here; the services are: {services}.',
    'zh-CN': '{parameter} "{code}" 不是本服务器的服务；可用的服务有：{services}。',
  },
  serviceNotFound: {
    code: 'NOT_FOUND',
    en: 'There is no service "{code}"; the services are: {services}.',
    'zh-CN': '没有服务 "{code}"；可用的服务有：{services}。',
  },
  requestNotFound: {
    code: 'NOT_FOUND',
    en: 'There is no service request "{id}" that you may see.',
    'zh-CN': '没有你可查看的诉求 "{id}"。',
  },
  tokensNeedKey: {
    code: 'FORBIDDEN',
    en: 'Give api_key: tokens belong to the key that sent them.',
    'zh-CN': '请提供 api_key：令牌（token）属于发送它的密钥。',
  },
  tokenNotFound: {
    code: 'NOT_FOUND',
    en: 'There is no token "{token}" of this key.',
    'zh-CN': '该密钥没有令牌 "{token}"。',
  },
  jurisdictionNotFound: {
    code: 'NOT_FOUND',
    en: 'jurisdiction_id "{code}" is not the place code of a district on this server.',
    'zh-CN': 'jurisdiction_id "{code}" 不是本服务器上某个区的地点编码。',
  },
  dateMalformed: {
    code: 'BAD_REQUEST',
    en: '{name} must be a W3C date-time with a time zone, like 2026-11-05T08:15:30+08:00; got "{given}".',
    'zh-CN': '{name} 必须是带时区的 W3C 日期时间，例如 2026-11-05T08:15:30+08:00；当前为 "{given}"。',
  },
  numberOutOfRange: {
    code: 'BAD_REQUEST',
    en: '{name} must be a number from {min} to {max}; got "{given}".',
    'zh-CN': '{name} 必须是 {min} 到 {max} 之间的数；当前为 "{given}"。',
  },
  tooManyIds: {
    code: 'BAD_REQUEST',
    en: 'service_request_id may list at most {max} ids.',
    'zh-CN': 'service_request_id 最多列出 {max} 个编号。',
  },
  statusInvalid: {
    code: 'BAD_REQUEST',
    en: 'status must be open or closed (or both, comma-separated); got "{given}".',
    'zh-CN': 'status 必须是 open 或 closed（或用逗号分隔两者）；当前为 "{given}"。',
  },
  endBeforeStart: {
    code: 'BAD_REQUEST',
    en: 'end_date must not be before start_date.',
    'zh-CN': 'end_date 不能早于 start_date。',
  },
  rangeTooLong: {
    code: 'BAD_REQUEST',
    en: 'start_date and end_date may span at most {max} days; ask for a shorter range.',
    'zh-CN': 'start_date 与 end_date 最多相隔 {max} 天；请缩短时间范围。',
  },
  addressIdUnknown: {
    code: 'BAD_REQUEST',
    en: 'address_id "{code}" is not the code of a place you may use.',
    'zh-CN': 'address_id "{code}" 不是你可使用的地点编码。',
  },
  noPlaceNear: {
    code: 'BAD_REQUEST',
    en: 'No place with coordinates that you may use lies within {metres} m of lat {lat}, long {long}; give address_id (a place code) instead.',
    'zh-CN': '纬度 {lat}、经度 {long} 周围 {metres} 米内没有你可使用的带坐标地点；请改为提供 address_id（地点编码）。',
  },
  locationRequired: {
    code: 'BAD_REQUEST',
    en: 'Give the location: address_id (a Gongzhi place code), or lat and long.',
    'zh-CN': '请提供位置：address_id（共治地点编码），或 lat 和 long。',
  },
  outsideJurisdiction: {
    code: 'BAD_REQUEST',
    en: 'The place is not in jurisdiction_id "{code}".',
    'zh-CN': '该地点不在 jurisdiction_id "{code}" 内。',
  },
  attributeUnknown: {
    code: 'BAD_REQUEST',
    en: 'attribute[{attribute}] is not an attribute of service "{service}"; its attributes are: {attributes}.',
    'zh-CN': 'attribute[{attribute}] 不是服务 "{service}" 的属性；它的属性有：{attributes}。',
  },
  attributeValueInvalid: {
    code: 'BAD_REQUEST',
    en: 'attribute[{attribute}] must be one of {values}; got "{given}".',
    'zh-CN': 'attribute[{attribute}] 必须是 {values} 之一；当前为 "{given}"。',
  },
  postNeedsKey: {
    code: 'FORBIDDEN',
    en: 'Give api_key: posting a request needs a Gongzhi API key with request.submit at its place.',
    'zh-CN': '请提供 api_key：提交诉求需要在该地点拥有 request.submit 权限的共治 API 密钥。',
  },
  serviceCodeRequired: {
    code: 'BAD_REQUEST',
    en: 'service_code is required: one of the codes services.json lists.',
    'zh-CN': '缺少 service_code：请填写 services.json 列出的编码之一。',
  },
  mediaUrlInvalid: {
    code: 'BAD_REQUEST',
    en: 'media_url must be the https address of the picture (e.g. https://oss.example.org/fangzhuang/lamp.jpg), got "{given}".',
    'zh-CN': 'media_url 应为图片的 https 地址（如 https://oss.example.org/fangzhuang/lamp.jpg），当前为 "{given}"。',
  },
  descriptionTooLong: {
    code: 'BAD_REQUEST',
    en: 'description may have at most {max} characters; it has {length}.',
    'zh-CN': 'description 最多 {max} 个字符；当前有 {length} 个。',
  },
  phoneRequired: {
    code: 'BAD_REQUEST',
    en: 'phone is required: a request from an app is anonymous, and the community calls back at this number.',
    'zh-CN': '缺少 phone：来自应用的诉求是匿名的，社区将回拨此号码。',
  },
  praisedNotAPerson: {
    code: 'BAD_REQUEST',
    en: 'attribute[praised_person_id] must be the id of a Person, as the GraphQL API returns it; got "{given}".',
    'zh-CN': 'attribute[praised_person_id] 必须是 GraphQL 接口返回的人员（Person）编号；当前为 "{given}"。',
  },
  praisedNotVisible: {
    code: 'BAD_REQUEST',
    en: 'attribute[praised_person_id] "{given}" is not a person you may name.',
    'zh-CN': 'attribute[praised_person_id] "{given}" 不是你可指名的人员。',
  },
});

/** A WebSocket close reason holds at most 123 bytes of UTF-8: longer text is cut at a character, with "…". */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let cut = '';
  for (const char of text) {
    if (Buffer.byteLength(cut + char) > 120) break;
    cut += char;
  }
  return `${cut}…`;
}
