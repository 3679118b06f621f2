import { createRouter } from "../../app/router.ts";
import * as handlers from "./auth.handlers.ts";
import * as routes from "./auth.routes.ts";
import { cognitoValidationHook } from "./cognito-error.ts";

export const authRouter = createRouter()
  .openapi(routes.login, handlers.login, cognitoValidationHook)
  .openapi(routes.logout, handlers.logout)
  .openapi(routes.verify, handlers.verify, cognitoValidationHook)
  .openapi(routes.resendConfirmation, handlers.resendConfirmation, cognitoValidationHook)
  .openapi(routes.changePassword, handlers.changePassword, cognitoValidationHook)
  .openapi(routes.forgotPassword, handlers.forgotPassword, cognitoValidationHook)
  .openapi(routes.confirmPassword, handlers.confirmPassword, cognitoValidationHook);

export { tokenIgnoringRoutes } from "./auth.routes.ts";
