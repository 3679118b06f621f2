// Making free text from dataset metadata safe for a Crossref deposit: characters XML 1.0 cannot
// carry are dropped, whitespace is collapsed the way the schema's `collapse` facet would, and
// lengths are counted in characters (code points, as XSD counts them) and cut between graphemes,
// so an accent or an emoji is never split in half.

// Everything outside XML 1.0's Char production: C0 controls other than tab/LF/CR, lone
// surrogates (matched one by one in `u` mode), U+FFFE and U+FFFF.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
// XSD `\s` and `collapse` know only these four whitespace characters.
const XSD_WHITESPACE_RUN = /[ \t\n\r]+/g;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export function stripNonXmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, "");
}

export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Cuts `text` to at most `max` code points on a grapheme boundary, ending with `ellipsis` if cut. */
export function truncate(text: string, max: number, ellipsis = ""): string {
  if (codePointLength(text) <= max) return text;
  const budget = max - codePointLength(ellipsis);
  let kept = "";
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = codePointLength(segment);
    if (used + size > budget) break;
    kept += segment;
    used += size;
  }
  return kept.trimEnd() + ellipsis;
}

export interface CleanTextOptions {
  /** Longest result in code points. */
  max?: number;
  /** Appended when the text had to be cut (counted within `max`). */
  ellipsis?: string;
  /** Keep line breaks (abstracts); otherwise all whitespace runs become one space. */
  multiline?: boolean;
}

/** XML-safe, whitespace-normalised and length-limited text; `undefined` when nothing is left. */
export function cleanText(value: string | null | undefined, options: CleanTextOptions = {}): string | undefined {
  if (value == null) return undefined;
  const safe = stripNonXmlChars(value);
  const normalised = options.multiline
    ? safe.replace(/\r\n?/g, "\n").replace(/[ \t]+/g, " ").replace(/ ?\n ?/g, "\n").replace(/\n{3,}/g, "\n\n").trim()
    : safe.replace(XSD_WHITESPACE_RUN, " ").trim();
  const limited = options.max === undefined ? normalised : truncate(normalised, options.max, options.ellipsis);
  return limited === "" ? undefined : limited;
}
