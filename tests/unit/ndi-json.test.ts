// Contract 3.4: MATLAB's bare non-finite tokens in, sentinel strings stored, either form out; and
// numbers kept digit for digit. Property tests run seeded random documents through the round trip.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../scripts/bench/seeded-random.ts";
import { NdiJsonSyntaxError, NON_FINITE_SENTINELS, toStrictJson, withBareNonFiniteTokens } from "../../gateway/documents/ndi-json.ts";

describe("toStrictJson", () => {
  it("turns bare NaN, Infinity and -Infinity into the sentinel strings, in arrays and objects", () => {
    expect(toStrictJson('{"a":NaN,"b":[Infinity,-Infinity, 1],"c":{"d":-Infinity}}')).toBe(
      '{"a":"__NDI__NaN__","b":["__NDI__Infinity__","__NDI__-Infinity__", 1],"c":{"d":"__NDI__-Infinity__"}}',
    );
  });

  it("leaves the tokens alone inside strings, escaped quotes included", () => {
    const text = '{"NaN":"Infinity \\" NaN","x":"-Infinity"}';
    expect(toStrictJson(text)).toBe(text);
  });

  it("keeps every other character, numbers verbatim", () => {
    const text = '{ "big": 123456789012345678901234567890, "precise": 0.1000000000000000055511151231257827,\n "e": 1E+400 }';
    expect(toStrictJson(text)).toBe(text);
  });

  it.each([
    ["not JSON", "{nope}"],
    ["a truncated object", '{"a": 1'],
    ["a token glued to a word", '{"a": NaNa}'],
    ["a negated NaN", '{"a": -NaN}'],
    ["lowercase nan", '{"a": nan}'],
    ["trailing garbage", '{"a": 1} x'],
  ])("refuses %s", (_, text) => {
    expect(() => toStrictJson(text)).toThrow(NdiJsonSyntaxError);
  });
});

describe("withBareNonFiniteTokens", () => {
  it("writes whole sentinel string values as bare tokens, keys and longer strings untouched", () => {
    expect(withBareNonFiniteTokens('{"a":"__NDI__NaN__","b":["__NDI__-Infinity__","x __NDI__NaN__"],"__NDI__Infinity__":1}')).toBe(
      '{"a":NaN,"b":[-Infinity,"x __NDI__NaN__"],"__NDI__Infinity__":1}',
    );
  });

  it("does not mistake an escaped quote for the start of a sentinel", () => {
    const text = JSON.stringify({ a: 'x"__NDI__NaN__' });
    expect(withBareNonFiniteTokens(text)).toBe(text);
  });
});

// ---------------------------------------------------------------- property tests

const NON_FINITE = [NaN, Infinity, -Infinity];
const AWKWARD_STRINGS = ["", "NaN", "Infinity", "-Infinity", '"quoted"', "back\\slash", "ünïcode ✓", "__NDI__NaN__x", "line\nbreak"];

/** A random JSON-ish value where numbers may be non-finite; MATLAB's encoder writes those as tokens. */
function randomValue(next: () => number, depth: number): unknown {
  const kind = Math.floor(next() * (depth > 3 ? 4 : 6));
  switch (kind) {
    case 0:
      return next() < 0.3 ? NON_FINITE[Math.floor(next() * 3)] : (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
    case 1:
      return AWKWARD_STRINGS[Math.floor(next() * AWKWARD_STRINGS.length)];
    case 2:
      return next() < 0.5 ? null : next() < 0.5;
    case 3:
      return Math.floor((next() - 0.5) * 1e9);
    case 4:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 4) }, (_, i) => [`${AWKWARD_STRINGS[i % AWKWARD_STRINGS.length]}k${i}`, randomValue(next, depth + 1)]),
      );
  }
}

/** MATLAB's jsonencode(..., 'ConvertInfAndNaN', false): non-finite numbers as bare tokens. */
function matlabEncode(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return `[${value.map(matlabEncode).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.entries(value).map(([key, inner]) => `${JSON.stringify(key)}:${matlabEncode(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** What Python's json.loads (and MATLAB's jsondecode) make of the bare tokens. */
function parseWithTokens(text: string): unknown {
  const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (token) => (token.startsWith('"') ? token : `"\\u0000${token}"`));
  return JSON.parse(marked, (_, value) => (typeof value === "string" && value.startsWith("\u0000") ? Number(value.slice(1)) : value));
}

/** The clients' rehydration of sentinel strings (PY rehydrateJSONNanNull). */
function rehydrate(text: string): unknown {
  const sentinels = Object.values(NON_FINITE_SENTINELS);
  return JSON.parse(text, (_, value) => (sentinels.includes(value) ? Number(value.replace(/__NDI__|__$/g, "")) : value));
}

describe("round trip of random documents", () => {
  for (let seed = 1; seed <= 200; seed++) {
    it(`seed ${seed}: what a client reads back equals what it stored, in both encodings`, () => {
      const document = { base: { id: `doc-${seed}` }, payload: randomValue(seededRandom(seed), 0) };
      const strict = toStrictJson(matlabEncode(document));
      expect(rehydrate(strict)).toEqual(document);
      expect(parseWithTokens(withBareNonFiniteTokens(strict))).toEqual(document);
    });
  }
});
