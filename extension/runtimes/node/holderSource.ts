// The line that defines a holder, found in its script's source: a heap snapshot knows that a
// module variable or a static property holds the leak, not where it is declared.

const IDENT = /^[A-Za-z_$][\w$]*$/;

function escape(name: string): string {
  return name.replace(/\$/g, '\\$');
}

/** 0-based line of the first line matching `pattern`, unindented lines first. */
function firstLine(lines: string[], pattern: RegExp): number | undefined {
  let indented: number | undefined;
  for (const [i, line] of lines.entries()) {
    if (!pattern.test(line)) continue;
    if (!/^\s/.test(line)) return i;
    indented ??= i;
  }
  return indented;
}

/**
 * 0-based line that declares the module variable `name`: `const|let|var name`, a destructuring
 * that binds it, `function name`, `class name`, or an import; top-level lines before indented ones
 * (a function's local of the same name is further in).
 */
export function declarationLine(source: string, name: string): number | undefined {
  if (!IDENT.test(name)) return undefined;
  const n = escape(name);
  const lines = source.split('\n');
  const patterns = [
    new RegExp(`^\\s*(?:export\\s+)?(?:const|let|var)\\s+${n}(?![\\w$])`),
    new RegExp(`^\\s*(?:export\\s+)?(?:const|let|var)\\s*[{[][^=]*(?<![\\w$.])${n}(?![\\w$])[^=]*[}\\]]\\s*=`),
    new RegExp(`^\\s*(?:export\\s+)?(?:default\\s+)?(?:async\\s+)?(?:function\\s*\\*?|class)\\s*${n}(?![\\w$])`),
    new RegExp(`^\\s*import\\s.*(?<![\\w$.])${n}(?![\\w$])`),
  ];
  for (const pattern of patterns) {
    const line = firstLine(lines, pattern);
    if (line !== undefined) return line;
  }
  return undefined;
}

/**
 * 0-based line that defines the static property `property` of class `owner` declared at
 * (classLine, classColumn): `static property` in the class body, else an assignment
 * `Owner.property =` anywhere in the script; else the class line itself.
 */
export function staticLine(source: string, classLine: number, owner: string, property: string): number {
  if (!IDENT.test(property)) return classLine;
  const p = escape(property);
  const lines = source.split('\n');
  const inBody = new RegExp(`^\\s*static\\s+(?:async\\s+|get\\s+|set\\s+|\\*\\s*)?(?:#)?${p}(?![\\w$])`);
  const end = classEnd(lines, classLine);
  for (let i = classLine; i <= end; i++) if (inBody.test(lines[i])) return i;
  if (IDENT.test(owner)) {
    const assigned = new RegExp(`(?<![\\w$.])${escape(owner)}\\.${p}\\s*(?:=(?!=)|\\?\\?=|\\|\\|=)`);
    const line = lines.findIndex((l) => assigned.test(l));
    if (line >= 0) return line;
  }
  return classLine;
}

/** Last line of the braces opened on or after `from` (strings and comments not parsed: a bound). */
function classEnd(lines: string[], from: number): number {
  let depth = 0;
  let opened = false;
  for (let i = from; i < lines.length; i++) {
    for (const c of lines[i]) {
      if (c === '{') { depth++; opened = true; } else if (c === '}') depth--;
    }
    if (opened && depth <= 0) return i;
  }
  return lines.length - 1;
}
