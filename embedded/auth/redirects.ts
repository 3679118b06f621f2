// Where e-mail links and /verify may send the browser: GoTrue's rules, so that an attacker cannot
// turn a confirmation link into a token leak to their own site. Anything else falls back to site_url.
import { isIP } from "node:net";

export interface RedirectSettings {
  site_url: string;
  additional_redirect_urls?: string[];
}

export function resolveRedirect(settings: RedirectSettings, requested: string | undefined): string {
  return requested && isAllowedRedirect(settings, requested) ? requested : settings.site_url;
}

export function isAllowedRedirect(settings: RedirectSettings, candidate: string): boolean {
  let site: URL;
  let target: URL;
  try {
    site = new URL(settings.site_url);
    target = new URL(candidate);
  } catch {
    return false;
  }
  const hostname = target.hostname.replace(/^\[|\]$/g, "");
  // Back to the site itself; on loopback any port (native apps pick theirs, RFC 8252 §7.3).
  if (target.hostname === site.hostname && target.protocol === site.protocol) {
    if (target.port === site.port || isLoopbackHost(hostname)) return true;
  }
  // URL() has already turned decimal or hex IPv4 spellings into dotted form.
  if (isIP(hostname)) return isLoopbackHost(hostname);
  const withoutFragment = candidate.split("#")[0]!;
  return (settings.additional_redirect_urls ?? []).some((pattern) => globMatches(pattern, withoutFragment));
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || hostname.startsWith("127.");
}

/** GoTrue's allow-list globs: `*` stays within one host label or path segment, `**` crosses them. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^./]*"),
    )
    .join(".*");
  return new RegExp(`^${source}$`).test(value);
}
