import type { AppRouteHandler } from "../../app/types.ts";
import { mapDatabaseErrors } from "../../db/errors.ts";
import { httpErrors } from "../../errors/api-error.ts";
import { DATASET_NOT_FOUND } from "../../errors/not-found.ts";
import { datasetIsVisible, findUploadedFile, prepareFileUpload } from "../../files/file-records.ts";
import { fileObjectKey } from "../../files/object-keys.ts";
import { signedDownloadUrl, signedUploadUrl } from "../../files/storage.ts";
import { rejectAnonymousCaller } from "../../middleware/require-user.ts";
import type { GetFileDetailRoute, GetFileUploadUrlRoute } from "./files.routes.ts";

export const getFileUploadUrl: AppRouteHandler<GetFileUploadUrlRoute> = async (c) => {
  rejectAnonymousCaller(c);
  const { datasetId, uid } = c.req.valid("param");
  const objectKey = fileObjectKey(datasetId, uid);
  await c.var.db(async (tx) => {
    if (!(await datasetIsVisible(tx, datasetId))) throw httpErrors.notFound(DATASET_NOT_FOUND);
    await mapDatabaseErrors(() => prepareFileUpload(tx, datasetId, uid, objectKey), { permissionDenied: "forbidden" });
  });
  return c.json({ url: await signedUploadUrl(c.var.supabaseAsCaller(), objectKey) }, 200);
};

export const getFileDetail: AppRouteHandler<GetFileDetailRoute> = async (c) => {
  const { datasetId, uid } = c.req.valid("param");
  const file = await c.var.db((tx) => findUploadedFile(tx, datasetId, uid));
  const downloadUrl = file && (await signedDownloadUrl(c.var.supabaseAsCaller(), file.objectKey));
  if (!file || !downloadUrl) throw httpErrors.notFound("File not found");
  return c.json(
    {
      uid: file.uid,
      datasetId: file.datasetId,
      downloadUrl,
      uploaded: true as const,
      size: file.size,
      eTag: file.eTag,
      sha256: file.sha256,
      contentType: file.contentType,
      uploadedAt: file.uploadedAt.toISOString(),
      sourceDatasetId: file.sourceDatasetId,
    },
    200,
  );
};
