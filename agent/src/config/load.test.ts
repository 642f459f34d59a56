import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfigFile, loadAgentConfig } from './load.ts';

const upstream = 'sensors:\n  mail:\n    upstream:\n      host: mail.example.co.jp\n      auth: { mode: configured, user: relay@example.co.jp }\n';

function setup(config: string, mode = 0o644) {
  const dir = mkdtempSync(join(tmpdir(), 'agent-config-'));
  const configFile = join(dir, 'agent.yaml');
  writeFileSync(configFile, config);
  chmodSync(configFile, mode);
  return { dir, configFile, stateDir: join(dir, 'state') };
}

describe('agent config with a separate secrets file', () => {
  it('merges secrets.yaml (0600) beside agent.yaml (0644) over it', () => {
    const { dir, configFile, stateDir } = setup(upstream);
    writeFileSync(join(dir, 'secrets.yaml'), 'sensors:\n  mail:\n    upstream:\n      auth: { pass: "s3cret" }\n', { mode: 0o600 });
    const config = loadAgentConfig({ stateDir, configFile });
    expect((config.sensors as { mail: { upstream: { host: string; auth: unknown } } }).mail.upstream)
      .toMatchObject({ host: 'mail.example.co.jp', auth: { mode: 'configured', user: 'relay@example.co.jp', pass: 's3cret' } });
  });

  it('refuses a password in a config file others can read, and a secrets file others can read', () => {
    const leaky = setup(upstream.replace('user: relay@example.co.jp', 'user: relay@example.co.jp, pass: "s3cret"'));
    expect(() => loadAgentConfig({ stateDir: leaky.stateDir, configFile: leaky.configFile }))
      .toThrow(/sensors\.mail\.upstream\.auth\.pass: a secret does not belong in a file others can read; put it in .*secrets\.yaml \(mode 0600\)/);
    const privateConfig = setup(upstream.replace('user: relay@example.co.jp', 'user: relay@example.co.jp, pass: "s3cret"'), 0o600);
    expect(() => loadAgentConfig({ stateDir: privateConfig.stateDir, configFile: privateConfig.configFile })).not.toThrow();
    const open = setup(upstream);
    writeFileSync(join(open.dir, 'secrets.yaml'), 'sensors: {}\n', { mode: 0o644 });
    chmodSync(join(open.dir, 'secrets.yaml'), 0o644);
    expect(() => loadAgentConfig({ stateDir: open.stateDir, configFile: open.configFile })).toThrow(/secrets\.yaml: readable by others; chmod 600/);
  });
});

describe('default config file', () => {
  it('is the package\'s /etc file for the package\'s state dir (when present), else <stateDir>/agent.yaml', () => {
    const saved = process.env.MAMORI_AGENT_CONFIG;
    delete process.env.MAMORI_AGENT_CONFIG;
    try {
      const { dir, configFile } = setup('local: { port: 7444 }\n');
      const layout = { stateDir: join(dir, 'var-lib-mamori'), configFile };
      expect(defaultConfigFile(layout.stateDir, layout)).toBe(configFile);
      expect(defaultConfigFile(join(dir, 'elsewhere'), layout)).toBe(join(dir, 'elsewhere', 'agent.yaml'));
      expect(defaultConfigFile(layout.stateDir, { ...layout, configFile: join(dir, 'absent.yaml') })).toBe(join(layout.stateDir, 'agent.yaml'));
      process.env.MAMORI_AGENT_CONFIG = '/chosen.yaml';
      expect(defaultConfigFile(layout.stateDir, layout)).toBe('/chosen.yaml');
    } finally {
      if (saved === undefined) delete process.env.MAMORI_AGENT_CONFIG;
      else process.env.MAMORI_AGENT_CONFIG = saved;
    }
  });
});

describe('sensor sections', () => {
  it('are part of the one config schema: each sensor gets its settings validated, with defaults, at start', () => {
    const { configFile, stateDir } = setup('sensors:\n  usb: { pollMs: 100, enforcement: "off" }\n  print: { enabled: false }\n');
    const config = loadAgentConfig({ stateDir, configFile });
    expect(config.sensors.usb).toMatchObject({ pollMs: 100, enforcement: 'off', sysRoot: '/sys' });
    expect(config.sensors.print.enabled).toBe(false);
    expect(config.sensors.fileCopy.enabled).toBe(true);
    expect(config.sensors.mail.listen).toEqual({ host: '127.0.0.1', port: 2525 });
    expect(config.sensors.upload.loopback).toBe(false);
  });

  it('refuse a misspelt sensor, naming the key', () => {
    const { configFile, stateDir } = setup('sensors:\n  usbb:\n    pollMs: 100\n');
    expect(() => loadAgentConfig({ stateDir, configFile })).toThrow(/agent\.yaml: sensors\.usbb: unknown setting/);
    const old = setup('sensors:\n  file-copy: { enabled: false }\n');
    expect(() => loadAgentConfig({ stateDir: old.stateDir, configFile: old.configFile })).toThrow(/sensors\.file-copy: unknown setting/);
  });

  it('refuse a misspelt setting inside a sensor, naming the whole path', () => {
    const { configFile, stateDir } = setup('sensors:\n  usb:\n    pollMS: 100\n');
    expect(() => loadAgentConfig({ stateDir, configFile })).toThrow(/agent\.yaml: sensors\.usb\.pollMS: unknown setting/);
    const deeper = setup('sensors:\n  print:\n    cups: { socketpath: /run/cups/cups.sock }\n');
    expect(() => loadAgentConfig({ stateDir: deeper.stateDir, configFile: deeper.configFile })).toThrow(/sensors\.print\.cups\.socketpath: unknown setting/);
  });
});
