#!/bin/sh
# Registers the Mamori native messaging host for Chrome, Chromium and Edge on macOS (system-wide, run as root by
# postinstall). Written against Chrome's documented locations; not run on these build machines. The agent side
# (peer identification of a Unix socket on macOS: LOCAL_PEERCRED / LOCAL_PEERPID) is NOT built yet, so the
# agent reports the upload channel as unsupported there.
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
