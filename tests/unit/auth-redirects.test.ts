// Which redirect_to values the Auth server honours; everything else falls back to site_url.
import { describe, expect, it } from "vitest";
import { isAllowedRedirect, resolveRedirect } from "../../embedded/auth/redirects.ts";

const settings = {
  site_url: "https://app.example.org",
  additional_redirect_urls: ["https://*.example.org/callback", "https://preview.example.net/**", "myapp://auth"],
};

describe("redirect allow-list", () => {
  it("allows the site itself, any path", () => {
    expect(isAllowedRedirect(settings, "https://app.example.org/welcome?x=1")).toBe(true);
    expect(isAllowedRedirect(settings, "http://app.example.org/")).toBe(false);
    expect(isAllowedRedirect(settings, "https://app.example.org:8443/")).toBe(false);
  });

  it("allows loopback addresses on any port", () => {
    expect(isAllowedRedirect(settings, "http://127.0.0.1:5173/cb")).toBe(true);
    expect(isAllowedRedirect(settings, "http://[::1]:8080/")).toBe(true);
    expect(isAllowedRedirect({ site_url: "http://localhost:3000" }, "http://localhost:4000/")).toBe(true);
  });

  it("refuses other IP addresses, however they are spelled", () => {
    expect(isAllowedRedirect(settings, "http://10.0.0.1/")).toBe(false);
    expect(isAllowedRedirect(settings, "http://167772161/")).toBe(false); // 10.0.0.1
    expect(isAllowedRedirect(settings, "http://0x0a000001/")).toBe(false);
    expect(isAllowedRedirect(settings, "http://[fe80::1]/")).toBe(false);
  });

  it("matches allow-list globs: * within a label or segment, ** across", () => {
    expect(isAllowedRedirect(settings, "https://staging.example.org/callback")).toBe(true);
    expect(isAllowedRedirect(settings, "https://a.b.example.org/callback")).toBe(false);
    expect(isAllowedRedirect(settings, "https://staging.example.org/callback/more")).toBe(false);
    expect(isAllowedRedirect(settings, "https://preview.example.net/a/b/c")).toBe(true);
    expect(isAllowedRedirect(settings, "myapp://auth#fragment-is-ignored")).toBe(true);
  });

  it("refuses everything else, and unparsable URLs", () => {
    expect(isAllowedRedirect(settings, "https://attacker.example.com/")).toBe(false);
    expect(isAllowedRedirect(settings, "https://app.example.org.attacker.com/")).toBe(false);
    expect(isAllowedRedirect(settings, "not a url")).toBe(false);
  });

  it("resolves to site_url when nothing or something disallowed is asked for", () => {
    expect(resolveRedirect(settings, undefined)).toBe("https://app.example.org");
    expect(resolveRedirect(settings, "https://attacker.example.com/")).toBe("https://app.example.org");
    expect(resolveRedirect(settings, "http://127.0.0.1:3000/x")).toBe("http://127.0.0.1:3000/x");
  });
});
