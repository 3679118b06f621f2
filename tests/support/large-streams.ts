// Large generated bodies and a resident-memory sampler, for the tests that prove multi-gigabyte
// transfers stream in constant memory.
import { randomBytes, type Hash } from "node:crypto";

const CHUNK_BYTES = 1024 * 1024;

/** Distinct, reproducible 1 MiB chunks (a random pattern stamped with the chunk index), hashed as sent. */
export function generatedBody(totalBytes: number, sentHash: Hash): ReadableStream<Uint8Array> {
  const pattern = randomBytes(CHUNK_BYTES);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, totalBytes - sent));
      pattern.copy(chunk, 0, 0, chunk.length);
      chunk.writeUInt32BE(sent / CHUNK_BYTES, 0);
      sentHash.update(chunk);
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

/** The process's peak resident memory above what it was when sampling started (every 20 ms). */
export function sampleRss(): { peakGrowth: () => number; peak: () => number; stop: () => void } {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return { peakGrowth: () => peak - baseline, peak: () => peak, stop: () => clearInterval(timer) };
}

export const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);

/** PUTs a streamed body the way the clients send bytes: raw, octet-stream, no Authorization. */
export function putStream(url: string, body: ReadableStream<Uint8Array>): Promise<Response> {
  return fetch(url, {
    method: "PUT",
    body,
    headers: { "Content-Type": "application/octet-stream" },
    duplex: "half",
    // Otherwise Node's fetch clones the request for a possible redirect, and the clone's tee of the
    // body stream keeps every chunk sent: the client, not the server, would hold the whole object.
    redirect: "error",
  } as RequestInit);
}
