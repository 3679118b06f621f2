// ndiquery (contract R41): the DID search structure, checked clause by clause and compiled into
// one parameterised SQL condition on `public.documents d`. Values and field paths are bound
// parameters (paths as text[] for `#>`); nothing from the request is spliced into SQL text.
// Semantics follow vlt.data.fieldsearch: a missing field never matches (so its negation does),
// regexp is case-insensitive, numeric comparisons hold for every element, and a single object
// counts as a one-element array (MATLAB collapses those).
import type postgres from "postgres";

type Sql = postgres.Sql | postgres.TransactionSql;
type Fragment = postgres.PendingQuery<postgres.Row[]>;

export const MAX_QUERY_DEPTH = 8;
export const MAX_QUERY_CLAUSES = 100;

/** A search structure the compiler refuses; the message names the clause (e.g. searchstructure[1].param1). */
export class NdiQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NdiQueryError";
  }
}

const FIELD_OPERATIONS = [
  "exact_string",
  "exact_string_anycase",
  "contains_string",
  "regexp",
  "exact_number",
  "lessthan",
  "lessthaneq",
  "greaterthan",
  "greaterthaneq",
  "hasfield",
  "hasmember",
  "hassize",
  "partial_struct",
  "hasanysubfield_contains_string",
  "hasanysubfield_exact_string",
] as const;
type FieldOperation = (typeof FIELD_OPERATIONS)[number];
const DOCUMENT_OPERATIONS = ["isa", "depends_on", "or"] as const;
type Operation = FieldOperation | (typeof DOCUMENT_OPERATIONS)[number];
const OPERATIONS = new Set<string>([...FIELD_OPERATIONS, ...DOCUMENT_OPERATIONS]);

export type SearchNode =
  | { negated: boolean; operation: FieldOperation; path: string[]; param1: unknown; param2: unknown; where: string }
  | { negated: boolean; operation: "isa"; className: string; where: string }
  | { negated: boolean; operation: "depends_on"; name: string; value: string; where: string }
  | { negated: false; operation: "or"; left: SearchNode[]; right: SearchNode[]; where: string };

/** The conditions the GIN indexes can answer first (public.find_document_ids); the full condition still applies. */
export interface IndexedConditions {
  classes: string[];
  dependsOn: { name?: string; value: string }[];
  contains: Record<string, unknown> | null;
}

// ---------------------------------------------------------------- parsing

/** `searchstructure`: one node object or an array of nodes (logical AND), as PY, ML and BFF send it. */
export function parseSearchStructure(input: unknown): SearchNode[] {
  const counter = { clauses: 0 };
  return parseNodes(input, "searchstructure", 1, counter);
}

function parseNodes(input: unknown, where: string, depth: number, counter: { clauses: number }): SearchNode[] {
  if (depth > MAX_QUERY_DEPTH) throw new NdiQueryError(`${where}: nested deeper than ${MAX_QUERY_DEPTH} levels`);
  if (Array.isArray(input)) return input.map((node, i) => parseNode(node, `${where}[${i}]`, depth, counter));
  return [parseNode(input, where, depth, counter)];
}

function parseNode(input: unknown, where: string, depth: number, counter: { clauses: number }): SearchNode {
  if (++counter.clauses > MAX_QUERY_CLAUSES) throw new NdiQueryError(`${where}: more than ${MAX_QUERY_CLAUSES} clauses`);
  if (!isPlainObject(input)) throw new NdiQueryError(`${where}: must be an object with field, operation, param1, param2`);
  const { field = "", operation, param1, param2 } = input;
  if (typeof operation !== "string") throw new NdiQueryError(`${where}.operation: must be a string`);
  const negated = operation.startsWith("~");
  const name = negated ? operation.slice(1) : operation;
  if (name === "or" && negated) throw new NdiQueryError(`${where}.operation: ~or is not supported; negate the clauses inside the or`);
  if (!OPERATIONS.has(name)) throw new NdiQueryError(`${where}.operation: unknown operation "${operation}"`);
  const op = name as Operation;

  if (op === "or") {
    return {
      negated: false,
      operation: "or",
      left: parseNodes(param1, `${where}.param1`, depth + 1, counter),
      right: parseNodes(param2, `${where}.param2`, depth + 1, counter),
      where,
    };
  }
  if (op === "isa") return { negated, operation: op, className: requireString(param1, `${where}.param1`), where };
  if (op === "depends_on") {
    return { negated, operation: op, name: requireString(param1, `${where}.param1`), value: requireString(param2, `${where}.param2`), where };
  }
  if (typeof field !== "string" || field.trim() === "") throw new NdiQueryError(`${where}.field: ${op} needs a field path such as base.name`);
  checkParams(op, param1, param2, where);
  return { negated, operation: op, path: field.split("."), param1, param2, where };
}

