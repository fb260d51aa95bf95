import { defineMessages } from '@gongzhi/core';

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
  pathNotFound: {
    code: 'NOT_FOUND',
    en: 'Not found. The GraphQL API is at {path}.',
    'zh-CN': '找不到该地址。GraphQL 接口位于 {path}。',
  },
  serverError: {
    code: 'INTERNAL',
    en: 'Internal server error',
    'zh-CN': '服务器内部错误',
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
} as const;
