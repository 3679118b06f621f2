import { createRouter } from "../../app/router.ts";
import * as handlers from "./files.handlers.ts";
import * as routes from "./files.routes.ts";

// The detail route first: `/datasets/{ds}/files/files/detail` (uid "files") would otherwise also
// fit the upload route's four segments.
export const filesRouter = createRouter()
  .openapi(routes.getFileDetail, handlers.getFileDetail)
  .openapi(routes.getFileUploadUrl, handlers.getFileUploadUrl);
