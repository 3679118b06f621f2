// /health, /settings and /.well-known/jwks.json: what clients may learn about this server.
import { Hono } from "hono";
import type { AuthEnv, AuthServices } from "../context.ts";

// The external OAuth providers GoTrue lists in /settings; none is available in embedded mode.
const EXTERNAL_PROVIDERS = [
  "anonymous_users", "apple", "azure", "bitbucket", "discord", "facebook", "snapchat", "figma", "fly", "github",
  "gitlab", "google", "keycloak", "kakao", "linkedin", "linkedin_oidc", "notion", "spotify", "slack", "slack_oidc",
  "workos", "twitch", "twitter", "zoom",
];

export function publicRoutes({ settings }: AuthServices): Hono<AuthEnv> {
  return new Hono<AuthEnv>()
    .get("/health", (c) =>
      c.json({ version: "embedded", name: "GoTrue", description: "GoTrue-compatible Auth server of the embedded stack" }),
    )
    .get("/settings", (c) =>
      c.json({
        external: {
          ...Object.fromEntries(EXTERNAL_PROVIDERS.map((provider) => [provider, false])),
          email: true,
          phone: false,
        },
        disable_signup: !settings.enable_signup,
        mailer_autoconfirm: !settings.email.enable_confirmations,
        phone_autoconfirm: false,
        sms_provider: "",
        saml_enabled: false,
        saml_private_key_next_configured: false,
        passkeys_enabled: false,
      }),
    )
    // Tokens are HS256 with the project secret, which is never published: the set is empty.
    .get("/.well-known/jwks.json", (c) => c.json({ keys: [] }));
}
