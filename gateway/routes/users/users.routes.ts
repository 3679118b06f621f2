import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse } from "../../errors/api-error.ts";
import { jsonBody } from "../../middleware/json-body.ts";
import { cognitoErrorResponse } from "../auth/cognito-error.ts";
import { userOrganizationSchema, userSchema } from "./user-profile.ts";

const tags = ["Users"];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const signUp = createRoute({
  method: "post",
  path: "/users",
  tags,
  summary: "Sign up",
  description:
    "Creates the account and e-mails a confirmation code (POST /auth/verify). Confirming the address gives the user a personal organization they own, so they can log in and upload at once.",
  security: [],
  middleware: [jsonBody()] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            email: z.string().trim().min(1).openapi({ example: "ada@example.org" }),
            name: z.string().trim().optional(),
            password: z.string().min(1),
          }),
        },
      },
    },
  },
  responses: {
    200: json(
      z
        .object({
          id: z.string(),
          email: z.string(),
          name: z.string(),
          isValidated: z.boolean().openapi({ description: "False until the e-mailed code is confirmed" }),
          organizations: z.array(userOrganizationSchema),
        })
        .openapi("SignedUpUser"),
      "Signed up",
    ),
    400: cognitoErrorResponse("UsernameExistsException, InvalidPasswordException or InvalidParameterException"),
    429: cognitoErrorResponse("LimitExceededException: too many sign-ups from this address"),
  },
});

export const me = createRoute({
  method: "get",
  path: "/users/me",
  tags,
  summary: "The logged-in user and their organizations",
  responses: {
    200: json(userSchema, "The caller"),
    401: errorResponse("No token, or a token that is not valid any more"),
  },
});

export const getUser = createRoute({
  method: "get",
  path: "/users/{userId}",
  tags,
  summary: "A user the caller may see",
  description: "Yourself, members of your organizations, or anyone for platform admins; anyone else is not found.",
  request: { params: z.object({ userId: z.string().openapi({ example: "0b6c1f9e-8a52-4d3e-9d3a-5f3e2b1a7c44" }) }) },
  responses: {
    200: json(userSchema, "The user"),
    401: errorResponse("No token, or a token that is not valid any more"),
    404: errorResponse("No such user, or one the caller may not see"),
  },
});

/** Sign-up serves everyone as anon, whatever token comes along. */
export const tokenIgnoringRoutes = [signUp];
