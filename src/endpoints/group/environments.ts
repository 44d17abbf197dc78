// Endpoints, runtime stage: API Manager's production and sandbox endpoints. The key type of the
// caller (AM_KEY_TYPE, set by a mediator, or a configured request header) picks the
// environment, with API Manager's answers when that environment has no endpoint.

import { MediationError } from '../../errors/codes.js';
import type { EnvironmentsEndpointBody } from '../../config/ast.js';
import type { MessageContext } from '../../runtime/message-context.js';
import type { BackendResponse, Endpoint, EndpointView } from '../types.js';
import type { GroupRuntime } from './group.js';

export type KeyType = 'PRODUCTION' | 'SANDBOX';

export type EnvironmentChoice = { kind: 'send'; to: KeyType } | { kind: 'refuse'; status: 401 | 403; message: string };

/**
 * The decision table of API Manager's generated API (features note §1.5), without the
 * unsecured-resource special case: Axon has no resource auth types.
 */
export function chooseEnvironment(gateway: EnvironmentsEndpointBody['gatewayType'], hasProduction: boolean, hasSandbox: boolean, key: KeyType): EnvironmentChoice {
  const target: KeyType = gateway === 'sandbox' || (gateway === 'hybrid' && !hasProduction) ? 'SANDBOX' : 'PRODUCTION';
  if (key === target) return { kind: 'send', to: target };
  if (gateway !== 'hybrid') {
    return {
      kind: 'refuse',
      status: 401,
      message: gateway === 'production' ? 'Sandbox Key Provided for Production Gateway' : 'Production Key Provided for Sandbox Gateway',
    };
  }
  if (hasProduction && hasSandbox) return { kind: 'send', to: key };
  if (hasProduction) return { kind: 'refuse', status: 403, message: 'Sandbox key offered to the API with no sandbox endpoint' };
  return { kind: 'refuse', status: 403, message: 'Production key offered to the API with no production endpoint' };
}

export class EnvironmentsEndpoint implements Endpoint {
  readonly type = 'environments';

  constructor(
    readonly name: string | undefined,
    private readonly body: EnvironmentsEndpointBody,
    private readonly production: Endpoint | undefined,
    private readonly sandbox: Endpoint | undefined,
    private readonly rt: GroupRuntime,
  ) {}

  #keyType(mc: MessageContext): KeyType {
    let v = mc.props.get('AM_KEY_TYPE');
    if ((v === undefined || v === null || v === '') && this.body.keyTypeHeader) {
      v = mc.headers.get(this.body.keyTypeHeader);
      if (v) mc.props.set('AM_KEY_TYPE', String(v).trim().toUpperCase());
    }
    // a caller without a key type is production traffic, as API Manager treats unsecured calls
    return String(v ?? '').trim().toUpperCase() === 'SANDBOX' ? 'SANDBOX' : 'PRODUCTION';
  }

  async send(mc: MessageContext): Promise<BackendResponse> {
    if (this.rt.off) throw new MediationError('AXON_EP_NOT_READY', `Currently , Environments endpoint : [ Name : ${this.name ?? 'AnonymousEndpoint'} ] [ State : MAINTNENCE ]`);
    const c = chooseEnvironment(this.body.gatewayType, !!this.production, !!this.sandbox, this.#keyType(mc));
    if (c.kind === 'refuse') {
      // both answers carry API Manager's key error code in ERROR_CODE
      throw new MediationError(c.status === 401 ? 'AXON_EP_WRONG_GATEWAY' : 'AXON_EP_WRONG_KEY_TYPE', c.message, { synapseCode: 900901 });
    }
    return (c.to === 'PRODUCTION' ? this.production : this.sandbox)!.send(mc);
  }

  ready(): boolean {
    return !this.rt.off && ((this.production?.ready() ?? false) || (this.sandbox?.ready() ?? false));
  }

  shouldRetry(code: number): boolean {
    return code !== 900901;
  }

  setActive(on: boolean): void {
    this.rt.off = !on;
  }

  view(): EndpointView {
    const children: EndpointView[] = [];
    if (this.production) children.push({ ...this.production.view(), environment: 'production' });
    if (this.sandbox) children.push({ ...this.sandbox.view(), environment: 'sandbox' });
    return { name: this.name ?? null, type: this.type, state: this.rt.off ? 'off' : this.ready() ? 'active' : 'suspended', children };
  }
}
