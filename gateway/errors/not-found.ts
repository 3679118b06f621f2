// The not-found messages several areas answer with, so a missing dataset reads the same whichever
// route (datasets, documents, files, bulk uploads) the client asked.
export const DATASET_NOT_FOUND = "Dataset not found";
export const DOCUMENT_NOT_FOUND = "Document not found";
