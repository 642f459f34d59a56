#!/bin/sh
# Removes the Mamori agent (macOS has no package uninstall). Run as root, e.g. from the MDM:
#   sudo MAMORI_UNINSTALL_CODE=CODE /usr/local/mamori/uninstall.sh [--discard-unsent]
# When "$STATE/uninstall-code.sha256" exists, the code must match. The daemon is stopped (it journals STOPPED), then
# the agent records UNINSTALLED and drains its journal to the collector (MAMORI_DRAIN_TIMEOUT seconds, default 60,
# progress shown). What it cannot deliver stays in "$STATE" with the identity and key that sign it: reinstalling the
# pkg delivers it. Only --discard-unsent (or MAMORI_DISCARD_UNSENT=yes) together with the code deletes it, and the
# discard is recorded as an event first.
set -e
STATE="/Library/Application Support/Mamori"
AGENT=/usr/local/mamori/mamori-agent
discard=""
case "${MAMORI_DISCARD_UNSENT:-}" in yes|true|1) discard=yes ;; esac
if [ "${1:-}" = "--discard-unsent" ]; then discard=yes; fi
if [ -f "$STATE/uninstall-code.sha256" ]; then
  expected="$(cut -d ' ' -f 1 "$STATE/uninstall-code.sha256")"
  given="$(printf '%s' "${MAMORI_UNINSTALL_CODE:-}" | shasum -a 256 | cut -d ' ' -f 1)"
  [ "$given" = "$expected" ] || { echo "uninstall needs the administrator's code (MAMORI_UNINSTALL_CODE)" >&2; exit 1; }
fi
launchctl bootout system/org.mamori.agent 2>/dev/null || true
outcome=""
if [ -e "$STATE/identity.json" ]; then
  rm -f "$STATE/uninstall-outcome"
  if ! "$AGENT" --state-dir "$STATE" record-uninstall --timeout "${MAMORI_DRAIN_TIMEOUT:-60}" \
      --detail "uninstall.sh by ${SUDO_USER:-root}" ${discard:+--discard-unsent}; then
    if [ -n "$discard" ]; then
      echo "uninstall stopped: unsent events were NOT discarded (reason above); the agent is started again" >&2
      launchctl bootstrap system /Library/LaunchDaemons/org.mamori.agent.plist 2>/dev/null || true
      exit 1
    fi
  fi
  if [ -f "$STATE/uninstall-outcome" ]; then outcome="$(head -n 1 "$STATE/uninstall-outcome")"; fi
fi
rm -f /Library/LaunchDaemons/org.mamori.agent.plist
rm -rf /usr/local/mamori
if [ -e "$STATE/journal.db" ] && [ "$outcome" != "drained" ] && [ "$outcome" != "discarded" ]; then
  rm -f "$STATE/agent.pid"
  echo "KEPT $STATE: its journal holds events the collector has not received, with the identity and key that sign them. Reinstall the Mamori agent to deliver them; to delete them, reinstall and run this script with --discard-unsent and the code." >&2
else
  rm -rf "$STATE"
fi
pkgutil --forget org.mamori.agent >/dev/null 2>&1 || true
