// The documents of a bulk-upload `.json` entry, one at a time (contract R38): the entry holds a
// JSON array of NDI documents (ML writes all of a dataset's documents into one, pretty-printed,
// with bare NaN/Infinity tokens) or a single document object. Elements are cut out of the text as
// it streams in, by bracket depth outside strings, so memory holds one document, not the entry.
// Each element's text is then read by toStrictJson like a single add.

export class JsonArrayStreamError extends Error {}

/** Yields the raw text of each top-level element (or the whole text when it is one object). */
export async function* jsonArrayElements(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let mode = "start" as "start" | "array" | "object" | "end";
  let element = "";
  let depth = 0; // inside the top-level array: nesting of the current element
  let inString = false;
  let escaped = false;

  for await (const chunk of chunks) {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const char = chunk[i]!;
      if (mode === "start" || mode === "end") {
        if (/\s/.test(char) || char === "\uFEFF") continue;
        if (mode === "end") throw new JsonArrayStreamError("text after the end of the top-level array");
        if (char === "[") {
          mode = "array";
          from = i + 1;
          continue;
        }
        if (char === "{") {
          mode = "object";
          from = i;
          continue;
        }
        throw new JsonArrayStreamError("the file is neither a JSON array of documents nor a document object");
      }
      if (mode === "object") continue; // the whole text is one document
      if (inString) {
        if (escaped) escaped = false;
        else if (char === "\\") escaped = true;
        else if (char === '"') inString = false;
        continue;
      }
      if (char === '"') inString = true;
      else if (char === "{" || char === "[") depth++;
      else if ((char === "}" || char === "]") && depth > 0) depth--;
      else if (depth === 0 && (char === "," || char === "]")) {
        element += chunk.slice(from, i);
        from = i + 1;
        if (element.trim() !== "" || char === ",") yield element;
        element = "";
        if (char === "]") mode = "end";
      }
    }
    if (mode === "array" || mode === "object") element += chunk.slice(from);
  }
  if (mode === "object") yield element;
  else if (mode === "array") throw new JsonArrayStreamError("the JSON array is not closed");
  else if (mode === "start") throw new JsonArrayStreamError("the file is empty");
}
