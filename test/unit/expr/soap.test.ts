// Expression stage tests: the SOAP envelope helpers that hold every payload.

import { expect } from 'chai';
import {
  SOAP11_NS,
  SOAP12_NS,
  createEnvelope,
  envelopeBody,
  envelopeHeader,
  firstBodyElement,
  isSoapEnvelope,
  setBodyElement,
  soapVersionOf,
} from '../../../src/expr/soap.js';
import { parseXml, serializeXml, type XmlElement } from '../../../src/xml/parse.js';

describe('expr/soap', () => {
  it('createEnvelope builds Envelope with an empty Header and Body', () => {
    const d11 = createEnvelope('soap11');
    expect(serializeXml(d11)).to.equal(
      `<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}"><soapenv:Header/><soapenv:Body/></soapenv:Envelope>`,
    );
    const d12 = createEnvelope('soap12');
    expect(d12.documentElement!.namespaceURI).to.equal(SOAP12_NS);
    expect(soapVersionOf(d11)).to.equal('soap11');
    expect(soapVersionOf(d12)).to.equal('soap12');
    expect(isSoapEnvelope(d12.documentElement)).to.equal(true);
  });

  it('Body, Header and the first Body element', () => {
    const doc = createEnvelope('soap11');
    expect(envelopeBody(doc)!.localName).to.equal('Body');
    expect(envelopeHeader(doc)!.localName).to.equal('Header');
    expect(firstBodyElement(doc)).to.equal(null);
  });

  it('setBodyElement replaces the Body children, importing foreign elements', () => {
    const doc = createEnvelope('soap11');
    const foreign = parseXml('<a xmlns="urn:a"><b>1</b></a>').documentElement as XmlElement;
    const placed = setBodyElement(doc, foreign)!;
    expect(placed.ownerDocument).to.equal(doc);
    expect(serializeXml(firstBodyElement(doc)!)).to.equal('<a xmlns="urn:a"><b>1</b></a>');
    const second = doc.createElement('c');
    setBodyElement(doc, second);
    expect(firstBodyElement(doc)).to.equal(second);
    expect(envelopeBody(doc)!.childNodes.length).to.equal(1);
    setBodyElement(doc, null);
    expect(firstBodyElement(doc)).to.equal(null);
  });

  it('envelopeHeader(doc, true) adds a missing Header before the Body', () => {
    const doc = parseXml(`<s:Envelope xmlns:s="${SOAP12_NS}"><s:Body><x/></s:Body></s:Envelope>`);
    expect(envelopeHeader(doc)).to.equal(null);
    const h = envelopeHeader(doc, true)!;
    expect(h.namespaceURI).to.equal(SOAP12_NS);
    expect(serializeXml(doc)).to.equal(`<s:Envelope xmlns:s="${SOAP12_NS}"><s:Header/><s:Body><x/></s:Body></s:Envelope>`);
    expect(envelopeHeader(doc, true)).to.equal(h);
  });

  it('non-envelopes are recognised as such', () => {
    const doc = parseXml('<Envelope><Body/></Envelope>');
    expect(isSoapEnvelope(doc.documentElement)).to.equal(false);
    expect(soapVersionOf(doc)).to.equal(null);
    expect(envelopeBody(doc)).to.equal(null);
    expect(firstBodyElement(doc)).to.equal(null);
    expect(envelopeHeader(doc, true)).to.equal(null);
    expect(() => setBodyElement(doc, null)).to.throw();
  });
});
