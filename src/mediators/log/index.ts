// Mediator <log>: write one line about the message (synapse-semantics §5.9).
//   <log [level="simple|headers|full|custom"] [category="INFO|TRACE|DEBUG|WARN|ERROR|FATAL"]
//        [separator=", "] [logMessageID="bool"] [logFullPayload="bool"]>
//     <property name="n" (value="literal" | expression="xpath|json-eval(..)")/>*
//   </log>
//
// Line contents, items joined by the separator:
//   simple:  To: <addr>, [From:, WSAction:, SOAPAction:, ReplyTo:], MessageID:, Direction:, then
//            the properties as `name = value`
//   headers: the simple items, then the transport headers `Name : value` and (for a SOAP message
//            whose envelope is already built) the SOAP header blocks `local : text`, then the properties
//   full:    the simple items and properties, then `Payload: <json>` for JSON messages or
//            `Envelope: <xml>` otherwise
//   custom:  the properties only
// Credentials in transport headers (Authorization, Cookie...) are never printed.

import type { MediatorNode } from '../../config/ast.js';
import type { ExprNode } from '../../config/read-context.js';
import { envelopeHeader } from '../../expr/soap.js';
import type { LogLevel } from '../../runtime/logger.js';
import type { MessageContext } from '../../runtime/message-context.js';
import { childElements, directText, serializeXml } from '../../xml/parse.js';
import type { MediatorDef } from '../types.js';

const LEVELS = ['simple', 'headers', 'full', 'custom'] as const;
const CATEGORIES = ['INFO', 'TRACE', 'DEBUG', 'WARN', 'ERROR', 'FATAL'] as const;
type Category = (typeof CATEGORIES)[number];

const LOGGER_LEVEL: Record<Category, Exclude<LogLevel, 'silent'>> = {
  INFO: 'info',
  TRACE: 'trace',
  DEBUG: 'debug',
  WARN: 'warn',
  ERROR: 'error',
  FATAL: 'fatal',
};

/** Transport headers whose values are secrets: their names are logged, their values are not. */
const MASKED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export interface LogPropertyNode {
  name: string;
  value?: string;
  expression?: ExprNode;
}

export interface LogNode extends MediatorNode {
  kind: 'log';
  level: (typeof LEVELS)[number];
  category: Category;
  separator: string;
  properties: LogPropertyNode[];
}

