// Endpoints stage: how Synapse appends the axis2 REST_URL_POSTFIX to an address endpoint's URI or
// a default endpoint's To address for REST requests (synapse-semantics §5.3, trap 7; W
// Axis2FlexibleMEPClient). The caller decides whether the request is REST and the postfix non-empty.

/**
 * Join `address` and `postfix` the way Synapse does:
 *   neither side has a "/" at the seam (and the postfix is not a query) -> one "/" is inserted;
 *   both have one -> the double "/" is collapsed;
 *   "address/" followed by "?query" -> the address loses its trailing "/";
 *   otherwise the two are concatenated.
 * An empty postfix leaves the address unchanged (Synapse only appends a non-empty one).
 */
export function appendRestPostfix(address: string, postfix: string): string {
  if (postfix === '') return address;
  const addressSlash = address.endsWith('/');
  const postfixSlash = postfix.startsWith('/');
  const postfixQuery = postfix.startsWith('?');
  if (!addressSlash && !postfixSlash && !postfixQuery) return `${address}/${postfix}`;
  if (addressSlash && postfixSlash) return address + postfix.slice(1);
  if (addressSlash && postfixQuery) return address.slice(0, -1) + postfix;
  return address + postfix;
}
