// ban_duration accepts Go durations, as GoTrue parses them with time.ParseDuration.
import { describe, expect, it } from "vitest";
import { parseGoDuration } from "../../embedded/auth/go-duration.ts";

describe("parseGoDuration", () => {
  it("reads single and compound units into milliseconds", () => {
    expect(parseGoDuration("24h")).toBe(24 * 3_600_000);
    expect(parseGoDuration("1h30m")).toBe(90 * 60_000);
    expect(parseGoDuration("1.5h")).toBe(90 * 60_000);
    expect(parseGoDuration("300ms")).toBe(300);
    expect(parseGoDuration("2s500ms")).toBe(2500);
    expect(parseGoDuration("1500us")).toBe(1.5);
  });

  it("keeps the sign and accepts a bare zero", () => {
    expect(parseGoDuration("-1h")).toBe(-3_600_000);
    expect(parseGoDuration("+10m")).toBe(600_000);
    expect(parseGoDuration("0")).toBe(0);
  });

  it("rejects what Go rejects", () => {
    for (const text of ["", "24", "1d", "h", "forever", "1h 30m", "--1h", "none"]) {
      expect(parseGoDuration(text), text).toBeUndefined();
    }
  });
});
