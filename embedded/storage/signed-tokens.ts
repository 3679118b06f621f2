// Signed URL tokens in Supabase Storage's format: HS256 JWTs signed with the project secret whose
// `url` claim binds them to one "<bucket>/<object name>" and whose `scope` to one action. The
// claims are checked in Supabase's order (signature, scope, path, expiry) so every tampering gives
// the same error as on hosted Supabase.
import { compactVerify, SignJWT } from "jose";
import { z } from "zod";
import { ERRORS } from "./errors.ts";

export type SignedUrlScope = "upload" | "download";

export interface UploadGrant {
  owner?: string;
  upsert: boolean;
  exp: number;
}

export interface DownloadGrant {
  exp: number;
}

const tokenClaims = z.object({
  url: z.string(),
  exp: z.number(),
  scope: z.enum(["upload", "download"]).optional(),
  owner: z.string().optional(),
  upsert: z.boolean().optional(),
});

export function objectUrl(bucketId: string, name: string): string {
  return `${bucketId}/${name}`;
}

function key(jwtSecret: string): Uint8Array {
  return new TextEncoder().encode(jwtSecret);
}

async function sign(jwtSecret: string, claims: Record<string, unknown>, expiresIn: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
    .sign(key(jwtSecret));
}

export function signDownloadToken(jwtSecret: string, url: string, expiresIn: number): Promise<string> {
  return sign(jwtSecret, { url, scope: "download" }, expiresIn);
}

export function signUploadToken(
  jwtSecret: string,
  url: string,
  grant: { owner?: string; upsert: boolean },
  expiresIn: number,
): Promise<string> {
  return sign(jwtSecret, { owner: grant.owner, url, upsert: grant.upsert, scope: "upload" }, expiresIn);
}

async function verify(jwtSecret: string, token: string | undefined, url: string, scope: SignedUrlScope) {
  if (!token) throw ERRORS.invalidJwt("Missing token");
  let claims: z.infer<typeof tokenClaims>;
  try {
    const { payload } = await compactVerify(token, key(jwtSecret), { algorithms: ["HS256"] });
    claims = tokenClaims.parse(JSON.parse(new TextDecoder().decode(payload)));
  } catch {
    throw ERRORS.invalidJwt();
  }
  // Tokens from before `scope` existed: only upload tokens carried `upsert`.
  const tokenScope = claims.scope ?? (claims.upsert === undefined ? "download" : "upload");
  if (tokenScope !== scope) throw ERRORS.invalidSignature(`Token is not scoped for ${scope}`);
  if (claims.url !== url) throw ERRORS.invalidSignature();
  if (claims.exp * 1000 < Date.now()) throw ERRORS.expiredToken();
  return claims;
}

export async function verifyDownloadToken(jwtSecret: string, token: string | undefined, url: string): Promise<DownloadGrant> {
  const { exp } = await verify(jwtSecret, token, url, "download");
  return { exp };
}

export async function verifyUploadToken(jwtSecret: string, token: string | undefined, url: string): Promise<UploadGrant> {
  const { exp, owner, upsert } = await verify(jwtSecret, token, url, "upload");
  return { exp, owner, upsert: upsert ?? false };
}
