// Runtime for <script>: the JavaScript that runs *inside* the isolate. It builds the `mc` object
// of each message, runs the script, and hands back one JSON string: the writes still pending, the
// return rule's verdict and any error with its line. It also puts the context back as it found
// it (globals the script added are removed) and reports a context whose built-ins were changed,
// so the host replaces it: nothing a message leaves behind is seen by the next one.
//
// Reads (payload, properties) call the host synchronously and carry the pending writes along, so
// the host applies every write in order before answering. Everything crosses as strings.

/**
 * Evaluates to a function (host, source, mode, fn, sourceName) that installs the script and
 * returns `run()`. Measure before changing: this is the per-message path of every script.
 */
export const BOOTSTRAP = String.raw`(function (host, source, mode, fn, sourceName) {
  'use strict';
  var G = globalThis;
  var geval = G.eval;
  var parse = JSON.parse;
  var stringify = JSON.stringify;
  var ownKeys = Reflect.ownKeys;
  var rapply = Reflect.apply;
  var deleteProperty = Reflect.deleteProperty;
  var defineProperty = Object.defineProperty;
  var getDesc = Object.getOwnPropertyDescriptor;
  var StringFn = String;
  var TypeErrorFn = TypeError;
  var promiseResolve = Promise.resolve;
  var PromiseFn = Promise;
  var promiseThen = Promise.prototype.then;
  var MISSING = {};

  // --- the script ------------------------------------------------------------------------------
  var entry;
  if (mode === 'inline') {
    // indirect eval keeps the completion value (Synapse's return rule for inline scripts) and
    // gives let/const a scope of their own per message; V8 caches the compiled code
    var code = source + '\n//# sourceURL=' + sourceName;
    entry = function () { return geval(code); };
  } else {
    var factory = geval('(function (mc, __axonMissing) {' + source + '\n;return typeof ' + fn + " === 'function' ? " + fn + '(mc) : __axonMissing;\n})\n//# sourceURL=' + sourceName);
    entry = function (mc) {
      var r = factory(mc, MISSING);
      if (r === MISSING) throw new TypeErrorFn('the script defines no function "' + fn + '"');
      return r;
    };
  }

  // --- nothing shared may change: built-ins frozen, globals added by a message removed ------------
  // Weak references and finalizers could run one message's code during another's: not offered.
  delete G.FinalizationRegistry;
  delete G.WeakRef;
  var getProto = Object.getPrototypeOf;
  var freeze = Object.freeze;

  // Assigning to a property that a frozen prototype also has (obj.toString = f, err.message = m)
  // would fail; for the usual ones the prototype gets an accessor that defines the property on
  // the object instead, so such assignments keep working while the prototype stays unchanged.
  function enable(proto, key) {
    var d = getDesc(proto, key);
    if (!d || !('value' in d)) return;
    var value = d.value;
    defineProperty(proto, key, {
      get: function () { return value; },
      set: function (v) {
        if (this === proto) throw new TypeErrorFn('built-in objects cannot be changed');
        defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
      enumerable: d.enumerable,
      configurable: false,
    });
  }
  ['constructor', 'toString', 'valueOf', 'toLocaleString', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable'].forEach(function (k) { enable(Object.prototype, k); });
  ['constructor', 'toString'].forEach(function (k) { enable(Function.prototype, k); enable(Array.prototype, k); });
  [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError].forEach(function (E) {
    ['constructor', 'name', 'message', 'toString'].forEach(function (k) { enable(E.prototype, k); });
  });

  // freeze everything reachable from the global object, hidden intrinsics included
  var pending = [];
  // the global object itself stays extensible: scripts may add globals (removed after each message)
  var done = new Set([G]);
  function reach(v) {
    if (v !== null && (typeof v === 'object' || typeof v === 'function') && !done.has(v)) { done.add(v); pending.push(v); }
  }
  var baseKeys = ownKeys(G);
  var baseline = new Set(baseKeys);
  for (var b = 0; b < baseKeys.length; b++) {
    var gd = getDesc(G, baseKeys[b]);
    reach('value' in gd ? gd.value : gd.get);
    // the global bindings themselves stay as they are
    if (gd.configurable || gd.writable) defineProperty(G, baseKeys[b], { writable: false, configurable: false });
  }
  reach(getProto(G));
  [function () {}, function* () {}, async function () {}, async function* () {}].forEach(function (f) { reach(f); reach(f.prototype); });
  [[][Symbol.iterator](), ''[Symbol.iterator](), new Map().entries(), new Set().values(), /a/g[Symbol.matchAll]('')].forEach(reach);
  while (pending.length) {
    var o = pending.pop();
    reach(getProto(o));
    var ks = ownKeys(o);
    for (var i = 0; i < ks.length; i++) {
      var d = getDesc(o, ks[i]);
      if ('value' in d) reach(d.value);
      else { reach(d.get); reach(d.set); }
    }
    freeze(o);
  }
  var regexExec = RegExp.prototype.exec;
  var clearRegex = /(?:)/;

  /** Remove what the script added to the global object; true when the context must be replaced. */
  function cleanup() {
    // RegExp.lastMatch, $1... would show this message's data to the next one
    rapply(regexExec, clearRegex, ['']);
    var keys = ownKeys(G);
    if (keys.length === baseKeys.length) return false;
    var setHas = Set.prototype.has;
    for (var i = 0; i < keys.length; i++) {
      if (!rapply(setHas, baseline, [keys[i]])) deleteProperty(G, keys[i]);
    }
    return ownKeys(G).length !== baseKeys.length;
  }

  // --- errors --------------------------------------------------------------------------------------
  function lineOf(stack) {
    var marker = sourceName + ':';
    var at = stack.indexOf(marker);
    if (at < 0) return null;
    var n = 0;
    var digits = 0;
    for (var i = at + marker.length; i < stack.length; i++) {
      var c = stack.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      digits++;
    }
    return digits ? n : null;
  }
  function describe(e) {
    try {
      if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
        var stack = e.stack;
        return { name: StringFn(e.name), message: StringFn(e.message), line: typeof stack === 'string' ? lineOf(stack) : null };
      }
      return { name: 'Error', message: 'the script threw ' + StringFn(e), line: null };
    } catch (x) {
      return { name: 'Error', message: 'the script threw a value that cannot be described', line: null };
    }
  }

  // --- mc ---------------------------------------------------------------------------------------------
  function scopeOf(s) { return s === undefined || s === null ? 'default' : StringFn(s); }
  function makeMc(prefetched) {
    var ops = [];
    var json;
    var hasJson = false;
    function take() {
      if (ops.length === 0) return '';
      var s = stringify(ops);
      ops = [];
      return s;
    }
    function call(op, a, b) {
      var r = host(op, a === undefined ? null : a, b === undefined ? null : b, take());
      return typeof r === 'string' ? parse(r) : null;
    }
    function write(op) { ops[ops.length] = op; }
    function encode(v) {
      if (v === undefined) return 'null';
      if (typeof v === 'bigint') return stringify(StringFn(v));
      var s = stringify(v);
      return s === undefined ? 'null' : s;
    }
    var api = {
      getPayloadJSON: function () {
        if (!hasJson) {
          json = typeof prefetched === 'string' ? parse(prefetched) : call('json');
          hasJson = true;
        }
        return json;
      },
      setPayloadJSON: function (value) {
        var text;
        if (typeof value === 'string') { parse(value); text = value; } else text = stringify(value);
        if (typeof text !== 'string') throw new TypeErrorFn('setPayloadJSON needs an object, an array or JSON text');
        write(['json', text]);
        json = parse(text);
        hasJson = true;
      },
      getPayloadXML: function () { return call('xml'); },
      setPayloadXML: function (xml) { call('setXml', StringFn(xml)); hasJson = false; json = undefined; prefetched = null; },
      getPayloadText: function () { return call('text'); },
      getJsonText: function () { return call('jsonText'); },
      getEnvelopeXML: function () { return call('envelope'); },
      getProperty: function (name, scope) { return call('get', StringFn(name), scopeOf(scope)); },
      setProperty: function (name, value, scope) { write(['set', StringFn(name), encode(value), scopeOf(scope)]); },
      removeProperty: function (name, scope) { write(['remove', StringFn(name), scopeOf(scope)]); },
      getTo: function () { return call('addr', 'To'); },
      setTo: function (v) { write(['addr', 'To', StringFn(v)]); },
      setFrom: function (v) { write(['addr', 'From', StringFn(v)]); },
      setReplyTo: function (v) { write(['addr', 'ReplyTo', StringFn(v)]); },
      setFaultTo: function (v) { write(['addr', 'FaultTo', StringFn(v)]); },
      getMessageID: function () { return call('addr', 'MessageID'); },
      isResponse: function () { return call('isResponse'); },
    };
    return { api: api, take: take };
  }

  function finish(state, value, error) {
    var ops;
    try { ops = state.take(); } catch (e) { ops = ''; if (error === null) error = describe(e); }
    var dirty = true;
    try { dirty = cleanup(); } catch (e) { dirty = true; }
    return '{"stop":' + (error === null && value === false) + ',"dirty":' + dirty + ',"ops":' + (ops || '[]') +
      ',"error":' + (error === null ? 'null' : stringify(error)) + '}';
  }

  return function run(prefetched) {
    var state = makeMc(prefetched);
    var value;
    var error = null;
    try {
      defineProperty(G, 'mc', { value: state.api, writable: true, configurable: true, enumerable: false });
      value = entry(state.api);
    } catch (e) {
      error = describe(e);
    }
    if (error === null && value !== null && (typeof value === 'object' || typeof value === 'function')) {
      var then;
      try { then = value.then; } catch (e) { error = describe(e); }
      if (error === null && typeof then === 'function') {
        // an async script: settle first, then report (the host bounds the wait)
        return rapply(promiseThen, rapply(promiseResolve, PromiseFn, [value]), [
          function (v) { return finish(state, v, null); },
          function (e) { return finish(state, undefined, describe(e)); },
        ]);
      }
    }
    return finish(state, value, error);
  };
})`;
