// A synthetic but realistic NDI corpus: the classes of a real session (subjects, probes, elements,
// epochs, DAQ systems, stimuli), with superclass chains, depends_on links to earlier documents,
// file records and numeric property blocks (some NaN/Infinity, as MATLAB writes them). Seeded, so
// every run measures the same documents.

import { seededRandom } from "./seeded-random.ts";

const CLASSES = [
  { name: "subject", superclasses: ["base"], weight: 1 },
  { name: "probe", superclasses: ["element", "base"], weight: 2 },
  { name: "element", superclasses: ["base"], weight: 5 },
  { name: "element_epoch", superclasses: ["epochid", "base"], weight: 60 },
  { name: "daqsystem", superclasses: ["base"], weight: 1 },
  { name: "stimulus_presentation", superclasses: ["base"], weight: 20 },
  { name: "spikesorting_parameters", superclasses: ["app", "base"], weight: 11 },
] as const;
const TOTAL_WEIGHT = CLASSES.reduce((sum, c) => sum + c.weight, 0);

export const RARE_CLASS = "daqsystem";

export const ndiIdOf = (i: number) => `${(0x41269345 + i).toString(16)}e40b8_${i.toString(16).padStart(16, "0")}`;
export const nameOf = (i: number) => `document ${i}`;

/** The i-th document's JSON text, in MATLAB's lenient form (bare NaN/Infinity tokens). */
export function corpusDocument(i: number): string {
  const next = seededRandom(i + 1);
  let pick = next() * TOTAL_WEIGHT;
  const cls = CLASSES.find((c) => (pick -= c.weight) < 0) ?? CLASSES[0];
  const dependsOn = i === 0 ? [] : [{ name: "subject_id", value: ndiIdOf(Math.floor(next() * Math.min(i, 50))) }, { name: "element_id", value: ndiIdOf(Math.floor(next() * i)) }];
  const samples = Array.from({ length: 16 }, () => Math.round(next() * 1e6) / 1e3);
  const document = {
    base: { id: ndiIdOf(i), session_id: `session_${Math.floor(i / 10_000)}`, name: nameOf(i), datestamp: "2026-03-15T14:30:05.123Z" },
    document_class: {
      definition: `$NDIDOCUMENTPATH/${cls.name}.json`,
      validation: `$NDISCHEMAPATH/${cls.name}_schema.json`,
      class_name: cls.name,
      property_list_name: cls.name,
      class_version: 1,
      superclasses: cls.superclasses.map((s) => ({ definition: `$NDIDOCUMENTPATH/${s}.json` })),
    },
    depends_on: dependsOn,
    files: { file_list: ["data.bin"], file_info: [{ name: "data.bin", locations: [{ uid: `${ndiIdOf(i)}_f`, location: `ndic://x/${i}`, location_type: "ndicloud", parameters: "", ingest: 1, delete_original: 1 }] }] },
    [cls.name]: { type: next() < 0.5 ? "n-trode" : "patch", reference: Math.floor(next() * 100), samples, gain: "__GAIN__", t0_t1: [0, Math.round(next() * 3600)] },
  };
  const gain = i % 97 === 0 ? "NaN" : i % 101 === 0 ? "Infinity" : String(Math.round(next() * 1000));
  return JSON.stringify(document).replace('"__GAIN__"', gain);
}
