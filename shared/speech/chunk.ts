/**
 * How text is cut for speaking. WeChat's 同声传译 (WechatSI) plugin speaks at most about 100
 * characters a call, and the read-aloud button highlights the piece being spoken, so a text is cut
 * into pieces of at most SPEECH_CHUNK_MAX characters:
 *   1. after each sentence end (。！？；… and their ASCII forms, or a line break), with the closing
 *      quotes/brackets and spaces that follow it;
 *   2. a sentence longer than the limit is cut after the last clause mark (，、：,:) that fits;
 *   3. a clause longer than the limit is cut hard at the limit (never inside a surrogate pair).
 * Nothing is added, dropped or reordered: the chunks joined give back the text exactly.
 */

/** WechatSI's textToSpeech limit (about 100 characters a call). */
export const SPEECH_CHUNK_MAX = 100;
/** The longest text the server synthesises in one request (the API refuses longer). */
export const SPEECH_TEXT_MAX = 500;

const SENTENCE_END = /[。！？；!?;…\n]/;
const CLAUSE_END = /[，、：,:]/;
const TRAILERS = /[”’」』）)》〉】\]"'\s]/;

/** Index just after the boundary char at i, with the trailing quotes/brackets/spaces it carries. */
function extendPast(text: string, i: number, end: number): number {
  let j = i + 1;
  while (j < end && (TRAILERS.test(text[j]!) || SENTENCE_END.test(text[j]!))) j++;
  return j;
}

/** Splits text into sentences (each ends after its boundary and trailers). */
function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (SENTENCE_END.test(text[i]!)) {
      const j = extendPast(text, i, text.length);
      out.push(text.slice(start, j));
      start = j;
      i = j - 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** A safe hard-cut position ≤ max that does not split a surrogate pair. */
function hardCut(s: string, max: number): number {
  const code = s.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/** Cuts one over-long sentence: at the last clause mark that fits, else hard. */
function splitLong(s: string, max: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (rest.length > max) {
    let cut = -1;
    for (let i = max - 1; i >= 0; i--) {
      if (CLAUSE_END.test(rest[i]!)) {
        cut = i + 1;
        break;
      }
    }
    if (cut <= 0) cut = hardCut(rest, max);
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}

/**
 * The text as speakable chunks of at most `max` characters (UTF-16 units), in order; `[]` for an
 * empty text. Short sentences are not merged, so each chunk is one sentence (or part of one) and
 * highlighting follows the voice.
 */
export function splitForSpeech(text: string, max = SPEECH_CHUNK_MAX): string[] {
  if (max < 2) throw new Error('max must be ≥ 2');
  const out: string[] = [];
  for (const s of sentences(text)) {
    if (s.length <= max) out.push(s);
    else out.push(...splitLong(s, max));
  }
  return out;
}

/** Whether a chunk has anything to say (not only spaces and punctuation). */
export function isSpeakable(chunk: string): boolean {
  return /[\p{L}\p{N}]/u.test(chunk);
}

/** Whitespace collapsed and trimmed: the form the server hashes and speaks. */
export function normalizeSpeechText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
