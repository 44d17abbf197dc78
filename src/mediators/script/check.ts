// Config stage for <script>: parse a script once in a small isolate so syntax errors are found at
// load with their line, and tell E4X XML literals (which API Manager's generated mock scripts
// contain) apart from other syntax errors. Nothing here runs the script.

import ivm from 'isolated-vm';

/** How the script's code is wrapped before it runs (see engine.ts): same text, same lines. */
export type ScriptMode = 'inline' | 'function';

export interface ScriptProblem {
  kind: 'syntax' | 'e4x';
  /** 1-based line inside the script. */
  line: number;
  col: number;
  message: string;
}

let checker: ivm.Isolate | undefined;

/**
 * Every mock script API Manager generates ends with the same E4X line for its 501 answer, even
 * when all its own examples are JSON. That one constant literal is read as the XML text it
 * spells (same line, same length of script), so generated scripts run as they are; any other
 * XML literal is still reported as E4X.
 */
const APIM_501_TAIL = /(responses\[501\]\["application\/xml"\]\s*=\s*)(<response><code>501<\/code><description>Not[ ]Implemented<\/description><\/response>)(\s*;)/g;

/** The script text Axon compiles: the source, with API Manager's fixed 501 XML line as a string. */
export function normaliseScript(source: string): string {
  return source.includes('<response><code>501</code>') ? source.replace(APIM_501_TAIL, "$1'$2'$3") : source;
}

/** The code a script mode compiles: the function form wraps the text without moving its lines. */
export function wrappedSource(source: string, mode: ScriptMode, fn: string): string {
  if (mode === 'inline') return source;
  // the text becomes a function body, so its top-level names stay private to one message
  return `(function (mc, __axonMissing) {${source}\n;return typeof ${fn} === 'function' ? ${fn}(mc) : __axonMissing;\n})`;
}

/**
 * Compile the script (not run it) in a checking isolate. Returns undefined when it parses;
 * otherwise the problem with its line inside the script.
 */
export function checkScript(source: string, mode: ScriptMode, fn: string): ScriptProblem | undefined {
  if (!checker || checker.isDisposed) checker = new ivm.Isolate({ memoryLimit: 16 });
  const name = 'axon-check.js';
  try {
    const script = checker.compileScriptSync(wrappedSource(normaliseScript(source), mode, fn), { filename: name });
    script.release();
    return undefined;
  } catch (e) {
    const err = e as Error;
    if (err.name !== 'SyntaxError') throw e;
    return syntaxProblem(normaliseScript(source), err.message, name);
  }
}

/** Turn V8's "message [file:line:col]" into a problem, recognising E4X literals. */
export function syntaxProblem(source: string, v8Message: string, name: string): ScriptProblem {
  const m = new RegExp(`\\s*\\[${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)\\]$`).exec(v8Message);
  const line = m ? Number(m[1]) : 1;
  const col = m ? Number(m[2]) : 1;
  const message = m ? v8Message.slice(0, m.index) : v8Message;
  const e4x = findE4x(source);
  // E4X at or before the failing line is the cause: later code never got parsed
  if (e4x && e4x.line <= line) {
    return {
      kind: 'e4x',
      line: e4x.line,
      col: e4x.col,
      message:
        `E4X XML literals are not supported (found ${e4x.what} at line ${e4x.line} of the script): write the XML as a string ` +
        `and pass it to mc.setPayloadXML(), read XML with mc.getPayloadXML() as text, or work on JSON with mc.getPayloadJSON()`,
    };
  }
  return { kind: 'syntax', line, col, message };
}

/**
 * The first E4X construct in `source`: an XML literal (`<Name`, `<>`) where an expression
 * starts, or one of E4X's operators (`..child`, `.@attr`, `ns::name`), outside strings, comments
 * and template literals. Only asked after the parser rejected the script, so ordinary `a < b`
 * comparisons never reach the question.
 */
export function findE4x(source: string): { line: number; col: number; what: string } | undefined {
  const code = blankStringsAndComments(source);
  const found: { at: number; what: string }[] = [];
  const literal = /(^|[=(,:[!&|?{};+]|\breturn|\byield)\s*(<(?:>|[A-Za-z_][\w.:-]*(?=[\s/>])))/g;
  const m1 = literal.exec(code);
  if (m1) {
    const tag = m1[2]!;
    found.push({ at: m1.index + m1[0].length - tag.length, what: tag === '<>' ? 'the XML list literal <>' : `the XML literal ${tag}>` });
  }
  // descendant access (not a spread, not 1..toString()), attribute access, namespace qualifier
  const operator = /(?<![.\d])\.\.(?=[*A-Za-z_])|\.@(?=[*A-Za-z_])|(?<=[\w*])::(?=[*A-Za-z_])/g;
  const m2 = operator.exec(code);
  if (m2) found.push({ at: m2.index, what: `the E4X operator ${m2[0]}` });
  if (found.length === 0) return undefined;
  const first = found.sort((x, y) => x.at - y.at)[0]!;
  const before = code.slice(0, first.at);
  return { line: before.split('\n').length, col: first.at - before.lastIndexOf('\n'), what: first.what };
}

/** Replace the insides of strings, template literals and comments with spaces (lines kept). */
function blankStringsAndComments(s: string): string {
  const out = s.split('');
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '/' && s[i + 1] === '/') {
      const end = s.indexOf('\n', i);
      const stop = end < 0 ? s.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      const stop = end < 0 ? s.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < s.length && s[j] !== c) {
        if (s[j] === '\\') j++;
        else if (c !== '`' && s[j] === '\n') break;
        j++;
      }
      blank(i + 1, j);
      i = j + 1;
    } else i++;
  }
  return out.join('');
}
