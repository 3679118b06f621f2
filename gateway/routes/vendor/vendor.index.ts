import { createRouter } from "../../app/router.ts";
import * as handlers from "./vendor.handlers.ts";
import * as routes from "./vendor.routes.ts";

const router = createRouter()
  .openapi(routes.getMatlabLicense, handlers.getMatlabLicense)
  .openapi(routes.clearMatlabLicense, handlers.clearMatlabLicense)
  .openapi(routes.datasetSearchNotOffered, handlers.notOffered("Dataset searches"));
for (const route of routes.matlabLicenseNotOffered) router.openapi(route, handlers.notOffered("MATLAB licences"));
for (const route of routes.computeNotOffered) router.openapi(route, handlers.notOffered("Cloud compute pipelines"));

/** Must come before the datasets router: POST /datasets/search would otherwise be POST /datasets/{datasetId}. */
export const vendorRouter = router;
