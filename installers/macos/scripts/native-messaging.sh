#!/bin/sh
# Registers the Mamori native messaging host for Chrome, Chromium and Edge on macOS (system-wide, run as root by
# postinstall). Written against Chrome's documented locations; not run on these build machines. The agent listens
# on a Unix socket and names each peer with lsof + ps (agent/src/local/browser-bridge/darwin-peer.ts); the agent's
# config must set sensors.upload.socketPath to the path the host uses (default
# /Library/Application Support/Mamori/browser.sock, or MAMORI_BROWSER_SOCKET in the host's wrapper).
set -eu
HOST="/Library/Application Support/Mamori/native-host/mamori-native-host"
EXTENSION_ID=ngdcehmcbbbcfbpeoeboiacioikbokfc
for dir in "/Library/Google/Chrome/NativeMessagingHosts" "/Library/Application Support/Chromium/NativeMessagingHosts" "/Library/Microsoft/Edge/NativeMessagingHosts"; do
  mkdir -p "$dir"
  cat > "$dir/jp.mamori.agent.json" <<MANIFEST
{
  "name": "jp.mamori.agent",
  "description": "Mamori: relays the upload monitor extension's reports to the Mamori agent on this PC",
  "path": "$HOST",
  "type": "stdio",
  "allowed_origins": ["chrome-extension://$EXTENSION_ID/"]
}
MANIFEST
done
