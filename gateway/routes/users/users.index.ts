import { createRouter } from "../../app/router.ts";
import { cognitoValidationHook } from "../auth/cognito-error.ts";
import * as handlers from "./users.handlers.ts";
import * as routes from "./users.routes.ts";

// /users/me before /users/{userId} (contract 2, route-matching hazards).
export const usersRouter = createRouter()
  .openapi(routes.signUp, handlers.signUp, cognitoValidationHook)
  .openapi(routes.me, handlers.me)
  .openapi(routes.getUser, handlers.getUser);

export { tokenIgnoringRoutes } from "./users.routes.ts";
