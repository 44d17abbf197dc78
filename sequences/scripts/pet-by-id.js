// GET /pets/{id} of the PetstoreScriptMockAPI (api/mock-script-api.xml): called with mc.
var PETS = {
  1: { id: 1, name: 'Rex', tag: 'dog' },
  2: { id: 2, name: 'Tom', tag: 'cat' },
  3: { id: 3, name: 'Fido', tag: 'dog' }
};

function mediate(mc) {
  var id = mc.getProperty('uri.var.id');
  var pet = PETS[id];
  if (pet) {
    mc.setPayloadJSON(pet);
  } else {
    mc.setProperty('HTTP_SC', 404, 'axis2');
    mc.setPayloadJSON({ code: 404, message: 'no pet with id ' + id });
  }
  mc.setProperty('messageType', 'application/json', 'axis2');
  return true;
}
