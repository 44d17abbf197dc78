// Mediator <script>: run JavaScript against the message through the `mc` API, in an isolate with
// time and memory limits (synapse-semantics §5.12, wso2-apim-features §2.1).
//   <script language="js|javascript|nashornJs|rhinoJs|graalJs"> code (text or CDATA) </script>
//   <script language="js" key="local-entry-or-file.js" [function="mediate"]/>
// Inline code runs as a script body whose completion value is the result; a key names a local
// entry holding the code, else a .js file of the config folder (registry prefixes such as conf:/
// and gov:/ are dropped), and `function` (default mediate) is called with mc. A false result stops
// the flow. Syntax errors and E4X XML literals are config errors; runtime failures fault the message.

import type { MediatorNode } from '../../config/ast.js';
import type { Position } from '../../config/diagnostics.js';
import { MediationError } from '../../errors/codes.js';
import { childElements, type XmlElement, type XmlNode } from '../../xml/parse.js';
import type { MediatorDef } from '../types.js';
import { checkScript, type ScriptMode } from './check.js';
import { DEFAULT_SCRIPT_LIMITS, ScriptEngine, ScriptFailure } from './engine.js';

/** Every JavaScript language name Synapse builds accept; all run on the one engine. */
export const SCRIPT_LANGUAGES = ['js', 'javascript', 'nashornJs', 'rhinoJs', 'graalJs'] as const;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const REGISTRY_PREFIX = /^(conf|gov|local|registry):\/*/;

export interface ScriptNode extends MediatorNode {
  kind: 'script';
  language: string;
  mode: ScriptMode;
  /** Function called in the key form. */
  fn: string;
  /** Inline code, or the text of the side file a key named (a local entry of that key wins). */
  source?: string;
  key?: string;
  /** File line where inline code starts (script line 1). */
  codeLine: number;
}

/** The side-file path of a script key: registry prefixes dropped. */
export function scriptResourcePath(key: string): string {
  return key.replace(REGISTRY_PREFIX, '');
}

