/**
 * Types of the API contract, inferred from the zod schemas in /shared (the one contract).
 * Type-only imports: zod itself never reaches the mini-program bundle.
 */
import type { z } from 'zod';
import type {
  ZAuditListSchema,
  ZDevUsersSchema,
  ZGridListSchema,
  ZHouseholdListSchema,
  ZJoinRequestListSchema,
  ZJoinResultSchema,
  ZLoginResultSchema,
  ZMeSchema,
  ZMemberListSchema,
  ZMembershipSchema,
  ZRosterImportResultSchema,
  ZRosterRowErrorSchema,
  ZUpdateMeSchema,
  ZVillageLookupSchema,
} from '@shared/schemas';
import type {
  ZInboxEntrySchema,
  ZInboxListSchema,
  ZNoticeListSchema,
  ZNoticeSchema,
  ZNotifySettingsSchema,
  ZPublishNoticeSchema,
  ZConsentsSchema,
  ZRecordConsentSchema,
  ZSubscribeTemplatesSchema,
  ZUnreadSchema,
  ZUpdateNotifySettingsSchema,
} from '@shared/notices/schemas';
import type {
  ZContentReviewListSchema,
  ZDecideContentResultSchema,
  ZDecideContentSchema,
} from '@shared/content/schemas';

export type { ApiErrorBody, ErrorCode } from '@shared/errors';
export type {
  TProposalDetail,
  TVoteView,
  TReceipt,
  TReceiptCheck,
  TResult,
  TCreateVote,
  TRecordStage,
  TPetitionStarted,
} from '@shared/councils/schemas';
import type {
  ZProposalList,
  ZPetitionView,
  ZMeeting,
  ZVoteList,
  ZElectorList,
  ZPaperBallot,
  ZReportedCommentList,
  ZCommentModerated,
} from '@shared/councils/schemas';
export type TProposalList = z.infer<typeof ZProposalList>;
export type TPetitionView = z.infer<typeof ZPetitionView>;
export type TMeeting = z.infer<typeof ZMeeting>;
export type TVoteList = z.infer<typeof ZVoteList>;
export type TElectorList = z.infer<typeof ZElectorList>;
export type TPaperBallot = z.infer<typeof ZPaperBallot>;
export type TReportedCommentList = z.infer<typeof ZReportedCommentList>;
export type TReportedComment = TReportedCommentList['items'][number];
export type TCommentModerated = z.infer<typeof ZCommentModerated>;
export type { Role, VillageRole } from '@shared/roles';
export type { NotifyKind } from '@shared/notices/rules';

export type TMe = z.infer<typeof ZMeSchema>;
export type TMembership = z.infer<typeof ZMembershipSchema>;
export type TUpdateMe = z.input<typeof ZUpdateMeSchema>;
export type TDevUsers = z.infer<typeof ZDevUsersSchema>;
export type TDevUser = TDevUsers['users'][number];
export type TLoginResult = z.infer<typeof ZLoginResultSchema>;
export type TVillageLookup = z.infer<typeof ZVillageLookupSchema>;
export type TJoinResult = z.infer<typeof ZJoinResultSchema>;
export type TJoinRequestList = z.infer<typeof ZJoinRequestListSchema>;
export type TJoinRequestItem = TJoinRequestList['items'][number];
export type TRosterImportResult = z.infer<typeof ZRosterImportResultSchema>;
export type TRosterRowError = z.infer<typeof ZRosterRowErrorSchema>;
export type THouseholdList = z.infer<typeof ZHouseholdListSchema>;
export type THousehold = THouseholdList['items'][number];
export type TGridList = z.infer<typeof ZGridListSchema>;
export type TGrid = TGridList['items'][number];
export type TMemberList = z.infer<typeof ZMemberListSchema>;
export type TMember = TMemberList['items'][number];
export type TAuditList = z.infer<typeof ZAuditListSchema>;
export type TAuditItem = TAuditList['items'][number];

/** Body of POST /api/villages/join as the client sends it (before server-side normalisation). */
export type TJoinVillageBody = {
  inviteCode: string;
  name: string;
  phone: string;
  householdNo?: string;
};

export type TNotice = z.infer<typeof ZNoticeSchema>;
export type TNoticeList = z.infer<typeof ZNoticeListSchema>;
export type TNoticeAudience = TNotice['audience'];
export type TPublishNotice = z.input<typeof ZPublishNoticeSchema>;
export type TInboxEntry = z.infer<typeof ZInboxEntrySchema>;
export type TInboxList = z.infer<typeof ZInboxListSchema>;
export type TUnread = z.infer<typeof ZUnreadSchema>;
export type TNotifySettings = z.infer<typeof ZNotifySettingsSchema>;
export type TNotifyKindSetting = TNotifySettings['kinds'][number];
export type TUpdateNotifySettings = z.input<typeof ZUpdateNotifySettingsSchema>;
export type TSubscribeTemplates = z.infer<typeof ZSubscribeTemplatesSchema>;
export type TSubscribeTemplate = TSubscribeTemplates['templates'][number];
export type TConsentResults = z.input<typeof ZRecordConsentSchema>['results'];
export type TConsents = z.infer<typeof ZConsentsSchema>;

export type TContentReviewList = z.infer<typeof ZContentReviewListSchema>;
export type TContentReview = TContentReviewList['items'][number];
export type TDecideContent = z.input<typeof ZDecideContentSchema>;
export type TDecideContentResult = z.infer<typeof ZDecideContentResultSchema>;
