// Range headers for Storage downloads.
import { describe, expect, it } from "vitest";
import { parseRangeHeader } from "../../embedded/storage/range.ts";

describe("parseRangeHeader", () => {
  it.each([
    ["bytes=0-9", 100, { start: 0, end: 9 }],
    ["bytes=90-", 100, { start: 90, end: 99 }],
    ["bytes=90-1000", 100, { start: 90, end: 99 }],
    ["bytes=-10", 100, { start: 90, end: 99 }],
    ["bytes=-1000", 100, { start: 0, end: 99 }],
    ["BYTES = 5 - 5", 100, { start: 5, end: 5 }],
  ])("serves %s of %i bytes", (header, size, range) => {
    expect(parseRangeHeader(header, size)).toEqual(range);
  });

  it.each([
    ["bytes=100-", 100],
    ["bytes=100-200", 100],
    ["bytes=9-3", 100],
    ["bytes=-0", 100],
    ["bytes=-", 100],
    ["bytes=a-b", 100],
    ["bytes=0-0", 0],
  ])("refuses %s of %i bytes", (header, size) => {
    expect(parseRangeHeader(header, size)).toBe("unsatisfiable");
  });

  it.each([[undefined], [""], ["items=0-9"], ["bytes=0-1,5-6"]])("ignores %s and serves everything", (header) => {
    expect(parseRangeHeader(header, 100)).toBeUndefined();
  });
});
