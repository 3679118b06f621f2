import { createRouter } from "../../app/router.ts";
import * as handlers from "./organizations.handlers.ts";
import * as routes from "./organizations.routes.ts";

export const organizationsRouter = createRouter()
  .openapi(routes.listOrganizationDatasets, handlers.listOrganizationDatasets)
  .openapi(routes.createDataset, handlers.createDataset);
