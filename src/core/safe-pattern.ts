// Regular expressions of the catalog (text ways, known failure families) are data, checked when
// the catalog loads so that no pattern can make matching slower than linear in the text:
// repetition is bounded, groups are not repeated, and there are no backreferences or lookarounds
// (the constructs that make a backtracking engine explode).

/**
 * Largest repetition count a pattern may use. Tool output varies by a resource name or a path
 * here and there; 200 characters covers the longest ARN or file path seen in real failure output,
 * and keeps the work per line bounded by a small constant.
 */
export const MAX_REPEAT = 200;

/** Why a regular expression source could take more than linear time, or undefined when it cannot. */
export function unsafePatternReason(source: string): string | undefined {
  // Each open group records whether it contains a quantifier or an alternation.
  const groups: Array<{ quantified: boolean }> = [];
  let lastAtom: 'char' | 'group' | 'none' = 'none';
  let lastGroupQuantified = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) return 'ends with a lone backslash';
      if (/[1-9]/.test(next))
        return `backreference \\${next} (not allowed: matching could take exponential time)`;
      if (next === 'k' && source[i + 2] === '<') return 'named backreference \\k<…> is not allowed';
      if (next === 'u' && source[i + 2] === '{') return 'use \\uXXXX, not \\u{…}';
      i++;
      lastAtom = 'char';
      continue;
    }
    if (c === '[') {
      // A character class is one atom; skip to its closing bracket.
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) return 'unclosed character class';
      i = j;
      lastAtom = 'char';
      continue;
    }
    if (c === '(') {
      if (source.startsWith('(?=', i) || source.startsWith('(?!', i))
        return 'lookahead (?=…)/(?!…) is not allowed';
      if (source.startsWith('(?<=', i) || source.startsWith('(?<!', i))
        return 'lookbehind (?<=…)/(?<!…) is not allowed';
      groups.push({ quantified: false });
      if (source.startsWith('(?:', i)) i += 2;
      else if (source.startsWith('(?<', i)) i = source.indexOf('>', i);
      lastAtom = 'none';
      continue;
    }
    if (c === ')') {
      const group = groups.pop();
      if (!group) return 'unbalanced parenthesis';
      lastGroupQuantified = group.quantified;
      // A quantifier inside propagates: the enclosing group then contains one too.
      const outer = groups[groups.length - 1];
      if (outer && group.quantified) outer.quantified = true;
      lastAtom = 'group';
      continue;
    }
    if (c === '*' || c === '+') {
      return `unbounded repetition "${c}" at ${i + 1}; write a bounded one such as {1,${MAX_REPEAT}}`;
    }
    if (c === '?' || c === '{') {
      let max = 1;
      let end = i;
      if (c === '{') {
        const bounded = /^\{(\d{1,4})(?:,(\d{0,4}))?\}/.exec(source.slice(i));
        if (!bounded) {
          lastAtom = 'char';
          continue;
        }
        if (bounded[2] === '') return `unbounded repetition "${bounded[0]}"; give an upper bound`;
        max = Number(bounded[2] ?? bounded[1]);
        if (max > MAX_REPEAT) return `repetition "${bounded[0]}" is above ${MAX_REPEAT}`;
        end = i + bounded[0].length - 1;
      }
      if (lastAtom === 'none') {
        // A "?" right after a quantifier makes it lazy; anything else quantifies nothing.
        if (c === '?' && i > 0 && /[}?]/.test(source[i - 1] as string)) continue;
        return `quantifier at ${i + 1} has nothing to repeat`;
      }
      // A group may be optional ("?"), never repeated: repeating a group is how nested
      // quantifiers and ambiguous alternations multiply the paths a backtracking engine tries.
      if (lastAtom === 'group' && max > 1) {
        return `a repeated group${lastGroupQuantified ? ' with repetition inside' : ''} (a group may only be optional, "?")`;
      }
      const group = groups[groups.length - 1];
      if (group) group.quantified = true;
      lastAtom = 'none';
      i = end;
      continue;
    }
    lastAtom = c === '|' || c === '^' || c === '$' ? 'none' : 'char';
  }
  if (groups.length > 0) return 'unclosed group';
  try {
    new RegExp(source);
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
  return undefined;
}
