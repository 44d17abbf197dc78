// Payload: lazy body, built once as JSON or XML, untouched bytes forwarded as they came.

import { expect } from 'chai';
import { Readable } from 'node:stream';
import { MediationError } from '../../../src/errors/codes.js';
import { Payload, checkJsonDepth, kindOfMediaType, mediaType } from '../../../src/runtime/payload.js';
import { firstBodyElement } from '../../../src/expr/soap.js';
import { serializeXml } from '../../../src/xml/parse.js';

describe('runtime/payload', () => {
  it('classifies media types', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).to.equal('application/json');
    expect(kindOfMediaType('application/vnd.api+json')).to.equal('json');
    expect(kindOfMediaType('text/xml')).to.equal('xml');
    expect(kindOfMediaType('application/soap+xml')).to.equal('xml');
    expect(kindOfMediaType('text/plain')).to.equal('text');
    expect(kindOfMediaType('')).to.equal('none');
  });

  it('keeps the original bytes when nothing changed them, even after reading', async () => {
    const raw = Buffer.from('{ "a" : 1,   "b":[1,2] }');
    const p = Payload.fromStream(Readable.from([raw.subarray(0, 5), raw.subarray(5)]), 'application/json');
    expect(p.isStream).to.equal(true);
    await p.load(1000);
    expect(p.json()).to.deep.equal({ a: 1, b: [1, 2] });
    p.envelope(); // building the XML view does not make it authoritative
    expect(p.modified).to.equal(false);
    expect(p.serialize('application/json')!.equals(raw)).to.equal(true);
  });

  it('refuses a body over the limit while reading it', async () => {
    const p = Payload.fromStream(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 'application/json');
    try {
      await p.load(1000);
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).to.be.instanceOf(MediationError);
      expect((e as MediationError).code).to.equal('AXON_TRN_BODY_TOO_LARGE');
    }
  });

  it('shows JSON through the jsonObject view and serialises changes per messageType', () => {
    const p = Payload.fromBytes(Buffer.from('{"name":"x","n":[1]}'), 'application/json');
    const el = firstBodyElement(p.envelope())!;
    expect(el.localName).to.equal('jsonObject');
    p.setJson({ name: 'y' });
    expect(p.modified).to.equal(true);
    expect(p.serialize('application/json')!.toString()).to.equal('{"name":"y"}');
    expect(p.serialize('application/xml')!.toString()).to.contain('<name>y</name>');
  });

  it('wraps a plain XML body in an envelope and unwraps it on the way out', () => {
    const p = Payload.fromBytes(Buffer.from('<order><id>7</id></order>'), 'application/xml');
    const el = firstBodyElement(p.envelope())!;
    expect(serializeXml(el)).to.equal('<order><id>7</id></order>');
    p.envelopeChanged();
    expect(p.serialize('application/xml')!.toString()).to.equal('<order><id>7</id></order>');
    expect(p.serialize('application/json')!.toString()).to.equal('{"order":{"id":7}}');
  });

  it('keeps a SOAP envelope as the envelope', () => {
    const env = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:q xmlns:m="urn:x">1</m:q></s:Body></s:Envelope>';
    const p = Payload.fromBytes(Buffer.from(env), 'text/xml');
    expect(firstBodyElement(p.envelope())!.localName).to.equal('q');
    expect(p.soap).to.equal('soap11');
  });

  it('rejects malformed bodies and DOCTYPEs with AXON_MED_BAD_PAYLOAD', () => {
    for (const [body, type] of [
      ['{"a":', 'application/json'],
      ['<a><b></a>', 'application/xml'],
      ['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'application/xml'],
    ] as const) {
      const p = Payload.fromBytes(Buffer.from(body), type);
      expect(() => p.envelope(), body).to.throw(MediationError).with.property('code', 'AXON_MED_BAD_PAYLOAD');
    }
  });

  it('bounds JSON nesting before parsing', () => {
    expect(() => checkJsonDepth('['.repeat(300) + ']'.repeat(300), 256)).to.throw(MediationError);
    expect(() => checkJsonDepth('{"a":"[[[[[[[[["}', 3)).to.not.throw();
  });

  it('wraps text bodies in the Synapse text element', () => {
    const p = Payload.fromBytes(Buffer.from('hello'), 'text/plain');
    const el = firstBodyElement(p.envelope())!;
    expect(el.localName).to.equal('text');
    expect(el.textContent).to.equal('hello');
  });
});
