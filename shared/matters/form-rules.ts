/**
 * The raise and action forms' limits and choices, without zod: the mini-program bundles this file
 * instead of ./schemas.ts, which would bring zod (~100 KB) into the matters subpackage.
 * tests/shared/matters-form-rules.test.ts keeps every value equal to the schemas' own.
 */
export const MATTER_TEXT_MAX = 2000;
export const MATTER_PHOTOS_MAX = 9;
export const MATTER_VOICE_MAX_S = 60;
export const ACTION_NOTE_MAX = 1000;

export const CONSENT_METHODS = ['in_person', 'phone', 'written'] as const;
export const CONSENT_METHOD_LABELS: Record<(typeof CONSENT_METHODS)[number], string> = {
  in_person: '当面同意',
  phone: '电话同意',
  written: '书面签字',
};

export const MEDIATION_OUTCOMES = ['agreed', 'partly_agreed', 'not_agreed', 'adjourned'] as const;
export type MediationOutcome = (typeof MEDIATION_OUTCOMES)[number];
export const MEDIATION_OUTCOME_LABELS: Record<MediationOutcome, string> = {
  agreed: '双方达成一致',
  partly_agreed: '部分达成一致',
  not_agreed: '没有达成一致',
  adjourned: '改日再调',
};
