// Mediator <switch>: run the first case whose Java regex fully matches the source's string
// value; a null source goes straight to <default> (synapse-semantics §5.7, trap 27).
//   <switch source="xpath|json-eval(..)"> <case regex="..."> mediators </case>* <default> mediators </default>? </switch>

import type { MediatorNode } from '../../config/ast.js';
import type { ExprNode } from '../../config/read-context.js';
import { compileJavaRegex } from '../../regex/java-regex.js';
import type { MediatorDef, Mediate } from '../types.js';

export interface SwitchNode extends MediatorNode {
  kind: 'switch';
  source: ExprNode;
  cases: { regex: string; mediators: MediatorNode[] }[];
  default?: MediatorNode[];
}

export const switchMediator: MediatorDef<SwitchNode> = {
  element: 'switch',
  read(el, r) {
    r.checkAttributes(el, ['source']);
    r.checkChildren(el, ['case', 'default']);
    const src = r.requireAttr(el, 'source');
    const source = src === undefined ? undefined : r.expression(src, el, 'source');
    const cases: SwitchNode['cases'] = [];
    for (const c of r.children(el, 'case')) {
      r.checkAttributes(c, ['regex']);
      const re = r.requireAttr(c, 'regex');
      const regex = re === undefined ? undefined : r.regex(re, c, 'regex');
      const mediators = r.mediators(c);
      if (regex !== undefined) cases.push({ regex, mediators });
    }
    // only the first <default> counts, as in Synapse
    const d = r.child(el, 'default');
    if (!source) return undefined;
    const node: SwitchNode = { kind: 'switch', source, cases, pos: r.pos(el) };
    if (d) node.default = r.mediators(d);
    return node;
  },
  readsBody(node, c) {
    return c.expr(node.source).readsBody;
  },
  children(node) {
    return [...node.cases.map((k) => k.mediators), ...(node.default ? [node.default] : [])];
  },
  compile(node, c) {
    const source = c.expr(node.source);
    const cases = node.cases.map((k) => {
      const re = compileJavaRegex(k.regex);
      if (!re.ok) throw new Error(`regex checked at read time failed: ${k.regex}`);
      return { test: (s: string) => re.fullMatch(s), run: c.list(k.mediators), readsBody: c.listReadsBody(k.mediators) };
    });
    const def: Mediate | undefined = node.default ? c.list(node.default) : undefined;
    return (mc) => {
      const s = source.stringValue(mc);
      if (s !== null) {
        for (const k of cases) if (k.test(s)) return k.run(mc);
      }
      return def ? def(mc) : true;
    };
  },
};
