/** Content safety: what other capabilities import. Rules: shared/content/rules.ts. */
export { checkText, type CheckResult, type CheckTextInput } from './check-text';
export { checkImage, type CheckImageInput } from './check-image';
export { recheckPending, type RecheckSummary } from './recheck-pending';
export { contentPassed, dropContentChecks, isVisible, visibleTargetIds } from './visibility';
export { supervisedTargetType } from '../../shared/content/rules';
export type { ContentDeps } from './deps';
