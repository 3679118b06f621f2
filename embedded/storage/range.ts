// HTTP Range for downloads (RFC 9110 §14): one `bytes=` range is served as 206; a malformed or
// unsatisfiable `bytes=` range is refused (416, as Supabase does); other units and multi-range
// requests are ignored, which the RFC allows, and the whole object is served.

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export function parseRangeHeader(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return undefined;
  const spec = match[1]!.trim();
  if (spec.includes(",")) return undefined;
  const bounds = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
  if (!bounds || (bounds[1] === "" && bounds[2] === "")) return "unsatisfiable";
  const [first, last] = [bounds[1]!, bounds[2]!];
  if (first === "") {
    // A suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(size - length, 0), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}
