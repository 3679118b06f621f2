// The bulk-download zip (contract R39) as the clients read it: Python's zipfile (what NDI-python
// uses) must find exactly one entry whose JSON is what was streamed in.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeSingleEntryZip } from "../../gateway/documents/zip-writer.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "ndi-zip-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const READ_WITH_PYTHON = `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps({"names": z.namelist(), "text": z.read(z.namelist()[0]).decode("utf-8")}))
`;

function readWithPython(file: string): { names: string[]; text: string } {
  return JSON.parse(execFileSync("python3", ["-c", READ_WITH_PYTHON, file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }));
}

describe("writeSingleEntryZip", () => {
  it("writes one entry Python's zipfile reads back byte for byte, streamed in many chunks", async () => {
    const file = path.join(dir, "many.zip");
    async function* chunks() {
      yield "[";
      for (let i = 0; i < 20_000; i++) yield `${i ? "," : ""}{"base":{"id":"d${i}"},"v":"__NDI__NaN__","ü":${i}}`;
      yield "]";
    }
    await writeSingleEntryZip(file, "documents.json", chunks());
    const { names, text } = readWithPython(file);
    expect(names).toEqual(["documents.json"]);
    const documents = JSON.parse(text) as { base: { id: string } }[];
    expect(documents).toHaveLength(20_000);
    expect(documents[19_999]).toEqual({ base: { id: "d19999" }, v: "__NDI__NaN__", ü: 19_999 });
  });

  it("writes an empty entry", async () => {
    const file = path.join(dir, "empty.zip");
    await writeSingleEntryZip(file, "documents.json", (async function* () {})());
    expect(readWithPython(file)).toEqual({ names: ["documents.json"], text: "" });
  });
});