function checkParams(op: FieldOperation, param1: unknown, param2: unknown, where: string): void {
  switch (op) {
    case "exact_string":
    case "exact_string_anycase":
    case "contains_string":
    case "regexp":
      requireString(param1, `${where}.param1`);
      return;
    case "exact_number":
      numbers(param1, `${where}.param1`);
      return;
    case "lessthan":
    case "lessthaneq":
    case "greaterthan":
    case "greaterthaneq":
      singleNumber(param1, `${where}.param1`);
      return;
    case "hasmember":
      if (!isScalar(param1)) throw new NdiQueryError(`${where}.param1: must be a string, number or boolean`);
      return;
    case "hassize":
      sizeVector(param1, `${where}.param1`);
      return;
    case "partial_struct":
      if (!isPlainObject(param1)) throw new NdiQueryError(`${where}.param1: must be an object`);
      return;
    case "hasanysubfield_contains_string":
    case "hasanysubfield_exact_string":
      subfieldPairs(param1, param2, where);
      return;
    case "hasfield":
      return;
  }
}

// ---------------------------------------------------------------- compiling

/** The whole structure as one boolean SQL condition on `d` (always true or false, never NULL). */
export function compileSearch(sql: Sql, nodes: readonly SearchNode[]): Fragment {
  if (nodes.length === 0) return sql`true`;
  return nodes.map((node) => compileNode(sql, node)).reduce((all, next) => sql`${all} and ${next}`);
}

function compileNode(sql: Sql, node: SearchNode): Fragment {
  if (node.operation === "or") return sql`(${compileSearch(sql, node.left)} or ${compileSearch(sql, node.right)})`;
  const condition = sql`coalesce((${compileClause(sql, node)}), false)`;
  return node.negated ? sql`not ${condition}` : condition;
}

function compileClause(sql: Sql, node: Exclude<SearchNode, { operation: "or" }>): Fragment {
  if (node.operation === "isa") return sql`${node.className} = any (d.class_lineage)`;
  if (node.operation === "depends_on") return sql`d.depends_on @> ${jsonb([dependency(node)])}::text::jsonb`;
  const value = sql`(d.data #> ${node.path}::text[])`;
  const text = sql`(d.data #>> ${node.path}::text[])`;
  const isString = sql`jsonb_typeof(${value}) = 'string'`;
  /** The value as an array: a single value counts as a one-element array. */
  const elements = sql`(case when jsonb_typeof(${value}) = 'array' then ${value} else jsonb_build_array(${value}) end)`;
  const { param1, param2 } = node;
  switch (node.operation) {
    case "exact_string":
      return sql`${isString} and ${text} = ${param1 as string}`;
    case "exact_string_anycase":
      return sql`${isString} and lower(${text}) = lower(${param1 as string})`;
    case "contains_string":
      return sql`${isString} and strpos(${text}, ${param1 as string}) > 0`;
    case "regexp":
      return sql`${isString} and ${text} ~* ${param1 as string}`;
    case "exact_number":
      return sql`${value} is not null and ${elements} = ${jsonb(numbers(param1, node.where))}::text::jsonb`;
    case "lessthan":
      return everyNumber(sql, elements, sql`< ${String(singleNumber(param1, node.where))}::numeric`);
    case "lessthaneq":
      return everyNumber(sql, elements, sql`<= ${String(singleNumber(param1, node.where))}::numeric`);
    case "greaterthan":
      return everyNumber(sql, elements, sql`> ${String(singleNumber(param1, node.where))}::numeric`);
    case "greaterthaneq":
      return everyNumber(sql, elements, sql`>= ${String(singleNumber(param1, node.where))}::numeric`);
    case "hasfield":
      return sql`${value} is not null`;
    case "hasmember":
      return sql`${value} is not null and ${elements} @> ${jsonb([param1])}::text::jsonb`;
    case "hassize":
      return hasSize(sql, value, sizeVector(param1, node.where));
    case "partial_struct":
      return sql`jsonb_typeof(${value}) = 'object' and ${value} @> ${jsonb(param1)}::text::jsonb`;
    case "hasanysubfield_contains_string":
    case "hasanysubfield_exact_string": {
      const pairs = subfieldPairs(param1, param2, node.where);
      const match = pairs
        .map(([subfield, wanted]) => {
          const sub = sql`(element #>> ${subfield.split(".")}::text[])`;
          return node.operation === "hasanysubfield_exact_string"
            ? sql`jsonb_typeof(element #> ${subfield.split(".")}::text[]) = 'string' and ${sub} = ${wanted}`
            : sql`jsonb_typeof(element #> ${subfield.split(".")}::text[]) = 'string' and strpos(${sub}, ${wanted}) > 0`;
        })
        .reduce((all, next) => sql`${all} and ${next}`);
      return sql`${value} is not null and exists (select 1 from jsonb_array_elements(${elements}) as element where ${match})`;
    }
  }
}

