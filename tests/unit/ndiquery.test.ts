// The ndiquery parser's reading of search structures and what it hands to the GIN-indexed prefilter.
import { describe, expect, it } from "vitest";
import { indexedConditions, NdiQueryError, parseSearchStructure, regularExpressions } from "../../gateway/documents/ndiquery.ts";

describe("parseSearchStructure", () => {
  it("reads a bare node as a one-node AND and splits field paths", () => {
    expect(parseSearchStructure({ field: "base.name", operation: "~exact_string", param1: "x" })).toEqual([
      { negated: true, operation: "exact_string", path: ["base", "name"], param1: "x", param2: undefined, where: "searchstructure" },
    ]);
  });

  it("names nested clauses by their place", () => {
    const structure = [{ operation: "or", param1: [{ operation: "isa", param1: "a" }], param2: { operation: "nope" } }];
    expect(() => parseSearchStructure(structure)).toThrow(new NdiQueryError('searchstructure[0].param2.operation: unknown operation "nope"'));
  });

  it("refuses ~or with a message containing ~or (the BFF maps it)", () => {
    expect(() => parseSearchStructure({ operation: "~or", param1: [], param2: [] })).toThrow(/~or/);
  });
});

describe("indexedConditions", () => {
  it("collects top-level, non-negated isa, depends_on and the first exact_string", () => {
    const nodes = parseSearchStructure([
      { operation: "isa", param1: "element" },
      { operation: "~isa", param1: "subject" },
      { operation: "depends_on", param1: "*", param2: "abc" },
      { operation: "depends_on", param1: "subject_id", param2: "s1" },
      { field: "element.type", operation: "exact_string", param1: "probe" },
      { field: "base.name", operation: "exact_string", param1: "ignored: only the first" },
      { operation: "or", param1: { operation: "isa", param1: "inside-or" }, param2: { operation: "isa", param1: "x" } },
    ]);
    expect(indexedConditions(nodes)).toEqual({
      classes: ["element"],
      dependsOn: [{ value: "abc" }, { name: "subject_id", value: "s1" }],
      contains: { element: { type: "probe" } },
    });
  });

  it("leaves array-index paths to the full condition", () => {
    expect(indexedConditions(parseSearchStructure({ field: "list.0", operation: "exact_string", param1: "x" })).contains).toBeNull();
  });
});

it("regularExpressions finds patterns inside or, with their place", () => {
  const nodes = parseSearchStructure({ operation: "or", param1: { field: "a", operation: "regexp", param1: "(" }, param2: [] });
  expect(regularExpressions(nodes)).toEqual([{ pattern: "(", where: "searchstructure.param1.param1" }]);
});
