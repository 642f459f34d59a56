import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { enableChannelArgs } from '../../agent/src/sensors/print/win32/print-service-channel.ts';

const dir = new URL('../../installers/windows/', import.meta.url);
const wxs = readFileSync(new URL('mamori-agent.wxs', dir), 'utf8');

/** Attributes of every element named `name` (the .wxs is ours and regular: one element per tag, quoted values). */
function elements(name: string): Record<string, string>[] {
  return [...wxs.matchAll(new RegExp(`<${name}\\s([^>]*?)/?>`, 'g'))].map((m) => Object.fromEntries(
    [...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!.replaceAll('&quot;', '"')]),
  ));
}

const property = (id: string) => elements('SetProperty').find((p) => p.Id === id)?.Value;
const scheduled = (id: string) => elements('Custom').find((c) => c.Action === id);

/** The MSI source is never compiled here (no WiX on Linux): these checks read it as text. */
describe('Windows MSI source (mamori-agent.wxs, read as text; never built here)', () => {
  it('enables the PrintService/Operational log on install with the arguments the print sensor documents, and disables it on removal only if it enabled it', () => {
    expect(property('EnablePrintServiceLog')).toContain('-File "[INSTALLFOLDER]print-service-log.ps1" -Enable');
    expect(scheduled('EnablePrintServiceLog')).toMatchObject({ After: 'InstallFiles', Condition: 'NOT REMOVE' });
    expect(elements('CustomAction').find((a) => a.Id === 'EnablePrintServiceLog')).toMatchObject({ Execute: 'deferred', Impersonate: 'no', Return: 'check' });
    expect(property('RevertPrintServiceLog')).toContain('-File "[INSTALLFOLDER]print-service-log.ps1" -Revert');
    expect(scheduled('RevertPrintServiceLog')).toMatchObject({ After: 'RevertDevicePolicy', Condition: 'REMOVE="ALL" AND NOT UPGRADINGPRODUCTCODE' });
    const script = readFileSync(new URL('print-service-log.ps1', dir), 'utf8');
    const [verb, channel, on] = enableChannelArgs;
    expect(script).toContain(`$channel = '${channel}'`);
    expect(script).toContain(`& wevtutil.exe ${verb} $channel ${on}`);
    expect(script).toContain(`& wevtutil.exe ${verb} $channel /e:false`);
    // Off again only when the install noted that it was the one to switch it on.
    const revert = script.slice(script.indexOf('if ($Revert)'));
    expect(revert.indexOf("if ($noted -ne 1)")).toBeLessThan(revert.indexOf('/e:false'));
    expect(script.slice(0, script.indexOf('if ($Revert)'))).toMatch(/IsEnabled\) \{[^}]*exit 0 \}[\s\S]*\/e:true[\s\S]*EnabledPrintServiceLog/);
  });

  it('runs restrict-service-stop.ps1 once the service exists, and the uninstall plan after UNINSTALLED is recorded', () => {
    expect(property('RestrictServiceStop')).toContain('-File "[INSTALLFOLDER]restrict-service-stop.ps1"');
    expect(scheduled('RestrictServiceStop')).toMatchObject({ After: 'InstallServices', Condition: 'NOT REMOVE' });
    expect(property('RevertDevicePolicy')).toContain('-File "[INSTALLFOLDER]revert-device-policy.ps1"');
    expect(scheduled('RevertDevicePolicy')).toMatchObject({ After: 'RecordUninstall', Condition: 'REMOVE="ALL" AND NOT UPGRADINGPRODUCTCODE' });
    for (const script of ['restrict-service-stop.ps1', 'revert-device-policy.ps1', 'print-service-log.ps1']) {
      expect(existsSync(new URL(script, dir)), script).toBe(true);
      expect(elements('File').some((f) => f.Source === script && f.Name === script), script).toBe(true);
    }
  });

  it('every custom action is defined, given its command line and scheduled', () => {
    const actions = elements('CustomAction').map((a) => a.Id!);
    expect(actions.sort()).toEqual(['EnablePrintServiceLog', 'EnrollAgent', 'RecordUninstall', 'RestrictServiceStop', 'RevertDevicePolicy', 'RevertPrintServiceLog']);
    for (const id of actions) {
      expect(property(id), id).toBeTruthy();
      expect(scheduled(id), id).toBeTruthy();
    }
  });
});
