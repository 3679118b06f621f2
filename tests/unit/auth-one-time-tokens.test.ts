// E-mailed codes and the hashes stored for them, as GoTrue computes them.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isExpired, newOneTimeToken, secondsUntilResendAllowed, tokenHash } from "../../embedded/auth/one-time-tokens.ts";

describe("one-time tokens", () => {
  it("stores hex sha224 of address + code", () => {
    expect(tokenHash("ada@example.org", "123456")).toBe(
      createHash("sha224").update("ada@example.org123456").digest("hex"),
    );
    const token = newOneTimeToken("ada@example.org", 6);
    expect(token.otp).toMatch(/^\d{6}$/);
    expect(token.hash).toBe(tokenHash("ada@example.org", token.otp));
    expect(newOneTimeToken("ada@example.org", 8).otp).toMatch(/^\d{8}$/);
  });

  it("expires otp_expiry seconds after sending", () => {
    expect(isExpired(new Date(Date.now() - 59_000), 60)).toBe(false);
    expect(isExpired(new Date(Date.now() - 61_000), 60)).toBe(true);
    expect(isExpired(null, 60)).toBe(true);
  });

  it("counts the seconds left before another mail may be sent", () => {
    expect(secondsUntilResendAllowed(null, 60)).toBe(0);
    expect(secondsUntilResendAllowed(new Date(Date.now() - 61_000), 60)).toBe(0);
    expect(secondsUntilResendAllowed(new Date(Date.now() - 30_500), 60)).toBe(29);
    expect(secondsUntilResendAllowed(new Date(), 0.5)).toBe(1);
  });
});
