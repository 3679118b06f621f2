// Where a dataset's files live in the ndi-data bucket: `<datasetId>/<encoded uid>`. Uids are any
// client string (contract 3.1), object keys are not: Storage accepts few characters, `/` would make
// folders and `..` would escape them. Ids made of [A-Za-z0-9_-] (every NDI uid) are used as they
// are, so keys stay readable; any other uid becomes `b64.` + its UTF-8 in base64url. The two forms
// cannot collide (a plain key never contains `.`), and neither contains `/`, `.` or `..` segments.
import { randomUUID } from "node:crypto";

const PLAIN_UID = /^[A-Za-z0-9_-]+$/;
const ENCODED_PREFIX = "b64.";
// Storage's limit on a whole key, less `<24-hex dataset id>/`.
const MAX_OBJECT_KEY_BYTES = 1024;
const DATASET_FOLDER_LENGTH = 25;

export function encodeUid(uid: string): string {
  return PLAIN_UID.test(uid) ? uid : ENCODED_PREFIX + Buffer.from(uid, "utf8").toString("base64url");
}

/** A uid the store can hold: non-empty, well-formed Unicode, and short enough once encoded. */
export function isStorableUid(uid: string): boolean {
  return uid.length > 0 && isWellFormed(uid) && encodeUid(uid).length <= MAX_OBJECT_KEY_BYTES - DATASET_FOLDER_LENGTH;
}

// A lone surrogate would encode to U+FFFD and collide with other uids.
function isWellFormed(text: string): boolean {
  return Buffer.from(text, "utf8").toString("utf8") === text;
}

export function fileObjectKey(datasetId: string, uid: string): string {
  return `${datasetId}/${encodeUid(uid)}`;
}

/** The subfolder each kind of bulk upload's zips land in: the storage trigger that starts the job goes by it. */
export type BulkUploadFolder = "bulk-uploads" | "document-uploads";

/** A fresh key for a bulk-upload zip: in the dataset's folder (so Storage's policies apply) but in a subfolder, never a file. */
export function bulkUploadObjectKey(datasetId: string, folder: BulkUploadFolder): string {
  return `${datasetId}/${folder}/${randomUUID()}.zip`;
}
