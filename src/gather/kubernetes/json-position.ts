// Where JSON text first goes wrong, as an offset. The runtime's JSON.parse error does not always
// say (an unexpected token is reported with a quote of the text, not its position), and a dump of a
// few MB needs a line and column to be fixable. Only called after JSON.parse failed.

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const LITERALS = ['true', 'false', 'null'];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Offset of the first character that breaks the JSON grammar; the length when the text ends early. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
  };
  // Explicit stack instead of recursion: a deeply nested file must not overflow the call stack.
  const stack: Array<'object' | 'array'> = [];
  const value = (): boolean => {
    skip();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      stack.push(ch === '{' ? 'object' : 'array');
      i++;
      skip();
      if (text[i] === (ch === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        return true;
      }
      return ch === '{' ? key() : true;
    }
    if (ch === '"') return string();
    for (const literal of LITERALS) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return true;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return true;
    }
    return false;
  };
  const string = (): boolean => {
    i++;
    while (i < text.length) {
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return true;
      }
      if (ch === '\\') i += 2;
      else if (ch < ' ') return false;
      else i++;
    }
    return false;
  };
  const key = (): boolean => {
    skip();
    if (text[i] !== '"' || !string()) return false;
    skip();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };
  // A value is expected first; after each value, the enclosing container says what may follow.
  let expectValue = true;
  while (true) {
    if (expectValue) {
      const depth = stack.length;
      if (!value()) return i;
      // A container left open needs a value next (an object's first key is read already).
      expectValue = stack.length > depth;
      if (expectValue) continue;
    }
    skip();
    const top = stack[stack.length - 1];
    if (!top) return i;
    const ch = text[i];
    if (ch === ',') {
      i++;
      if (top === 'object' && !key()) return i;
      expectValue = true;
    } else if (ch === (top === 'object' ? '}' : ']')) {
      stack.pop();
      i++;
    } else return i;
  }
}
