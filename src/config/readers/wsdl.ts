// Config stage: the address of a WSDL endpoint, read from the WSDL's service
// and port (WSDL 1.1 soap:address / soap12:address / http:address, or a WSDL 2.0 endpoint).

import { childElements, localName, type XmlElement } from '../../xml/parse.js';

export const WSDL11_NS = 'http://schemas.xmlsoap.org/wsdl/';
export const WSDL20_NS = 'http://www.w3.org/ns/wsdl';
const SOAP11_BINDING = 'http://schemas.xmlsoap.org/wsdl/soap/';
const SOAP12_BINDING = 'http://schemas.xmlsoap.org/wsdl/soap12/';

export type WsdlAddress = { uri: string; soap: 'soap11' | 'soap12' | undefined } | { error: string };

/** `ns:Name` and `{ns}Name` are compared by their local part, as names are unique per WSDL. */
function local(qname: string): string {
  const t = qname.trim();
  const brace = t.lastIndexOf('}');
  if (brace >= 0) return t.slice(brace + 1);
  const colon = t.lastIndexOf(':');
  return colon >= 0 ? t.slice(colon + 1) : t;
}

export function isWsdlRoot(el: XmlElement): boolean {
  return (el.namespaceURI === WSDL11_NS && localName(el) === 'definitions') || (el.namespaceURI === WSDL20_NS && localName(el) === 'description');
}

export function wsdlAddress(root: XmlElement, service: string, port: string): WsdlAddress {
  if (!isWsdlRoot(root)) return { error: `the document is not a WSDL (its root is <${root.nodeName}>)` };
  const v2 = root.namespaceURI === WSDL20_NS;
  const services = childElements(root).filter((e) => localName(e) === 'service');
  const svc = services.find((e) => e.getAttribute('name') === local(service));
  if (!svc) {
    return { error: `the WSDL has no service "${service}" (it has ${services.map((s) => `"${s.getAttribute('name')}"`).join(', ') || 'none'})` };
  }
  const ports = childElements(svc).filter((e) => localName(e) === (v2 ? 'endpoint' : 'port'));
  const p = ports.find((e) => e.getAttribute('name') === local(port));
  if (!p) {
    return { error: `service "${service}" has no ${v2 ? 'endpoint' : 'port'} "${port}" (it has ${ports.map((x) => `"${x.getAttribute('name')}"`).join(', ') || 'none'})` };
  }
  if (v2) {
    const a = p.getAttribute('address');
    return a ? { uri: a.trim(), soap: undefined } : { error: `endpoint "${port}" has no address` };
  }
  const addr = childElements(p).find((e) => localName(e) === 'address');
  const loc = addr?.getAttribute('location');
  if (!addr || !loc) return { error: `port "${port}" has no address location` };
  const soap = addr.namespaceURI === SOAP11_BINDING ? 'soap11' : addr.namespaceURI === SOAP12_BINDING ? 'soap12' : undefined;
  return { uri: loc.trim(), soap };
}