export const scriptMediator: MediatorDef<ScriptNode> = {
  element: 'script',
  read(el, r) {
    r.checkAttributes(el, ['language', 'key', 'function']);
    const language = r.requireAttr(el, 'language');
    let ok = language !== undefined;
    if (language !== undefined && !(SCRIPT_LANGUAGES as readonly string[]).includes(language)) {
      r.error(
        'AXON_CFG_UNSUPPORTED_ELEMENT',
        `script language "${language}" is not supported: Axon runs JavaScript only (language ${SCRIPT_LANGUAGES.join(', ')})`,
        r.attrNode(el, 'language'),
      );
      ok = false;
    }
    const key = r.attr(el, 'key');
    const fnAttr = r.attr(el, 'function');
    const fn = fnAttr ?? 'mediate';
    if (fnAttr !== undefined && key === undefined) {
      r.error('AXON_CFG_CONFLICT', '"function" needs "key": inline scripts run as they are', r.attrNode(el, 'function'));
      ok = false;
    }
    if (!IDENTIFIER.test(fn)) {
      r.error('AXON_CFG_BAD_VALUE', `"function" must be a JavaScript function name, not "${fn}"`, r.attrNode(el, 'function'));
      ok = false;
    }
    for (const child of childElements(el)) {
      if (r.isSynapse(child) && child.localName === 'include') {
        r.error('AXON_CFG_UNSUPPORTED_ELEMENT', '<include> libraries in <script> are not supported by Axon; put the code into the script', child);
      } else {
        // E4X written without CDATA: the XML parser took the literal for config elements
        r.error(
          'AXON_CFG_SCRIPT_E4X',
          `<${child.nodeName}> inside <script>: E4X XML literals are not supported; write the XML as a string and wrap the code in <![CDATA[ ... ]]>`,
          child,
        );
      }
      ok = false;
    }
    const code = scriptText(el);
    const node: ScriptNode = { kind: 'script', language: language ?? 'js', mode: key === undefined ? 'inline' : 'function', fn, codeLine: code.line, pos: r.pos(el) };
    if (key !== undefined) {
      if (key.startsWith('{') && key.endsWith('}')) {
        r.error('AXON_CFG_UNSUPPORTED_ELEMENT', 'dynamic script keys ({xpath}) are not supported by Axon; name the script directly', r.attrNode(el, 'key'));
        return undefined;
      }
      if (code.text.trim() !== '') {
        r.error('AXON_CFG_CONFLICT', '<script> has both a key and inline code; use one', el);
        ok = false;
      }
      node.key = key;
      const file = scriptResourcePath(key);
      const text = r.resource(file);
      if (text !== undefined) {
        node.source = text;
        const p = ok ? checkScript(text, 'function', fn) : undefined;
        if (p) {
          const at: Position = { file: file.replace(/^\.?\//, ''), line: p.line, col: p.col };
          r.diag.error(p.kind === 'e4x' ? 'AXON_CFG_SCRIPT_E4X' : 'AXON_CFG_SCRIPT_SYNTAX', `script "${key}" (used at ${r.file}:${node.pos.line}): ${p.message}`, at);
          ok = false;
        }
      }
    } else {
      if (code.text.trim() === '') {
        r.error('AXON_CFG_MISSING_ELEMENT', '<script> needs inline code or a key', el);
        return undefined;
      }
      node.source = code.text;
      const p = ok ? checkScript(code.text, 'inline', fn) : undefined;
      if (p) {
        const at: Position = { file: r.file, line: code.line + p.line - 1, col: p.line === 1 ? code.col + p.col - 1 : p.col };
        r.diag.error(p.kind === 'e4x' ? 'AXON_CFG_SCRIPT_E4X' : 'AXON_CFG_SCRIPT_SYNTAX', `inline script, line ${p.line}: ${p.message}`, at);
        ok = false;
      }
    }
    return ok ? node : undefined;
  },

  // the script may read any part of the message, the body included
  readsBody() {
    return true;
  },

  refs(node) {
    // a key with no side file must name a local entry
    return node.key !== undefined && node.source === undefined ? [{ kind: 'localEntry', key: node.key, pos: node.pos }] : [];
  },

  compile(node, c) {
    const fromEntry = node.key !== undefined ? entryText(c.localEntry(node.key)) : undefined;
    const source = fromEntry ?? node.source;
    const where = node.key !== undefined ? `the external ${node.language} script "${node.key}" function ${node.fn}` : `the inline ${node.language} script at ${node.pos.file}:${node.pos.line}`;
    if (source === undefined) {
      const err = new MediationError('AXON_MED_SCRIPT_FAILED', `${where}: no local entry or file holds the script`);
      return () => {
        throw err;
      };
    }
    const engine = new ScriptEngine(source, node.mode, node.fn, c.scriptLimits ?? DEFAULT_SCRIPT_LIMITS);
    const inlineFrom = node.key === undefined ? node.codeLine : undefined;
    return async (mc) => {
      try {
        const r = await engine.run(mc);
        return !r.stop;
      } catch (e) {
        if (!(e instanceof ScriptFailure)) throw e;
        let at = '';
        if (e.line !== undefined) at = inlineFrom !== undefined ? ` at line ${e.line} (${node.pos.file}:${inlineFrom + e.line - 1})` : ` at line ${e.line}`;
        const message = `The script engine returned an error executing ${where}${at}: ${e.message}`;
        throw new MediationError('AXON_MED_SCRIPT_FAILED', message, { cause: e });
      }
    };
  },
};

/** The code of a script element with the file position of its first character. */
function scriptText(el: XmlElement): { text: string; line: number; col: number } {
  let text = '';
  let first: XmlNode | undefined;
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 3 || n.nodeType === 4) {
      first ??= n;
      text += n.nodeValue ?? '';
    }
  }
  const pos = first as (XmlNode & { lineNumber?: number; columnNumber?: number; nodeType: number }) | undefined;
  // a CDATA section's position is that of "<![CDATA[": its text starts 9 columns later
  const col = (pos?.columnNumber ?? 1) + (pos?.nodeType === 4 ? 9 : 0);
  return { text, line: pos?.lineNumber ?? (el as { lineNumber?: number }).lineNumber ?? 1, col };
}

/** The script text a local entry holds (text, or the text of its element). */
function entryText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { textContent?: unknown }).textContent === 'string') return (v as { textContent: string }).textContent;
  return undefined;
}
