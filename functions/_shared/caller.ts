// Who invoked the function: the claims of the bearer JWT. The Functions relay has already checked
// its signature and expiry (verify_jwt = true, the default), so decoding is enough here. In a
// function deployed with verify_jwt = false anyone can forge these claims: never trust them there.

export interface CallerClaims {
  role?: string;
  sub?: string;
  email?: string;
  [claim: string]: unknown;
}

export function callerClaims(request: Request): CallerClaims | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  const payload = token?.split(".")[1];
  if (!payload) return undefined;
  try {
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (char) => char.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === "object" ? (claims as CallerClaims) : undefined;
  } catch {
    return undefined;
  }
}
