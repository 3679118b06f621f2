// R24–R26 run in the publish-dataset Edge Function (functions/publish-dataset), invoked with the
// caller's own token so that the function acts as the caller. Its refusals (400/401/403/404 with
// the /v1 envelope) reach the client unchanged; anything else is a failure of ours.
import { FunctionsHttpError } from "@supabase/supabase-js";
import type { SupabaseClient } from "@supabase/supabase-js";
import { ApiError, errorEnvelopeSchema, httpErrors } from "../../errors/api-error.ts";
import { publishResultSchema, type PublishResult } from "./datasets.schemas.ts";

export type PublishAction = PublishResult["action"];

const PASSED_ON = new Set([400, 401, 403, 404]);

export async function invokePublishFunction(
  supabase: SupabaseClient,
  datasetId: string,
  action: PublishAction,
): Promise<PublishResult> {
  const { data, error } = await supabase.functions.invoke("publish-dataset", { body: { datasetId, action } });
  if (error instanceof FunctionsHttpError) throw await refusalOf(error.context as Response);
  if (error) throw httpErrors.serviceUnavailable("The publishing service did not answer; try again");
  return publishResultSchema.parse(data);
}

async function refusalOf(response: Response): Promise<ApiError> {
  const body = errorEnvelopeSchema.safeParse(await response.json().catch(() => undefined));
  if (!PASSED_ON.has(response.status) || !body.success) {
    return httpErrors.internal(new Error(`publish-dataset answered ${response.status}`));
  }
  return new ApiError(response.status as 400 | 401 | 403 | 404, body.data.message, { code: body.data.code });
}
