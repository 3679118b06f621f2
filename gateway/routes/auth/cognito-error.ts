// The auth routes answer errors as the current (Cognito-backed) server does, because the clients and
// the data browser branch on the Cognito exception name in `code` (contract 3.5, R1–R8). `message`
// repeats the text for clients that read the /v1 envelope.
import { z } from "@hono/zod-openapi";
import type { AuthError } from "@supabase/supabase-js";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { ApiError, httpErrors } from "../../errors/api-error.ts";

export const cognitoErrorSchema = z
  .object({
    errors: z.string().openapi({ example: "Password does not conform to policy" }),
    message: z.string(),
    code: z.string().openapi({ example: "InvalidPasswordException" }),
  })
  .openapi("CognitoError");

export const cognitoErrorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: cognitoErrorSchema } },
});

export type CognitoCode =
  | "NotAuthorizedException"
  | "UserNotConfirmedException"
  | "UserNotFoundException"
  | "UsernameExistsException"
  | "InvalidPasswordException"
  | "InvalidParameterException"
  | "CodeMismatchException"
  | "ExpiredCodeException"
  | "LimitExceededException";

export class CognitoError extends ApiError {
  constructor(status: ContentfulStatusCode, code: CognitoCode, message: string) {
    super(status, message, { code });
  }

  override body(): Record<string, unknown> {
    return { errors: this.message, message: this.message, code: this.code };
  }
}

export const cognitoErrors = {
  // One answer for an unknown address and a wrong password, so callers cannot probe for accounts.
  invalidCredentials: () => new CognitoError(401, "NotAuthorizedException", "Unable to login: incorrect email or password"),
  wrongCurrentPassword: () => new CognitoError(400, "NotAuthorizedException", "Unable to authenticate: the current password is wrong"),
  invalidParameter: (message: string) => new CognitoError(400, "InvalidParameterException", message),
  usernameExists: () => new CognitoError(400, "UsernameExistsException", "An account with this email already exists"),
};

/** What a Supabase Auth refusal means to an NDI client; Auth outages stay logged 500s. */
export function cognitoErrorFromAuth(error: AuthError): ApiError {
  switch (error.code) {
    case "invalid_credentials":
    case "user_banned":
      return cognitoErrors.invalidCredentials();
    case "email_not_confirmed":
      return new CognitoError(400, "UserNotConfirmedException", "The email address has not been verified yet");
    case "weak_password":
    case "same_password":
      return new CognitoError(400, "InvalidPasswordException", `Password does not conform to policy: ${error.message}`);
    // Supabase Auth does not tell a wrong code from an expired one; either way a new code helps.
    case "otp_expired":
      return new CognitoError(400, "ExpiredCodeException", "The code is wrong or has expired; request a new one");
    case "over_request_rate_limit":
    case "over_email_send_rate_limit":
      return new CognitoError(429, "LimitExceededException", "Too many attempts; try again later");
    case "user_already_exists":
    case "email_exists":
      return cognitoErrors.usernameExists();
    case "user_not_found":
      return new CognitoError(400, "UserNotFoundException", "No such user");
    case "signup_disabled":
      return new CognitoError(400, "NotAuthorizedException", "Sign-up is disabled on this deployment");
    case "validation_failed":
    case "email_address_invalid":
      return cognitoErrors.invalidParameter(error.message);
    default:
      return httpErrors.internal(error);
  }
}

/** zod-openapi hook for the auth routes: a body that fails its schema is Cognito's InvalidParameterException. */
export function cognitoValidationHook(result: { success: boolean; error?: ZodError }): undefined {
  if (result.success || !result.error) return undefined;
  const issues = result.error.issues.map((issue) => `${["body", ...issue.path.map(String)].join(".")}: ${issue.message}`);
  throw cognitoErrors.invalidParameter(issues.join("; "));
}
