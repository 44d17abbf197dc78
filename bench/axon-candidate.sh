#!/usr/bin/env bash
# Start Axon as a candidate for ../shared/bench/gateway-bench.sh: it must listen on $PORT and
# forward every path unchanged to 127.0.0.1:$BACKEND_PORT. MODE picks the config:
#   passthrough  one API on context "/" sending to an address endpoint (postfix appended)
#   mediated     the dynamic-endpoint policy: property + switch on API_ELECTED_RESOURCE +
#                header To built with fn:concat/get-property + default endpoint
set -euo pipefail
MODE=${1:?usage: axon-candidate.sh passthrough|mediated}
: "${PORT:?}" "${BACKEND_PORT:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
CFG=$(mktemp -d /tmp/axon-bench-XXXXXX)

NS='xmlns="http://ws.apache.org/ns/synapse"'
case "$MODE" in
  passthrough)
    cat >"$CFG/api.xml" <<XML
<api $NS name="Passthrough" context="/">
  <resource url-mapping="/*">
    <inSequence><send><endpoint><address uri="http://127.0.0.1:$BACKEND_PORT"/></endpoint></send></inSequence>
  </resource>
</api>
XML
    ;;
  mediated)
    cat >"$CFG/backend.xml" <<XML
<localEntry $NS key="backendBase">http://127.0.0.1:$BACKEND_PORT</localEntry>
XML
    cat >"$CFG/api.xml" <<XML
<api $NS name="Mediated" context="/">
  <resource uri-template="/rooms/{roomID}">
    <inSequence><sequence key="policy"/></inSequence>
  </resource>
  <resource url-mapping="/*">
    <inSequence><sequence key="policy"/></inSequence>
  </resource>
</api>
XML
    cat >"$CFG/policy.xml" <<XML
<sequence $NS name="policy">
  <property name="switchExpression" expression="get-property('API_ELECTED_RESOURCE')" scope="default"/>
  <switch source="\$ctx:switchExpression">
    <case regex="^/rooms/[^/]+\$">
      <header name="To" expression="fn:concat(get-property('backendBase'), '/rooms?room=', get-property('uri.var.roomID'))"/>
    </case>
    <default>
      <header name="To" expression="fn:concat(get-property('backendBase'), get-property('REST_FULL_REQUEST_PATH'))"/>
    </default>
  </switch>
  <property name="REST_URL_POSTFIX" scope="axis2" action="remove"/>
  <send><endpoint><default/></endpoint></send>
</sequence>
XML
    ;;
  *) echo "unknown mode $MODE" >&2; exit 2;;
esac
exec node --no-node-snapshot "$HERE/../dist/cli.js" serve --config "$CFG" --http-port "$PORT" --admin-port 0 --host 127.0.0.1 --log-level warn
