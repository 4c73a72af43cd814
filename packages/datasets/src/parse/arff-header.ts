import { fileProblem, shown } from './problem.js';

/** One `@attribute` of an ARFF header. */
export interface ArffAttribute {
  name: string;
  type: 'numeric' | 'nominal' | 'string' | 'date';
  /** Declared values of a nominal attribute, in order. */
  values?: string[];
  /** Line of the declaration. */
  line: number;
}

/** An ARFF header and where its data starts. */
export interface ArffHeader {
  relation: string;
  attributes: ArffAttribute[];
  /** Byte offset and line number of the first line after `@data`. */
  data: { offset: number; line: number };
}

const decoder = new TextDecoder();

/** Split `text` at commas that are outside quotes, unquoting each part. */
function splitQuoted(text: string): string[] {
  const parts: string[] = [];
  const pattern = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([^,]*?))\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < text.length && (match = pattern.exec(text)) !== null) {
    parts.push(match[1] ?? match[2] ?? match[3]);
    if (match[0] === '') break;
  }
  return parts.map((part) => part.replace(/\\(.)/g, '$1'));
}

/** Read a name at the start of `text`, quoted or up to whitespace. */
function leadingName(text: string): { name: string; rest: string } | undefined {
  const match = /^(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\S+))\s*(.*)$/.exec(text);
  if (!match) return undefined;
  return { name: (match[1] ?? match[2] ?? match[3]).replace(/\\(.)/g, '$1'), rest: match[4] };
}

function attributeType(
  rest: string,
  name: string,
  file: string,
  line: number,
): Pick<ArffAttribute, 'type' | 'values'> {
  if (rest.startsWith('{')) {
    const close = rest.lastIndexOf('}');
    if (close < 0)
      throw fileProblem(
        file,
        line,
        `the values of attribute "${name}" have no closing "}"`,
        'close the list of values',
      );
    return {
      type: 'nominal',
      values: splitQuoted(rest.slice(1, close)).filter((value) => value !== ''),
    };
  }
  const keyword = rest.split(/\s/, 1)[0].toLowerCase();
  if (keyword === 'numeric' || keyword === 'real' || keyword === 'integer')
    return { type: 'numeric' };
  if (keyword === 'string') return { type: 'string' };
  if (keyword === 'date') return { type: 'date' };
  if (keyword === 'relational')
    throw fileProblem(
      file,
      line,
      `relational attribute "${name}" is not supported`,
      'flatten the data into numeric columns',
    );
  throw fileProblem(
    file,
    line,
    `attribute "${name}" has unknown type ${shown(rest)}`,
    'use numeric, real, integer, string, date or {value,...}',
  );
}

/**
 * Read the header of an ARFF file (`@relation`, `@attribute`, `@data`; `%` comments, blank lines
 * and CRLF allowed; keywords in any case).
 */
export function parseArffHeader(bytes: Uint8Array, file: string): ArffHeader {
  let offset = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let line = 1;
  let relation = '';
  const attributes: ArffAttribute[] = [];
  while (offset < bytes.length) {
    let lineEnd = bytes.indexOf(10, offset);
    if (lineEnd < 0) lineEnd = bytes.length;
    const text = decoder.decode(bytes.subarray(offset, lineEnd)).trim();
    offset = lineEnd + 1;
    const here = line++;
    if (text === '' || text.startsWith('%')) continue;
    const keyword = /^@(\w+)\s*(.*)$/.exec(text);
    const word = keyword?.[1].toLowerCase();
    if (!keyword || (word !== 'relation' && word !== 'attribute' && word !== 'data')) {
      const fix =
        attributes.length === 0 && relation === ''
          ? 'is it an ARFF file? it must start with @relation'
          : 'each header line is @relation, @attribute or @data';
      throw fileProblem(file, here, `unexpected ${shown(text)} in the ARFF header`, fix);
    }
    if (word === 'data') {
      if (attributes.length === 0)
        throw fileProblem(
          file,
          here,
          '@data comes before any @attribute',
          'declare the columns with @attribute lines first',
        );
      return { relation, attributes, data: { offset: Math.min(offset, bytes.length), line } };
    }
    const named = leadingName(keyword[2]);
    if (!named)
      throw fileProblem(
        file,
        here,
        `@${word} has no name`,
        `write @${word} <name>${word === 'attribute' ? ' <type>' : ''}`,
      );
    if (word === 'relation') {
      relation = named.name;
      continue;
    }
    if (attributes.some((attribute) => attribute.name === named.name)) {
      throw fileProblem(
        file,
        here,
        `attribute "${named.name}" is declared twice`,
        'give every attribute a unique name',
      );
    }
    attributes.push({
      name: named.name,
      ...attributeType(named.rest, named.name, file, here),
      line: here,
    });
  }
  if (bytes.length === 0 || (attributes.length === 0 && relation === ''))
    throw fileProblem(
      file,
      undefined,
      'the file is empty',
      'check the path, or download the file again',
    );
  throw fileProblem(
    file,
    line - 1,
    'the ARFF header has no @data line',
    'the file is truncated or not ARFF; download it again',
  );
}
