// The only module that imports fast-xml-parser. Documents are plain objects:
// `{ Name: 'b', Contents: [{ Key: 'k' }, ...] }` becomes `<Name>b</Name><Contents>...`.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
  suppressBooleanAttributes: false,
  processEntities: true,
});

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Serialises `<root xmlns=...>doc</root>` with an XML declaration. */
export function toXml(root: string, doc: Record<string, unknown>, namespace?: string): string {
  const element = namespace === undefined ? doc : { '@_xmlns': namespace, ...doc };
  return DECLARATION + (builder.build({ [root]: element }) as string);
}

/**
 * Parses a small request body. Values stay strings (`parseTagValue: false`), the
 * caller names the element paths that are lists, and no DOCTYPE entity is ever
 * expanded (only XML's five predefined entities and character references are).
 */
export function parseXml(text: string, arrayPaths: readonly string[] = []): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new Error('DOCTYPE and ENTITY declarations are not allowed');
  const arrays = new Set(arrayPaths);
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: false,
    ignoreDeclaration: true,
    isArray: (_name, jpath) => arrays.has(String(jpath)),
  });
  return parser.parse(text, true) as Record<string, unknown>;
}
