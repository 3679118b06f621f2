// Cutting a bulk-upload entry into documents as it streams (contract R38).
import { describe, expect, it } from "vitest";
import { jsonArrayElements, JsonArrayStreamError } from "../../gateway/documents/json-array-stream.ts";

async function elements(text: string, chunkSize = 3): Promise<string[]> {
  async function* chunks() {
    for (let i = 0; i < text.length; i += chunkSize) yield text.slice(i, i + chunkSize);
  }
  const out: string[] = [];
  for await (const element of jsonArrayElements(chunks())) out.push(element.trim());
  return out;
}

describe("jsonArrayElements", () => {
  it("yields each element of a pretty-printed array, nested brackets and strings with brackets and commas included", async () => {
    const text = '\uFEFF[\n  {"a": [1, {"b": "x],\\"y"}], "v": NaN},\n  {"c": -Infinity}\n]\n';
    for (const size of [1, 2, 5, 1000]) {
      expect(await elements(text, size)).toEqual(['{"a": [1, {"b": "x],\\"y"}], "v": NaN}', '{"c": -Infinity}']);
    }
  });

  it("yields a lone document object whole, and nothing for an empty array", async () => {
    expect(await elements(' {"a": 1} ')).toEqual(['{"a": 1}']);
    expect(await elements("[ ]")).toEqual([]);
  });

  it("yields empty elements so they are reported (not silently dropped)", async () => {
    expect(await elements("[{},,{}]")).toEqual(["{}", "", "{}"]);
  });

  it.each(["[{}", '"text"', "[{}] x", ""])("refuses %j", async (text) => {
    await expect(elements(text)).rejects.toThrow(JsonArrayStreamError);
  });
});
