/** Runs `work` and returns what it printed with console.log (admin commands print their results). */
export async function captureOutput(work: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    await work();
  } finally {
    console.log = original;
  }
  return lines.join("\n");
}
