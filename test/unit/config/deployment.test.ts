// deployment.toml: WSO2 key names where WSO2 has them, every problem named by its key.

import { expect } from 'chai';
import path from 'node:path';
import { DeploymentError, parseDeployment } from '../../../src/config/deployment.js';

describe('config: deployment.toml', () => {
  it('reads listeners, TLS files, limits, timeouts and log level', () => {
    const d = parseDeployment(
      `[server]
bind_address = "127.0.0.1"
[transport.http]
listener.port = 8290
listener.max_body_size = 2048
[transport.https]
listener.port = 8253
listener.certificate = "tls/cert.pem"
listener.private_key = "tls/key.pem"
[transport.passthru_https.sender.parameters]
HostnameVerifier = "AllowAll"
[truststore]
file_name = ["ca1.pem", "ca2.pem"]
[synapse_properties]
'synapse.global_timeout_interval' = 30000
[log]
level = "warn"
[transport.http.sender]
connect_timeout = 5000
`,
      '/etc/axon/deployment.toml',
    );
    expect(d).to.deep.equal({
      host: '127.0.0.1',
      httpPort: 8290,
      maxBodyBytes: 2048,
      httpsPort: 8253,
      tlsCertFile: path.resolve('/etc/axon/tls/cert.pem'),
      tlsKeyFile: path.resolve('/etc/axon/tls/key.pem'),
      hostnameVerifier: 'AllowAll',
      trustedCaFiles: [path.resolve('/etc/axon/ca1.pem'), path.resolve('/etc/axon/ca2.pem')],
      globalTimeoutMs: 30000,
      logLevel: 'warn',
      connectTimeoutMs: 5000,
    });
    expect(parseDeployment('[server]\nworkers = 2\n[transport.http]\nsocket_timeout = 60000\n', '/x/d.toml')).to.deep.equal({ workers: 2, socketTimeoutMs: 60000 });
  });

  it('names unknown keys, bad values and half-configured TLS', () => {
    try {
      parseDeployment(`[transport.http]\nlistener.port = 70000\nlistener.prot = 1\n[transport.https]\nlistener.certificate = "c.pem"\n[log]\nlevel = "loud"\n`, '/x/deployment.toml');
      expect.fail('should throw');
    } catch (e) {
      expect(e).to.be.instanceOf(DeploymentError);
      const p = (e as DeploymentError).problems.join('\n');
      expect(p).to.contain('transport.http.listener.port must be a port number');
      expect(p).to.contain('unknown setting "transport.http.listener.prot"');
      expect(p).to.contain('log.level must be');
      expect(p).to.contain('needs both transport.https.listener.certificate and transport.https.listener.private_key');
    }
  });

  it('reads the script limits from [script], and rejects a memory limit under 8 MB', () => {
    const d = parseDeployment(`[script]\ntimeout_ms = 250\nmemory_limit_mb = 16\n`, '/etc/axon/deployment.toml');
    expect([d.scriptTimeoutMs, d.scriptMemoryMb]).to.deep.equal([250, 16]);
    expect(() => parseDeployment(`[script]\nmemory_limit_mb = 4\n`, 'd.toml')).to.throw(DeploymentError, 'script.memory_limit_mb must be at least 8');
    expect(() => parseDeployment(`[script]\ntimeout_ms = -1\n`, 'd.toml')).to.throw(DeploymentError, 'script.timeout_ms must be a positive integer');
  });

  it('reports TOML syntax errors with their position', () => {
    expect(() => parseDeployment('[log\nlevel = 1', '/x/d.toml')).to.throw(DeploymentError, /\/x\/d\.toml: \d+:\d+ /);
  });
});
