import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse } from "../../errors/api-error.ts";
import { jsonBody } from "../../middleware/json-body.ts";
import { userSchema } from "../users/user-profile.ts";
import { cognitoErrorResponse } from "./cognito-error.ts";

const tags = ["Auth"];
const email = z.string().trim().min(1).openapi({ example: "ada@example.org" });
const code = z.string().trim().min(1).openapi({ description: "The code from the e-mail", example: "123456" });
const secret = z.string().min(1);

const jsonRequest = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});
const ok = <T extends z.ZodType>(schema: T, description = "Done") => ({
  description,
  content: { "application/json": { schema } },
});
const invalidParameter = cognitoErrorResponse("InvalidParameterException: the body is missing a field");
const limitExceeded = cognitoErrorResponse("LimitExceededException: too many attempts from this address");

export const login = createRoute({
  method: "post",
  path: "/auth/login",
  tags,
  summary: "Log in with e-mail and password",
  description:
    "The token is the Supabase Auth access token (exp, iat, sub, email claims); clients never refresh it and log in again when it expires.",
  security: [],
  middleware: [jsonBody()] as const,
  request: jsonRequest(z.object({ email, password: secret })),
  responses: {
    200: ok(
      z.object({
        token: z.string(),
        expiresIn: z.number().int().openapi({ description: "Seconds until the token expires" }),
        user: userSchema,
      }),
      "Logged in",
    ),
    400: cognitoErrorResponse("UserNotConfirmedException, or InvalidParameterException"),
    401: cognitoErrorResponse("NotAuthorizedException: unknown e-mail or wrong password (indistinguishable)"),
    429: limitExceeded,
  },
});

export const logout = createRoute({
  method: "post",
  path: "/auth/logout",
  tags,
  summary: "End the session of the bearer token",
  description: "The token stops working at once. Any body is ignored.",
  responses: {
    200: ok(z.object({ message: z.string() }), "Logged out"),
    401: errorResponse("No token, or a token that is not valid any more"),
  },
});

export const verify = createRoute({
  method: "post",
  path: "/auth/verify",
  tags,
  summary: "Confirm a new account with the code from the sign-up e-mail",
  description: "Needs no token; a token sent along is ignored (MATLAB sends one).",
  security: [],
  middleware: [jsonBody()] as const,
  request: jsonRequest(z.object({ email, confirmationCode: code })),
  responses: {
    200: ok(z.object({ id: z.string(), email: z.string(), isValidated: z.literal(true) }), "The address is confirmed"),
    400: cognitoErrorResponse("ExpiredCodeException (wrong or expired code), or InvalidParameterException"),
    429: limitExceeded,
  },
});

export const resendConfirmation = createRoute({
  method: "post",
  path: "/auth/confirmation/resend",
  tags,
  summary: "Send the sign-up confirmation e-mail again",
  description: "Answers the same whether or not the address has a pending sign-up.",
  security: [],
  middleware: [jsonBody()] as const,
  request: jsonRequest(z.object({ email })),
  responses: {
    200: ok(z.object({ confirmationResent: z.literal(true) })),
    400: invalidParameter,
    429: limitExceeded,
  },
});

export const changePassword = createRoute({
  method: "post",
  path: "/auth/password",
  tags,
  summary: "Change the password of the logged-in user",
  description: "Checks the current password first. The caller's token keeps working; the user's other sessions end.",
  middleware: [jsonBody()] as const,
  request: jsonRequest(z.object({ oldPassword: secret, newPassword: secret })),
  responses: {
    200: ok(z.object({ message: z.string() }), "Password changed"),
    400: cognitoErrorResponse("NotAuthorizedException (current password wrong), InvalidPasswordException, InvalidParameterException"),
    401: errorResponse("No token, or a token that is not valid any more"),
    429: limitExceeded,
  },
});

export const forgotPassword = createRoute({
  method: "post",
  path: "/auth/password/forgot",
  tags,
  summary: "E-mail a password reset code",
  description: "Answers the same whether or not the address has an account. A token sent along is ignored (MATLAB sends one).",
  security: [],
  middleware: [jsonBody()] as const,
  request: jsonRequest(z.object({ email })),
  responses: {
    200: ok(
      z.object({
        CodeDeliveryDetails: z.object({
          Destination: z.string().openapi({ example: "a***@e***.org" }),
          DeliveryMedium: z.literal("EMAIL"),
          AttributeName: z.literal("email"),
        }),
      }),
      "A code was sent if the account exists",
    ),
    400: invalidParameter,
    429: limitExceeded,
  },
});

export const confirmPassword = createRoute({
  method: "post",
  path: "/auth/password/confirm",
  tags,
  summary: "Set a new password with the code from the reset e-mail",
  description: "Every session of the user ends. A weak new password uses the code up: request a new one.",
  security: [],
  middleware: [jsonBody()] as const,
  request: jsonRequest(z.object({ email, confirmationCode: code, newPassword: secret })),
  responses: {
    200: ok(z.object({ message: z.string(), code: z.literal("Success!") }), "Password reset"),
    400: cognitoErrorResponse("ExpiredCodeException, InvalidPasswordException or InvalidParameterException"),
    429: limitExceeded,
  },
});

/** Routes that treat every caller as anon, whatever token comes along (contract 12.10). */
export const tokenIgnoringRoutes = [login, verify, resendConfirmation, forgotPassword, confirmPassword];
