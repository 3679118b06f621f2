// The NDI client's network address, passed on to Supabase Auth so that its per-address rate limits
// (sign-in, sign-up, recovery mails) count each client, not the gateway. X-Forwarded-For counts only
// from a loopback peer (a local proxy), so a remote client cannot choose its own rate-limit key.
import { isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

export function clientAddress(c: Context): string | undefined {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    return undefined; // in-process requests (app.request) have no connection
  }
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  const address = forwarded && peer && isLoopback(peer) && isIP(forwarded) ? forwarded : peer;
  return address && isIP(address) ? address : undefined;
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
