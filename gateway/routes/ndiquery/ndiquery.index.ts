import { createRouter } from "../../app/router.ts";
import * as handlers from "./ndiquery.handlers.ts";
import * as routes from "./ndiquery.routes.ts";

export const ndiqueryRouter = createRouter().openapi(routes.ndiquery, handlers.ndiquery);
