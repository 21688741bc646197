/** What could be read from the `alerts` array of a broken JSON message. */
export interface Salvage {
  /** Each complete alert object, parsed. */
  alerts: unknown[];
  /** Complete-looking objects that still did not parse. */
  unreadable: number;
}

const ALERTS_START = /"alerts"\s*:\s*\[/;

/**
 * Reads the complete objects of the `alerts` array of a JSON text that does
 * not parse as a whole (cut short, or damaged), stopping at the first object
 * that never closes.
 */
export function salvageAlerts(text: string): Salvage {
  const salvage: Salvage = { alerts: [], unreadable: 0 };
  const start = ALERTS_START.exec(text);
  if (!start) return salvage;

  let pos = start.index + start[0].length;
  for (;;) {
    pos = skipSeparators(text, pos);
    if (text.charAt(pos) !== '{') return salvage;
    const end = closingBrace(text, pos);
    if (end < 0) return salvage;
    addObject(salvage, text.slice(pos, end + 1));
    pos = end + 1;
  }
}

function addObject(salvage: Salvage, json: string): void {
  try {
    salvage.alerts.push(JSON.parse(json));
  } catch {
    // Counted, and reported by the caller as an unreadable alert.
    salvage.unreadable++;
  }
}

function skipSeparators(text: string, from: number): number {
  let i = from;
  while (i < text.length && ' \t\r\n,'.includes(text.charAt(i))) i++;
  return i;
}

/** Index of the brace closing the object at `open`, or -1 if it never does. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const char = text.charAt(i);
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}