/** Every element is a number (NaN/Infinity sentinels included, NaN never compares) satisfying the comparison. */
function everyNumber(sql: Sql, elements: Fragment, comparison: Fragment): Fragment {
  return sql`(select bool_and(coalesce(public.ndi_numeric(e) <> 'NaN' and public.ndi_numeric(e) ${comparison}, false))
              from jsonb_array_elements(${elements}) as e)`;
}

/** MATLAB's size(): a scalar is [1 1], a list of n values [1 n] (or [n 1]), a list of n lists of m [n m]. */
function hasSize(sql: Sql, value: Fragment, size: number[]): Fragment {
  const dims = size.length === 1 ? [1, size[0]!] : size;
  const [rows, columns] = [dims[0]!, dims[1]!];
  if (dims.length > 2) return sql`false`;
  if (rows === 1 && columns === 1) return sql`jsonb_typeof(${value}) not in ('array', 'object') or (jsonb_typeof(${value}) = 'array' and jsonb_array_length(${value}) = 1)`;
  if (rows === 1 || columns === 1) {
    return sql`jsonb_typeof(${value}) = 'array' and jsonb_array_length(${value}) = ${rows * columns}
               and jsonb_typeof(${value} -> 0) <> 'array'`;
  }
  return sql`jsonb_typeof(${value}) = 'array' and jsonb_array_length(${value}) = ${rows}
             and jsonb_typeof(${value} -> 0) = 'array' and jsonb_array_length(${value} -> 0) = ${columns}`;
}

/** The AND-ed top-level clauses public.find_document_ids can answer from its GIN indexes. */
export function indexedConditions(nodes: readonly SearchNode[]): IndexedConditions {
  const conditions: IndexedConditions = { classes: [], dependsOn: [], contains: null };
  for (const node of nodes) {
    if (node.negated) continue;
    if (node.operation === "isa") conditions.classes.push(node.className);
    else if (node.operation === "depends_on") conditions.dependsOn.push(dependency(node));
    else if (node.operation === "exact_string" && conditions.contains === null && node.path.every((key) => !/^\d+$/.test(key))) {
      conditions.contains = node.path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), node.param1) as Record<string, unknown>;
    }
  }
  return conditions;
}

/** The regular expressions of a structure, with where each is, for checking them before the query runs. */
export function regularExpressions(nodes: readonly SearchNode[]): { pattern: string; where: string }[] {
  return nodes.flatMap((node) => {
    if (node.operation === "or") return [...regularExpressions(node.left), ...regularExpressions(node.right)];
    return node.operation === "regexp" ? [{ pattern: node.param1 as string, where: `${node.where}.param1` }] : [];
  });
}

// ---------------------------------------------------------------- parameters

const dependency = (node: { name: string; value: string }) => (node.name === "*" ? { value: node.value } : { name: node.name, value: node.value });

const jsonb = (value: unknown) => JSON.stringify(value);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isScalar = (value: unknown) => typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));

function requireString(value: unknown, where: string): string {
  if (typeof value !== "string") throw new NdiQueryError(`${where}: must be a string`);
  return value;
}

/** A number or a (MATLAB) vector of numbers. */
function numbers(value: unknown, where: string): number[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((n) => typeof n === "number" && Number.isFinite(n))) {
    throw new NdiQueryError(`${where}: must be a number or an array of numbers`);
  }
  return list as number[];
}

function singleNumber(value: unknown, where: string): number {
  const list = numbers(value, where);
  if (list.length !== 1) throw new NdiQueryError(`${where}: must be a single number`);
  return list[0]!;
}

function sizeVector(value: unknown, where: string): number[] {
  const size = numbers(value, where);
  if (!size.every((n) => Number.isInteger(n) && n >= 0)) throw new NdiQueryError(`${where}: must be a size vector of whole numbers`);
  return size;
}

/** hasanysubfield_*: param1 sub-field name(s), param2 the string(s) each must match, pairwise. */
function subfieldPairs(param1: unknown, param2: unknown, where: string): [string, string][] {
  const names = Array.isArray(param1) ? param1 : [param1];
  const wanted = Array.isArray(param2) ? param2 : [param2];
  if (names.length === 0 || !names.every((n) => typeof n === "string" && n !== "")) {
    throw new NdiQueryError(`${where}.param1: must be a sub-field name or an array of them`);
  }
  if (wanted.length !== names.length || !wanted.every((w) => typeof w === "string")) {
    throw new NdiQueryError(`${where}.param2: must be a string (or an array of strings) for each sub-field in param1`);
  }
  return names.map((name, i) => [name as string, wanted[i] as string]);
}
