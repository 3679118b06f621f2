import type { AppRouteHandler } from "../../app/types.ts";
import { ApiError } from "../../errors/api-error.ts";
import { requireSignedIn } from "../auth/signed-in.ts";
import type * as routes from "./vendor.routes.ts";

const NO_LICENCE_INSTRUCTIONS =
  "This NDI Cloud deployment runs no MATLAB compute, so it keeps no MATLAB licences. Use your licence on your own machine.";

export const getMatlabLicense: AppRouteHandler<typeof routes.getMatlabLicense> = (c) => {
  requireSignedIn(c);
  return c.json(
    { mode: null, eniId: null, macAddress: null, subnetId: null, registeredAt: null, files: [], instructions: NO_LICENCE_INSTRUCTIONS },
    200,
  );
};

export const clearMatlabLicense: AppRouteHandler<typeof routes.clearMatlabLicense> = (c) => {
  requireSignedIn(c);
  return c.body(null, 204);
};

export const notOffered = (feature: string) => (): never => {
  throw new ApiError(501, `${feature} are not offered by this deployment`, { code: "not_implemented" });
};
