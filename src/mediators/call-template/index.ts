// Mediator <call-template>: run a sequence template with parameters (synapse-semantics §5.18,
// trap 29).
//   <call-template target="templateName" [onError="sequenceKey"]>
//     <with-param name="p" value="literal | {xpath} | {json-eval(..)} | {{literal in braces}}"/>*
//   </call-template>
// `{expr}` values are evaluated in the caller's context before the template starts (Synapse's
// string value); inside, $func:p / get-property('func','p') read the innermost frame of
// mc.funcStack. Parameters not passed take the template's defaultValue. Templates nest: each
// call pushes its own frame and pops it when the template's sequence ends, also when it ends
// later (a non-blocking call inside) or with an exception (so the fault sequence runs with the
// caller's frames).

import type { MediatorNode } from '../../config/ast.js';
import type { ExprNode } from '../../config/read-context.js';
import { MediationError } from '../../errors/codes.js';
import type { CompiledExpression } from '../../expr/types.js';
import type { FaultHandler, MessageContext } from '../../runtime/message-context.js';
import { sequenceHandler } from '../../runtime/sequence.js';
import { isPromise, type ArtifactRef, type MediatorDef } from '../types.js';

export interface WithParamNode {
  name: string;
  /** A literal value (braces of `{{..}}` already reduced to one pair). */
  value?: string;
  expression?: ExprNode;
}

export interface CallTemplateNode extends MediatorNode {
  kind: 'call-template';
  target: string;
  onError?: string;
  params: WithParamNode[];
}

export const callTemplateMediator: MediatorDef<CallTemplateNode> = {
  element: 'call-template',
  read(el, r) {
    r.checkAttributes(el, ['target', 'onError']);
    r.checkChildren(el, ['with-param']);
    const target = r.requireAttr(el, 'target');
    let ok = target !== undefined;
    if (target !== undefined && target.trim() === '') {
      r.error('AXON_CFG_BAD_VALUE', '"target" must name a template', r.attrNode(el, 'target'));
      ok = false;
    }
    const onError = r.attr(el, 'onError');
    const params: WithParamNode[] = [];
    const seen = new Set<string>();
    for (const p of r.children(el, 'with-param')) {
      r.checkAttributes(p, ['name', 'value']);
      const name = r.requireAttr(p, 'name');
      const value = r.requireAttr(p, 'value');
      if (name === undefined || value === undefined) {
        ok = false;
        continue;
      }
      if (seen.has(name)) {
        r.error('AXON_CFG_CONFLICT', `the parameter "${name}" is given twice`, r.attrNode(p, 'name'));
        ok = false;
        continue;
      }
      seen.add(name);
      if (value.startsWith('{{') && value.endsWith('}}')) {
        // escaped braces: a literal that keeps one pair
        params.push({ name, value: value.slice(1, -1) });
      } else if (value.startsWith('{') && value.endsWith('}')) {
        const e = r.expression(value.slice(1, -1), p, 'value');
        if (e) params.push({ name, expression: e });
        else ok = false;
      } else {
        params.push({ name, value });
      }
    }
    if (!ok) return undefined;
    const node: CallTemplateNode = { kind: 'call-template', target: target!.trim(), params, pos: r.pos(el) };
    if (onError !== undefined && onError.trim() !== '') node.onError = onError.trim();
    return node;
  },

  readsBody(node, c) {
    // the arguments are evaluated before the template runs; its own mediators load the body themselves
    return node.params.some((p) => !!p.expression && c.expr(p.expression).readsBody);
  },

  refs(node) {
    const out: ArtifactRef[] = [{ kind: 'template', key: node.target, pos: node.pos }];
    return out;
  },

  compile(node, c) {
    const template = c.template(node.target);
    if (!template) throw new Error(`call-template: no template named "${node.target}" (the linker should have reported it)`);
    const where = `${node.pos.file}:${node.pos.line}:${node.pos.col}`;

    const given = new Map(node.params.map((p) => [p.name, p]));
    for (const p of node.params) {
      if (!template.parameters.some((d) => d.name === p.name)) {
        // Synapse only sets up the parameters the template declares
        c.logger.log('warn', `${where} call-template "${node.target}": the template has no parameter "${p.name}"; it is ignored`, {
          category: 'mediator.call-template',
        });
      }
    }

    type Plan =
      | { name: string; kind: 'literal'; value: string }
      | { name: string; kind: 'expr'; expr: CompiledExpression; fallback: string | undefined; mandatory: boolean }
      | { name: string; kind: 'absent' };
    const plan: Plan[] = [];
    for (const d of template.parameters) {
      const p = given.get(d.name);
      if (p?.value !== undefined) plan.push({ name: d.name, kind: 'literal', value: p.value });
      else if (p?.expression) plan.push({ name: d.name, kind: 'expr', expr: c.expr(p.expression), fallback: d.defaultValue, mandatory: d.mandatory });
      else if (d.defaultValue !== undefined) plan.push({ name: d.name, kind: 'literal', value: d.defaultValue });
      else if (d.mandatory) {
        // known now: neither passed nor defaulted
        throw new Error(`${where} call-template "${node.target}": the mandatory parameter "${d.name}" is not given`);
      } else plan.push({ name: d.name, kind: 'absent' });
    }

    let handler: FaultHandler | undefined;
    if (node.onError !== undefined) {
      if (c.hasSequence(node.onError)) handler = sequenceHandler(c.sequence(node.onError));
      else {
        // as for a sequence's onError, a missing error sequence is only a warning
        c.logger.log('warn', `${where} call-template onError sequence "${node.onError}" does not exist; ignored`, {
          category: 'mediator.call-template',
        });
      }
    }
    const target = node.target;

    const frameFor = (mc: MessageContext): Map<string, unknown> => {
      const frame = new Map<string, unknown>();
      for (const p of plan) {
        switch (p.kind) {
          case 'literal':
            frame.set(p.name, p.value);
            break;
          case 'expr': {
            const v = p.expr.stringValue(mc);
            if (v !== null) frame.set(p.name, v);
            else if (p.fallback !== undefined) frame.set(p.name, p.fallback);
            else if (p.mandatory) {
              throw new MediationError('AXON_MED_FAILED', `call-template "${target}": the mandatory parameter "${p.name}" evaluated to nothing`);
            }
            break;
          }
          case 'absent':
            break;
        }
      }
      return frame;
    };

    return (mc) => {
      // evaluated in the caller's context: the caller's own $func: frame is still on top
      const frame = frameFor(mc);
      mc.funcStack.push(frame);
      if (handler) mc.faultStack.push(handler);
      const leave = () => {
        const i = mc.funcStack.lastIndexOf(frame);
        if (i >= 0) mc.funcStack.splice(i, 1);
      };
      const popHandler = () => {
        const s = mc.faultStack;
        if (handler && s[s.length - 1] === handler) s.pop();
      };
      let r: boolean | Promise<boolean>;
      try {
        // read at call time: a recursive template is compiled behind a handle
        r = template.sequence.mediate(mc);
      } catch (e) {
        // the handler stays on the fault stack for the runtime to pop and run; the frame goes
        leave();
        throw e;
      }
      if (isPromise<boolean>(r)) {
        return r.then(
          (v) => {
            leave();
            popHandler();
            return v;
          },
          (e: unknown) => {
            leave();
            throw e;
          },
        );
      }
      leave();
      popHandler();
      return r;
    };
  },
};
