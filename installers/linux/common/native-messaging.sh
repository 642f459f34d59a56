#!/bin/sh
# Registers the Mamori native messaging host (jp.mamori.agent) for Chrome, Chromium and Edge, system-wide, so the
# upload monitor extension can reach the agent. Run by the agent package's postinst (as root); idempotent.
# The host is a small Node script (agent/native-host/mamori-native-host.mjs) started by the browser as the user;
# it needs `node` on PATH (known gap: not yet a subcommand of the self-contained agent binary).
set -eu
HOST_DIR=/usr/lib/mamori-agent/native-host
SOCKET=/run/mamori/browser.sock
EXTENSION_ID=ngdcehmcbbbcfbpeoeboiacioikbokfc
mkdir -p "$HOST_DIR" /run/mamori
chmod 0755 /run/mamori
cat > "$HOST_DIR/mamori-native-host" <<WRAPPER
#!/bin/sh
MAMORI_BROWSER_SOCKET=$SOCKET exec node $HOST_DIR/mamori-native-host.mjs "\$@"
WRAPPER
chmod 0755 "$HOST_DIR/mamori-native-host"
for dir in /etc/opt/chrome/native-messaging-hosts /etc/chromium/native-messaging-hosts /etc/opt/edge/native-messaging-hosts; do
  mkdir -p "$dir"
  cat > "$dir/jp.mamori.agent.json" <<MANIFEST
{
  "name": "jp.mamori.agent",
  "description": "Mamori: relays the upload monitor extension's reports to the Mamori agent on this PC",
  "path": "$HOST_DIR/mamori-native-host",
  "type": "stdio",
  "allowed_origins": ["chrome-extension://$EXTENSION_ID/"]
}
MANIFEST
done
# The agent must listen where the wrapper points: sensors.upload.socketPath in /etc/mamori/agent.yaml (the path agent/src/config/load.ts reads).
