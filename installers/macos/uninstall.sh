#!/bin/sh
# Removes the Mamori agent (macOS has no package uninstall). Run as root, e.g. from the MDM:
#   sudo MAMORI_UNINSTALL_CODE=CODE /usr/local/mamori/uninstall.sh
# When "$STATE/uninstall-code.sha256" exists, the code must match. The agent records UNINSTALLED first.
set -e
STATE="/Library/Application Support/Mamori"
AGENT=/usr/local/mamori/mamori-agent
if [ -f "$STATE/uninstall-code.sha256" ]; then
  expected="$(cut -d ' ' -f 1 "$STATE/uninstall-code.sha256")"
  given="$(printf '%s' "${MAMORI_UNINSTALL_CODE:-}" | shasum -a 256 | cut -d ' ' -f 1)"
  [ "$given" = "$expected" ] || { echo "uninstall needs the administrator's code (MAMORI_UNINSTALL_CODE)" >&2; exit 1; }
fi
launchctl bootout system/org.mamori.agent 2>/dev/null || true
if [ -e "$STATE/identity.json" ]; then
  "$AGENT" --state-dir "$STATE" record-uninstall --timeout 15 --detail "uninstall.sh by ${SUDO_USER:-root}" || true
fi
rm -f /Library/LaunchDaemons/org.mamori.agent.plist
rm -rf /usr/local/mamori "$STATE"
pkgutil --forget org.mamori.agent >/dev/null 2>&1 || true
