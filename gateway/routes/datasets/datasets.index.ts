import { createRouter } from "../../app/router.ts";
import * as handlers from "./datasets.handlers.ts";
import * as routes from "./datasets.routes.ts";

// The literal lists first: /datasets/published must never reach /datasets/{datasetId}.
export const datasetsRouter = createRouter()
  .openapi(routes.listPublished, handlers.listPublished)
  .openapi(routes.listUnpublished, handlers.listUnpublished)
  .openapi(routes.listDeleted, handlers.listDeleted)
  .openapi(routes.getDataset, handlers.getDataset)
  .openapi(routes.updateDataset, handlers.updateDataset)
  .openapi(routes.deleteDataset, handlers.deleteDataset)
  .openapi(routes.undeleteDataset, handlers.undeleteDataset)
  .openapi(routes.submitDataset, handlers.submitDataset)
  .openapi(routes.publishDataset, handlers.publishDataset)
  .openapi(routes.unpublishDataset, handlers.unpublishDataset)
  .openapi(routes.branchDataset, handlers.branchDataset)
  .openapi(routes.listBranches, handlers.listBranches);
