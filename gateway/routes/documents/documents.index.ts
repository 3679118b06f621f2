import { createRouter } from "../../app/router.ts";
import * as handlers from "./documents.handlers.ts";
import * as routes from "./documents.routes.ts";

// Literal segments (deleted, bulk-*) are registered before /documents/{documentId} (contract 2).
export const documentsRouter = createRouter()
  .openapi(routes.documentCount, handlers.documentCount)
  .openapi(routes.documentClassCounts, handlers.documentClassCounts)
  .openapi(routes.listDocuments, handlers.listDocuments)
  .openapi(routes.addDocument, handlers.addDocument)
  .openapi(routes.listDeletedDocuments, handlers.listDeletedDocuments)
  .openapi(routes.bulkDeleteDocuments, handlers.bulkDeleteDocuments)
  .openapi(routes.bulkFetchDocuments, handlers.bulkFetchDocuments)
  .openapi(routes.bulkUploadDocuments, handlers.bulkUploadDocuments)
  .openapi(routes.bulkDownloadDocuments, handlers.bulkDownloadDocuments)
  .openapi(routes.documentDownload, handlers.documentDownload)
  .openapi(routes.getDocument, handlers.getDocument)
  .openapi(routes.replaceDocument, handlers.replaceDocument)
  .openapi(routes.replaceDocumentPut, handlers.replaceDocument)
  .openapi(routes.deleteDocument, handlers.deleteDocument);
