/**
 * The closed set of error codes the API returns, in the one error shape
 * `{ error: { code, message, requestId, details? } }`.
 *
 * Each code is stable (clients switch on it); `message` is the Chinese text shown to the user.
 * `ERROR_STATUS` is the single place that maps a code to its HTTP status.
 */
export const ERROR_CODES = [
  /** Body is not valid JSON. */
  'BAD_JSON',
  /** Body, query or path failed schema validation (wrong type, unknown field, missing field). */
  'VALIDATION_FAILED',
  /** Body larger than the route allows (1 MB for JSON). */
  'PAYLOAD_TOO_LARGE',
  /** Content-Type not accepted by the route. */
  'UNSUPPORTED_MEDIA_TYPE',
  /** No or malformed Authorization header. */
  'UNAUTHENTICATED',
  /** Session token expired. */
  'TOKEN_EXPIRED',
  /** Session token has a bad signature, was revoked or names an unknown user. */
  'TOKEN_INVALID',
  /** The user is known but their role does not allow this action on this object. */
  'FORBIDDEN',
  /** No such route or no such object within the caller's scope (another village's ids land here). */
  'NOT_FOUND',
  /** The request conflicts with the current state (e.g. already a member, already decided). */
  'CONFLICT',
  /** The same Idempotency-Key is being processed by another request right now. */
  'IDEMPOTENCY_IN_PROGRESS',
  /** The Idempotency-Key was used before with a different request body. */
  'IDEMPOTENCY_MISMATCH',
  /** The invite code matches no village. */
  'INVITE_CODE_INVALID',
  /** The uploaded roster has row errors; nothing was written. */
  'ROSTER_INVALID',
  /** Too many requests for this policy; retry after `details.retryAfterS`. */
  'RATE_LIMITED',
  /** WeChat rejected the login code (errcode 40029, 40163). */
  'WECHAT_CODE_INVALID',
  /** WeChat is unreachable or rate-limited us (errcode 45011, -1, network). */
  'WECHAT_UNAVAILABLE',
  /** The dev login is disabled (not enabled, or NODE_ENV=production). */
  'DEV_LOGIN_DISABLED',
  /** WeChat content security (msgSecCheck) judged the text risky; nothing was saved. `details.label`. */
  'CONTENT_RISKY',
  /** A matter action that does not exist in the matter's current state, level or kind (it moved on; refresh). */
  'TRANSITION_NOT_ALLOWED',
  /** A matter action that needs a note (a reason, the outcome…) was sent without one. */
  'NOTE_REQUIRED',
  /** An uploaded file's content (not its name) is not a type its purpose accepts (e.g. an exe renamed .jpg). */
  'MEDIA_TYPE_NOT_ALLOWED',
  /** A photo or voice id given with a matter is not the caller's unattached upload of the right kind here; `details.items`. */
  'MEDIA_NOT_ATTACHABLE',
  /** Services: every place in this slot is taken (also when many book the last place at once). Join the waitlist. */
  'SLOT_FULL',
  /** Services: not an opening time of this service (closed that day, cancelled by the village, or beyond the horizon). */
  'SLOT_CLOSED',
  /** Services: the slot has already started or passed. */
  'SLOT_PAST',
  /** Services: the caller already holds a booking at an overlapping time (any service). */
  'BOOKING_OVERLAP',
  /** Services: too close to the slot to cancel or reschedule (the service's cut-off). */
  'CUTOFF_PASSED',
  /** Services: this service takes no bookings, or no errands (代办), as asked. */
  'SERVICE_NOT_OFFERED',
  /** A periodic disclosure whose period overlaps another of the same kind in the village. `details.existing`. */
  'PERIOD_OVERLAP',
  /** A finance disclosure submitted with no ledger entries. */
  'LEDGER_EMPTY',
  /** The ledger does not reconcile (totals, opening = previous closing, dates, amounts); `details.issues` names each gap. */
  'LEDGER_NOT_RECONCILED',
  /** A published disclosure version never changes; a correction is a new version with a reason. */
  'DISCLOSURE_PUBLISHED',
  /** A supervisor may not co-sign a disclosure they drafted or submitted themselves. */
  'COSIGN_OWN_DRAFT',
  /** A published voucher photo's stored bytes no longer hash to what the chain committed to; it is not served. */
  'VOUCHER_ALTERED',
  /** The vote has not opened yet (its opening time is ahead). */
  'VOTE_NOT_OPEN',
  /** The vote is closed: no more ballots; the result is published. */
  'VOTE_CLOSED',
  /** The ballot list and the result exist only once the vote has closed. */
  'VOTE_NOT_CLOSED',
  /** The caller is not on this vote's electorate (frozen when it opened). */
  'NOT_ELECTOR',
  /** This person already has a ballot in this vote (online or paper); a ballot is final. `details.receipt` for the caller's own. */
  'ALREADY_VOTED',
  /** A proposal stage that is not the next one, or not this role's to record. */
  'STAGE_NOT_ALLOWED',
  /** Read-aloud text with nothing to say (empty, or only spaces and punctuation). */
  'SPEECH_TEXT_EMPTY',
  /** Read-aloud text longer than one request may speak (500 characters); `details.max`, `details.length`. */
  'SPEECH_TEXT_TOO_LONG',
  /** The speech engine failed or none is configured (SPEECH_PROVIDER=off); the device's own voice is the fallback. */
  'SPEECH_UNAVAILABLE',
  /** Something broke on our side; the requestId lets an operator find the log line. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const ERROR_STATUS: Record<
  ErrorCode,
  400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503
> = {
  BAD_JSON: 400,
  VALIDATION_FAILED: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENCY_MISMATCH: 422,
  INVITE_CODE_INVALID: 404,
  ROSTER_INVALID: 422,
  RATE_LIMITED: 429,
  WECHAT_CODE_INVALID: 400,
  WECHAT_UNAVAILABLE: 503,
  DEV_LOGIN_DISABLED: 404,
  CONTENT_RISKY: 422,
  TRANSITION_NOT_ALLOWED: 409,
  NOTE_REQUIRED: 400,
  MEDIA_TYPE_NOT_ALLOWED: 415,
  MEDIA_NOT_ATTACHABLE: 422,
  SLOT_FULL: 409,
  SLOT_CLOSED: 409,
  SLOT_PAST: 409,
  BOOKING_OVERLAP: 409,
  CUTOFF_PASSED: 409,
  SERVICE_NOT_OFFERED: 409,
  PERIOD_OVERLAP: 409,
  LEDGER_EMPTY: 422,
  LEDGER_NOT_RECONCILED: 422,
  DISCLOSURE_PUBLISHED: 409,
  COSIGN_OWN_DRAFT: 403,
  VOUCHER_ALTERED: 409,
  VOTE_NOT_OPEN: 409,
  VOTE_CLOSED: 409,
  VOTE_NOT_CLOSED: 409,
  NOT_ELECTOR: 403,
  ALREADY_VOTED: 409,
  STAGE_NOT_ALLOWED: 409,
  SPEECH_TEXT_EMPTY: 400,
  SPEECH_TEXT_TOO_LONG: 400,
  SPEECH_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Default Chinese message per code: short, plain, readable by an elderly villager. */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  BAD_JSON: '提交的内容格式不对，请重试',
  VALIDATION_FAILED: '填写的内容有误，请检查后再提交',
  PAYLOAD_TOO_LARGE: '内容太大了，请减少后再提交',
  UNSUPPORTED_MEDIA_TYPE: '不支持这种文件类型',
  UNAUTHENTICATED: '请先登录',
  TOKEN_EXPIRED: '登录已过期，请重新登录',
  TOKEN_INVALID: '登录已失效，请重新登录',
  FORBIDDEN: '您没有权限做这件事',
  NOT_FOUND: '没有找到',
  CONFLICT: '情况有变化，请刷新后再试',
  IDEMPOTENCY_IN_PROGRESS: '正在处理，请稍候',
  IDEMPOTENCY_MISMATCH: '这次提交和上次不一样，请刷新后再试',
  INVITE_CODE_INVALID: '邀请码不对，请向村干部核实',
  ROSTER_INVALID: '花名册有错误，请改正后重新上传',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  WECHAT_CODE_INVALID: '微信登录失败，请重试',
  WECHAT_UNAVAILABLE: '微信暂时连不上，请稍后再试',
  DEV_LOGIN_DISABLED: '没有找到',
  CONTENT_RISKY: '内容含有不适合公开的信息，请修改后再提交',
  TRANSITION_NOT_ALLOWED: '这件事的进度已经变了，请刷新后再看',
  NOTE_REQUIRED: '请写上说明再提交',
  MEDIA_TYPE_NOT_ALLOWED: '这种文件不能上传，请选照片或录音',
  MEDIA_NOT_ATTACHABLE: '照片或录音不对，请重新上传',
  SLOT_FULL: '已约满',
  SLOT_CLOSED: '这个时间不办理，请换一个时间',
  SLOT_PAST: '这个时间已经过了，请换一个时间',
  BOOKING_OVERLAP: '这个时间您已经有别的预约了',
  CUTOFF_PASSED: '快到办理时间了，不能再改，请打电话给村里',
  SERVICE_NOT_OFFERED: '这项服务不能这样办理',
  PERIOD_OVERLAP: '这个期间和已有的公开重叠了，请换一个期间',
  LEDGER_EMPTY: '账目是空的，请至少录入一笔收入或支出',
  LEDGER_NOT_RECONCILED: '账目对不上，请核对后再提交',
  DISCLOSURE_PUBLISHED: '已经公开的内容不能再改，有错请提交更正',
  COSIGN_OWN_DRAFT: '不能审核自己起草或提交的公开内容',
  VOUCHER_ALTERED: '这张凭证照片和公开时的不一样了，请告诉村务监督委员会',
  VOTE_NOT_OPEN: '投票还没有开始',
  VOTE_CLOSED: '投票已经结束了',
  VOTE_NOT_CLOSED: '投票结束后才能查看全部选票',
  NOT_ELECTOR: '您不在这次投票的名单里',
  ALREADY_VOTED: '您已经投过票了，选票不能更改',
  STAGE_NOT_ALLOWED: '这一步现在不能记录，或不由您记录',
  SPEECH_TEXT_EMPTY: '没有可以朗读的文字',
  SPEECH_TEXT_TOO_LONG: '一次最多朗读500个字，请分段朗读',
  SPEECH_UNAVAILABLE: '朗读暂时不能用，请稍后再试',
  INTERNAL: '系统出错了，请稍后再试',
};

export type ApiErrorBody = {
  error: { code: ErrorCode; message: string; requestId: string; details?: unknown };
};
