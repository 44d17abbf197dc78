// Endpoints: how Synapse appends REST_URL_POSTFIX to an address or To URL (§5.3, trap 7):
// one "/" between the two, never two; "address/" followed by "?query" loses the slash.

export function appendRestPostfix(address: string, postfix: string): string {
  if (postfix === '') return address;
  const aSlash = address.endsWith('/');
  if (postfix.startsWith('?')) return (aSlash ? address.slice(0, -1) : address) + postfix;
  const pSlash = postfix.startsWith('/');
  if (aSlash && pSlash) return address + postfix.slice(1);
  if (!aSlash && !pSlash) return `${address}/${postfix}`;
  return address + postfix;
}
