// The explicit list of built-in mediators. Adding a mediator: one folder, one line here,
// its tests and a conformance case.

import { MediatorRegistry } from './registry.js';
import { propertyMediator } from './property/index.js';
import { headerMediator } from './header/index.js';
import { switchMediator } from './switch/index.js';
import { filterMediator } from './filter/index.js';
import { sequenceMediator } from './sequence/index.js';
import { dropMediator, inMediator, loopbackMediator, outMediator, respondMediator } from './flow-control/index.js';
import { sendMediator } from './send/index.js';
import { callMediator } from './call/index.js';
import { logMediator } from './log/index.js';
import { payloadFactoryMediator } from './payload-factory/index.js';
import { enrichMediator } from './enrich/index.js';
import { callTemplateMediator } from './call-template/index.js';
import { makefaultMediator } from './makefault/index.js';
import { scriptMediator } from './script/index.js';

export function builtinRegistry(): MediatorRegistry {
  return new MediatorRegistry()
    .register(propertyMediator)
    .register(headerMediator)
    .register(switchMediator)
    .register(filterMediator)
    .register(sequenceMediator)
    .register(logMediator)
    .register(sendMediator)
    .register(callMediator)
    .register(respondMediator)
    .register(dropMediator)
    .register(loopbackMediator)
    .register(payloadFactoryMediator)
    .register(enrichMediator)
    .register(callTemplateMediator)
    .register(makefaultMediator)
    .register(scriptMediator)
    .register(inMediator)
    .register(outMediator);
}
