import postgres from "postgres";
import type { AppRouteHandler } from "../../app/types.ts";
import { mapDatabaseErrors } from "../../db/errors.ts";
import {
  compileSearch,
  indexedConditions,
  NdiQueryError,
  parseSearchStructure,
  regularExpressions,
  type SearchNode,
} from "../../documents/ndiquery.ts";
import { httpErrors } from "../../errors/api-error.ts";
import type { DocumentSummaryRow } from "../documents/documents.queries.ts";
import type { NdiqueryRoute } from "./ndiquery.routes.ts";

const INVALID_REGULAR_EXPRESSION = "2201B";

type Tx = postgres.TransactionSql;

export const ndiquery: AppRouteHandler<NdiqueryRoute> = async (c) => {
  const { scope, searchstructure } = c.req.valid("json");
  const { page, pageSize } = c.req.valid("query");
  const nodes = parseOrRefuse(searchstructure);
  const { total, documents } = await mapDatabaseErrors(
    () =>
      c.var.db(async (tx) => {
        await checkRegularExpressions(tx, nodes);
        return search(tx, scope, nodes, pageSize, (page - 1) * pageSize);
      }),
    {},
  );
  return c.json({ documents, number_matches: total, totalItems: total, page, pageSize }, 200);
};

function parseOrRefuse(searchstructure: unknown): SearchNode[] {
  try {
    return parseSearchStructure(searchstructure);
  } catch (error) {
    if (error instanceof NdiQueryError) throw httpErrors.badRequest(error.message, "invalid_query");
    throw error;
  }
}

/** Postgres's regex dialect decides what is valid; asking it first lets the error name the clause. */
async function checkRegularExpressions(tx: Tx, nodes: readonly SearchNode[]): Promise<void> {
  for (const { pattern, where } of regularExpressions(nodes)) {
    try {
      await tx.savepoint((sp) => sp`select '' ~* ${pattern}`);
    } catch (error) {
      if (error instanceof postgres.PostgresError && error.code === INVALID_REGULAR_EXPRESSION) {
        throw httpErrors.badRequest(`${where}: not a valid regular expression (${error.message})`, "invalid_query");
      }
      throw error;
    }
  }
}

/**
 * One statement: the indexed part through public.find_document_ids (scope and read rule applied
 * there with the GIN indexes), the whole compiled condition on the rows RLS lets the caller read,
 * the total and one page in id order. Exported so that the benchmark can EXPLAIN it.
 */
export function searchStatement(tx: Tx, scope: string, nodes: readonly SearchNode[], limit: number, offset: number) {
  const indexed = indexedConditions(nodes);
  return tx<{ total: number; documents: DocumentSummaryRow[] }[]>`
    with matches as materialized (
      select d.id, d.ndi_id, d.name, d.class_name, d.dataset_id
      from public.documents d
      where d.id in (select public.find_document_ids(
              ${scope},
              ${indexed.classes.length ? indexed.classes : null}::text[],
              ${indexed.dependsOn.length ? JSON.stringify(indexed.dependsOn) : null}::text::jsonb,
              ${indexed.contains ? JSON.stringify(indexed.contains) : null}::text::jsonb))
        and ${compileSearch(tx, nodes)}
    )
    select (select count(*)::int from matches) as total,
           coalesce((select jsonb_agg(jsonb_build_object('id', m.id, '_id', m.id, 'ndiId', m.ndi_id, 'name', m.name,
                                                         'className', m.class_name, 'datasetId', m.dataset_id) order by m.id)
                     from (select * from matches order by id limit ${limit} offset ${offset}) as m), '[]') as documents`;
}

async function search(tx: Tx, scope: string, nodes: readonly SearchNode[], limit: number, offset: number) {
  const [row] = await searchStatement(tx, scope, nodes, limit, offset);
  return row!;
}
