// A minimal XML tree and serializer: enough to write a deposit or a submission log with every
// text and attribute value escaped in one place. Elements hold either text or child elements,
// never both, so indentation never leaks into text content.
import { stripNonXmlChars } from "./text.ts";

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[] | string;
}

type Absent = undefined | null | false;

/** An element with child elements; absent children (undefined/null/false) are skipped. */
export function element(
  name: string,
  attributes: Record<string, string | undefined> = {},
  children: ReadonlyArray<XmlElement | Absent> = [],
): XmlElement {
  return { name, attributes: presentAttributes(attributes), children: children.filter(isElement) };
}

/** An element holding text only. */
export function textElement(name: string, text: string, attributes: Record<string, string | undefined> = {}): XmlElement {
  return { name, attributes: presentAttributes(attributes), children: text };
}

function isElement(child: XmlElement | Absent): child is XmlElement {
  return typeof child === "object" && child !== null;
}

function presentAttributes(attributes: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function escapeText(text: string): string {
  return stripNonXmlChars(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function escapeAttribute(value: string): string {
  // Tabs and line breaks would be normalised to spaces by any parser; keep them as written.
  return escapeText(value).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}

/** The document with an XML declaration, indented by two spaces per level. */
export function serializeXml(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serializeElement(root, "")}\n`;
}

function serializeElement(node: XmlElement, indent: string): string {
  const attributes = Object.entries(node.attributes)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join("");
  const open = `${indent}<${node.name}${attributes}`;
  if (typeof node.children === "string") return `${open}>${escapeText(node.children)}</${node.name}>`;
  if (node.children.length === 0) return `${open}/>`;
  const inner = node.children.map((child) => serializeElement(child, `${indent}  `)).join("\n");
  return `${open}>\n${inner}\n${indent}</${node.name}>`;
}
