// What the test double needs to know about a deposit it accepted: its batch id, its timestamp
// and the DOIs it registers (every `doi_data/doi`, the database's included, as Crossref reports
// each of them in the log).
import { ParseOption, XmlDocument, XmlElement } from "libxml2-wasm";

export interface DepositContents {
  batchId: string;
  timestamp: bigint;
  dois: string[];
}

const byName = (...names: string[]) => names.map((name) => `*[local-name()='${name}']`).join("/");

/** Reads a deposit that has passed schema validation (so every part named here exists). */
export function readDepositContents(xml: string): DepositContents {
  const document = XmlDocument.fromString(xml, { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE });
  try {
    const text = (xpath: string) => (document.get(xpath) as XmlElement | null)?.content.trim() ?? "";
    return {
      batchId: text(`/${byName("doi_batch", "head", "doi_batch_id")}`),
      timestamp: BigInt(text(`/${byName("doi_batch", "head", "timestamp")}`)),
      dois: document
        .find(`//${byName("doi_data", "doi")}`)
        .map((node) => node.content.trim()),
    };
  } finally {
    document.dispose();
  }
}
