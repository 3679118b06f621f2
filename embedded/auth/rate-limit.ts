// Per-client request limits, kept in memory as GoTrue keeps them (tollbooth token buckets): a
// client may burst up to `limit` requests, and the allowance refills at `limit` per window.
const MAX_TRACKED_CLIENTS = 10_000;

interface Bucket {
  tokens: number;
  refilledAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    private readonly limit: number,
    windowSeconds: number,
  ) {
    this.refillPerMs = limit / (windowSeconds * 1000);
  }

  /** Counts one request from `client`; false when its allowance is used up. */
  take(client: string, now = Date.now()): boolean {
    const bucket = this.current(client, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private current(client: string, now: number): Bucket {
    const bucket = this.buckets.get(client);
    if (bucket) {
      bucket.tokens = Math.min(this.limit, bucket.tokens + (now - bucket.refilledAt) * this.refillPerMs);
      bucket.refilledAt = now;
      return bucket;
    }
    if (this.buckets.size >= MAX_TRACKED_CLIENTS) this.forgetIdleClients();
    const fresh = { tokens: this.limit, refilledAt: now };
    this.buckets.set(client, fresh);
    return fresh;
  }

  /** A client whose bucket would be full again is indistinguishable from a new one. */
  private forgetIdleClients(): void {
    const now = Date.now();
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.refilledAt) * this.refillPerMs >= this.limit) this.buckets.delete(client);
    }
  }
}

const FIVE_MINUTES = 5 * 60;

/** The limiters of one Auth server, from [auth.rate_limit] (all per client IP, per 5 minutes). */
export function createRateLimits(settings: { sign_in_sign_ups: number; token_refresh: number; token_verifications: number }) {
  return {
    signIn: new RateLimiter(settings.sign_in_sign_ups, FIVE_MINUTES),
    tokenRefresh: new RateLimiter(settings.token_refresh, FIVE_MINUTES),
    verify: new RateLimiter(settings.token_verifications, FIVE_MINUTES),
    // GoTrue gives each e-mail sending endpoint its own bucket with the same (OTP) allowance.
    signup: new RateLimiter(settings.sign_in_sign_ups, FIVE_MINUTES),
    recover: new RateLimiter(settings.sign_in_sign_ups, FIVE_MINUTES),
    resend: new RateLimiter(settings.sign_in_sign_ups, FIVE_MINUTES),
    userUpdate: new RateLimiter(settings.sign_in_sign_ups, FIVE_MINUTES),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
