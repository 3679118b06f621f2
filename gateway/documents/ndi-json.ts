// NDI documents as JSON text (contract 3.4). MATLAB writes non-finite numbers as bare NaN,
// Infinity and -Infinity tokens, which strict JSON forbids; clients read them back from the
// sentinel strings below. The gateway never turns a document into JavaScript values on its way to
// or from the database: the request text is made strict (tokens -> sentinel strings, every other
// character kept) and cast to jsonb in SQL, and responses splice the jsonb text Postgres returns.
// jsonb keeps numbers as arbitrary-precision numeric, so integers beyond 2^53 and decimals with
// more digits than a double holds come back with every digit they were sent with.

export const NON_FINITE_SENTINELS = {
  NaN: "__NDI__NaN__",
  Infinity: "__NDI__Infinity__",
  "-Infinity": "__NDI__-Infinity__",
} as const;

type NonFiniteToken = keyof typeof NON_FINITE_SENTINELS;
// -Infinity before Infinity: the longer token wins where both start.
const NON_FINITE_TOKENS: readonly NonFiniteToken[] = ["-Infinity", "Infinity", "NaN"];

const TOKEN_BY_SENTINEL = new Map<string, NonFiniteToken>(
  Object.entries(NON_FINITE_SENTINELS).map(([token, sentinel]) => [JSON.stringify(sentinel), token as NonFiniteToken]),
);

/** Thrown for text that is not JSON even with the bare non-finite tokens allowed. */
export class NdiJsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NdiJsonSyntaxError";
  }
}

/**
 * Lenient JSON text -> strict JSON text: bare NaN / Infinity / -Infinity outside strings become
 * their sentinel strings; everything else is kept character for character (numbers verbatim).
 * Throws NdiJsonSyntaxError when the result is still not JSON.
 */
export function toStrictJson(text: string): string {
  const strict = replaceNonFiniteTokens(text);
  try {
    JSON.parse(strict); // validation only: the value is discarded, the text is what is stored
  } catch (error) {
    throw new NdiJsonSyntaxError((error as Error).message);
  }
  return strict;
}

function replaceNonFiniteTokens(text: string): string {
  if (!/NaN|Infinity/.test(text)) return text;
  let out = "";
  let copiedUpTo = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      i = endOfString(text, i);
      continue;
    }
    if (char !== "N" && char !== "I" && char !== "-") continue;
    const token = NON_FINITE_TOKENS.find((candidate) => text.startsWith(candidate, i));
    if (!token) continue;
    out += text.slice(copiedUpTo, i) + JSON.stringify(NON_FINITE_SENTINELS[token]);
    i += token.length - 1;
    copiedUpTo = i + 1;
  }
  return out + text.slice(copiedUpTo);
}

/** Index of the quote closing the string that opens at `start` (or the text's end if unclosed). */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

/**
 * Strict JSON text -> the same text with every string value that is exactly a sentinel written as
 * the bare token MATLAB's jsondecode and Python's json.loads read as a number (R33's default).
 * Whole string values are matched: a sentinel inside a longer string, or as a key, is left alone.
 */
export function withBareNonFiniteTokens(strictJson: string): string {
  if (!strictJson.includes("__NDI__")) return strictJson;
  return strictJson.replace(/"(?:[^"\\]|\\.)*"/g, (stringToken, offset: number) => {
    const token = TOKEN_BY_SENTINEL.get(stringToken);
    return token === undefined || isObjectKey(strictJson, offset + stringToken.length) ? stringToken : token;
  });
}

/** Whether the string token ending just before `end` is an object key (a colon follows). */
function isObjectKey(text: string, end: number): boolean {
  let i = end;
  while (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t") i++;
  return text[i] === ":";
}
