// The per-client token buckets behind 429 over_request_rate_limit.
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../embedded/auth/rate-limit.ts";

describe("RateLimiter", () => {
  it("lets a client burst up to the limit, then refuses", () => {
    const limiter = new RateLimiter(3, 300);
    const now = 1_000_000;
    expect([1, 2, 3, 4].map(() => limiter.take("a", now))).toEqual([true, true, true, false]);
  });

  it("keeps clients apart", () => {
    const limiter = new RateLimiter(1, 300);
    expect(limiter.take("a", 0)).toBe(true);
    expect(limiter.take("a", 0)).toBe(false);
    expect(limiter.take("b", 0)).toBe(true);
  });

  it("refills at limit per window", () => {
    const limiter = new RateLimiter(30, 300); // one request every 10 s
    for (let i = 0; i < 30; i += 1) limiter.take("a", 0);
    expect(limiter.take("a", 9_000)).toBe(false);
    expect(limiter.take("a", 10_500)).toBe(true);
    expect(limiter.take("a", 10_600)).toBe(false);
    // A long pause refills the bucket, but never beyond the limit.
    const later = 1_000_000;
    expect(Array.from({ length: 31 }, () => limiter.take("a", later)).filter(Boolean)).toHaveLength(30);
  });
});
