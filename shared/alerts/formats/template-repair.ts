/**
 * AWS's suggested AMP template writes label and annotation values into
 * JSON without escaping them, so a quote, backslash or newline in a value
 * breaks the message. The template never escapes anything, so inside a
 * string every character is literal; the one question is which quote ends
 * the string. A quote does when what follows it is JSON structure: `,` then
 * a key or object, `:` then a value, or `}` / `]` / the end of the text.
 *
 * @example repairTemplateJson('{"a": "say "hi""}') // '{"a": "say \\"hi\\""}'
 */
export function repairTemplateJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (!inString) {
      out += char;
      inString = char === '"';
    } else if (char === '"' && closesString(text, i)) {
      out += char;
      inString = false;
    } else {
      out += escapeChar(char);
    }
  }
  return out;
}

function closesString(text: string, quote: number): boolean {
  const next = skipSpaces(text, quote + 1);
  const char = text.charAt(next);
  if (next >= text.length || char === '}' || char === ']') return true;

  const after = text.charAt(skipSpaces(text, next + 1));
  if (char === ':') return after === '"' || after === '{' || after === '[';
  if (char === ',') return after === '"' || after === '{';
  return false;
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  return i;
}

function escapeChar(char: string): string {
  if (char === '"') return '\\"';
  if (char === '\\') return '\\\\';
  if (char >= ' ') return char;
  return JSON.stringify(char).slice(1, -1);
}
