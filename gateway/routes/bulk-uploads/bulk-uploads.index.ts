import { createRouter } from "../../app/router.ts";
import * as handlers from "./bulk-uploads.handlers.ts";
import * as routes from "./bulk-uploads.routes.ts";

// Mounted before the files router: `/files/bulk` must win over `/files/{uid}` (contract 2).
export const bulkUploadsRouter = createRouter()
  .openapi(routes.getBulkUploadUrl, handlers.bulkUploadUrl)
  .openapi(routes.postBulkUploadUrl, handlers.bulkUploadUrl)
  .openapi(routes.getBulkUpload, handlers.getBulkUpload)
  .openapi(routes.listBulkUploads, handlers.listBulkUploads);
