// Mediator <filter>: a condition (XPath boolean, json-eval "true", or source+regex full match)
// choosing then/else (synapse-semantics §5.8). Without <then>, all children are the then-branch
// and there is no else; <else> counts only next to <then>.
//   <filter (xpath=".." | source=".." regex="..")> <then [sequence="k"]>..</then> <else [sequence="k"]>..</else> </filter>

import type { MediatorNode } from '../../config/ast.js';
import type { ExprNode } from '../../config/read-context.js';
import { compileJavaRegex } from '../../regex/java-regex.js';
import type { ArtifactRef, CompileContext, MediatorDef, Mediate } from '../types.js';

interface Branch {
  mediators: MediatorNode[];
  sequenceKey?: string;
}

export interface FilterNode extends MediatorNode {
  kind: 'filter';
  xpath?: ExprNode;
  source?: ExprNode;
  regex?: string;
  then: Branch;
  else?: Branch;
}

export const filterMediator: MediatorDef<FilterNode> = {
  element: 'filter',
  read(el, r) {
    r.checkAttributes(el, ['xpath', 'source', 'regex']);
    const pos = r.pos(el);
    const xp = r.attr(el, 'xpath');
    const src = r.attr(el, 'source');
    const re = r.attr(el, 'regex');
    let xpath: ExprNode | undefined;
    let source: ExprNode | undefined;
    let regex: string | undefined;
    let ok = true;
    if (xp !== undefined) {
      if (src !== undefined || re !== undefined) r.error('AXON_CFG_CONFLICT', '<filter> takes either "xpath" or "source" with "regex", not both', el);
      xpath = r.expression(xp, el, 'xpath');
      ok = !!xpath;
    } else if (src !== undefined && re !== undefined) {
      source = r.expression(src, el, 'source');
      regex = r.regex(re, el, 'regex');
      ok = !!source && regex !== undefined;
    } else {
      r.error('AXON_CFG_MISSING_ATTRIBUTE', '<filter> needs "xpath", or "source" and "regex"', el);
      ok = false;
    }
    const thenEl = r.child(el, 'then');
    let thenB: Branch;
    let elseB: Branch | undefined;
    if (thenEl) {
      r.checkChildren(el, ['then', 'else']);
      thenB = readBranch(thenEl, r);
      const elseEl = r.child(el, 'else');
      if (elseEl) elseB = readBranch(elseEl, r);
    } else {
      thenB = { mediators: r.mediators(el, ['else']) };
    }
    if (!ok) return undefined;
    const node: FilterNode = { kind: 'filter', then: thenB, pos };
    if (xpath) node.xpath = xpath;
    if (source) node.source = source;
    if (regex !== undefined) node.regex = regex;
    if (elseB) node.else = elseB;
    return node;
  },
  readsBody(node, c) {
    return c.expr((node.xpath ?? node.source)!).readsBody;
  },
  children(node) {
    return [node.then.mediators, ...(node.else ? [node.else.mediators] : [])];
  },
  refs(node) {
    const out: ArtifactRef[] = [];
    for (const b of [node.then, node.else]) if (b?.sequenceKey) out.push({ kind: 'sequence', key: b.sequenceKey, pos: node.pos });
    return out;
  },
  compile(node, c) {
    let test: (mc: Parameters<Mediate>[0]) => boolean;
    if (node.xpath) {
      const e = c.expr(node.xpath);
      test = (mc) => e.booleanValue(mc);
    } else {
      const e = c.expr(node.source!);
      const re = compileJavaRegex(node.regex!);
      if (!re.ok) throw new Error('regex checked at read time failed');
      test = (mc) => {
        const s = e.stringValue(mc);
        return s !== null && re.fullMatch(s);
      };
    }
    const thenRun = compileBranch(node.then, c);
    const elseRun = node.else ? compileBranch(node.else, c) : undefined;
    return (mc) => (test(mc) ? thenRun(mc) : elseRun ? elseRun(mc) : true);
  },
};

function readBranch(el: Parameters<MediatorDef['read']>[0], r: Parameters<MediatorDef['read']>[1]): Branch {
  r.checkAttributes(el, ['sequence']);
  const key = r.attr(el, 'sequence');
  const b: Branch = { mediators: r.mediators(el) };
  if (key !== undefined) b.sequenceKey = key;
  return b;
}

function compileBranch(b: Branch, c: CompileContext): Mediate {
  if (b.sequenceKey) {
    const seq = c.sequence(b.sequenceKey);
    return (mc) => seq.mediate(mc);
  }
  return c.list(b.mediators);
}