export const logMediator: MediatorDef<LogNode> = {
  element: 'log',
  read(el, r) {
    r.checkAttributes(el, ['level', 'category', 'separator', 'logMessageID', 'logFullPayload']);
    r.checkChildren(el, ['property', 'message']);
    // Synapse compares level and category exactly (lower-case levels, upper-case categories)
    const level = r.enumAttr(el, 'level', LEVELS, 'simple')!;
    const category = r.enumAttr(el, 'category', CATEGORIES, 'INFO')!;
    const sepRaw = r.attr(el, 'separator');
    // the separator may spell line breaks and tabs as \n and \t
    const separator = sepRaw === undefined ? ', ' : sepRaw.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
    r.boolAttr(el, 'logMessageID', false);
    r.boolAttr(el, 'logFullPayload', false);
    const message = r.child(el, 'message');
    if (message) {
      r.error('AXON_CFG_UNSUPPORTED_ELEMENT', '<log> <message> templates (Synapse expressions, MI 4.4) are not supported by Axon; use <property> children', message);
    }
    const properties: LogPropertyNode[] = [];
    let ok = !message;
    for (const p of r.children(el, 'property')) {
      r.checkAttributes(p, ['name', 'value', 'expression']);
      const name = r.requireAttr(p, 'name');
      const value = r.attr(p, 'value');
      const expression = r.attr(p, 'expression');
      if (name === undefined) {
        ok = false;
        continue;
      }
      if (value !== undefined) {
        properties.push({ name, value });
      } else if (expression !== undefined) {
        const e = r.expression(expression, p, 'expression');
        if (e) properties.push({ name, expression: e });
        else ok = false;
      } else {
        r.error('AXON_CFG_MISSING_ATTRIBUTE', `<property name="${name}"> in <log> needs a value or an expression`, p);
        ok = false;
      }
    }
    if (!ok) return undefined;
    return { kind: 'log', level, category, separator, properties, pos: r.pos(el) };
  },

  readsBody(node, c) {
    // only the payload dump needs the body; headers/simple read what the message already has
    if (node.level === 'full') return true;
    return node.properties.some((p) => !!p.expression && c.expr(p.expression).readsBody);
  },

  compile(node, c) {
    const level = LOGGER_LEVEL[node.category];
    const sep = node.separator;
    const props = node.properties.map((p) => {
      if (p.value !== undefined) {
        const item = `${p.name} = ${p.value}`;
        return () => item;
      }
      const e = c.expr(p.expression!);
      const name = p.name;
      // a null result prints as "null", as Java's string concatenation does
      return (mc: MessageContext) => `${name} = ${e.stringValue(mc) ?? 'null'}`;
    });
    const logger = c.logger;
    const fields = { category: 'mediator.log' };
    const mode = node.level;

    return (mc) => {
      // the level can be raised at run time; build nothing the logger would drop
      if (!logger.enabled(level)) return true;
      const items: string[] = [];
      if (mode !== 'custom') simpleItems(mc, items);
      if (mode === 'headers') headerItems(mc, items);
      for (const p of props) items.push(p(mc));
      if (mode === 'full') items.push(payloadItem(mc));
      logger.log(level, items.join(sep), fields);
      return true;
    };
  },
};

/** The addressing fields Synapse prints for level simple (and headers/full). */
function simpleItems(mc: MessageContext, items: string[]): void {
  items.push(`To: ${mc.getAddress('To') ?? ''}`);
  const from = mc.getAddress('From');
  if (from !== null) items.push(`From: ${from}`);
  const soapAction = soapActionOf(mc);
  // Axis2 takes the WS-Addressing action from SOAPAction when no wsa:Action was set
  const action = mc.getAddress('Action') ?? soapAction;
  if (action !== null) items.push(`WSAction: ${action}`);
  if (soapAction !== null) items.push(`SOAPAction: ${soapAction}`);
  const replyTo = mc.getAddress('ReplyTo');
  if (replyTo !== null) items.push(`ReplyTo: ${replyTo}`);
  const id = mc.getAddress('MessageID');
  if (id !== null) items.push(`MessageID: ${id}`);
  items.push(`Direction: ${mc.isResponse ? 'response' : 'request'}`);
}

/** SOAPAction as Axis2 reads it: the header value without its surrounding quotes. */
function soapActionOf(mc: MessageContext): string | null {
  const raw = mc.headers.get('SOAPAction');
  if (raw === undefined) return null;
  const t = raw.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function headerItems(mc: MessageContext, items: string[]): void {
  for (const [name, value] of mc.headers.entries()) {
    const v = MASKED_HEADERS.has(name.toLowerCase()) ? '***' : Array.isArray(value) ? value.join(', ') : value;
    items.push(`${name} : ${v}`);
  }
  // SOAP header blocks, without forcing a parse: only when the body was already read as SOAP
  if (mc.payload.soap !== null && !mc.payload.isStream) {
    try {
      const header = envelopeHeader(mc.envelope());
      if (header) for (const b of childElements(header)) items.push(`${b.localName ?? b.nodeName} : ${directText(b)}`);
    } catch {
      // an unreadable envelope just has no header blocks to show
    }
  }
}

function payloadItem(mc: MessageContext): string {
  // W prints the JSON text of a JSON message, and the SOAP envelope of anything else
  if (mc.payload.kind === 'json') return `Payload: ${mc.payload.text(mc.env.limits)}`;
  return `Envelope: ${serializeXml(mc.envelope())}`;
}
