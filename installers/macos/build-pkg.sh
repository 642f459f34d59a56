#!/bin/sh
# Builds mamori-agent.pkg with pkgbuild (Xcode command-line tools) on a Mac, from the SEA build:
#   npx tsx installers/sea/build-sea.ts agent installers/sea/dist/mamori-agent-darwin-arm64
#   installers/macos/build-pkg.sh installers/sea/dist/mamori-agent-darwin-arm64 0.1.0 "Developer ID Installer: ..."
# Silent install per Mac (MDM "install package", or ssh):
#   sudo mkdir -p "/Library/Application Support/Mamori" && echo TOKEN | sudo tee ".../Mamori/enroll-token"
#   sudo installer -pkg mamori-agent.pkg -target /
set -eu
DIST="$1"; VERSION="${2:-0.1.0}"; SIGN="${3:-}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
mkdir -p "$WORK/root/usr/local/mamori/lib" "$WORK/root/Library/LaunchDaemons"
cp "$DIST/mamori-agent" "$DIST/better_sqlite3.node" "$DIST/usb.node" "$WORK/root/usr/local/mamori/"
# The SMTP relay's code, loaded when the relay starts (build-sea.ts sideBundles).
cp "$DIST/lib/mail-relay.cjs" "$WORK/root/usr/local/mamori/lib/"
cp "$HERE/uninstall.sh" "$WORK/root/usr/local/mamori/uninstall.sh"
cp "$HERE/org.mamori.agent.plist" "$WORK/root/Library/LaunchDaemons/"
chmod 0755 "$WORK/root/usr/local/mamori/mamori-agent" "$WORK/root/usr/local/mamori/uninstall.sh"
# postject invalidated the Node binary's signature: re-sign (ad hoc, or with a Developer ID for notarisation).
codesign --force --sign "${SIGN:+$(echo "$SIGN" | sed 's/Installer/Application/')}${SIGN:--}" --options runtime \
  "$WORK/root/usr/local/mamori/mamori-agent" "$WORK/root/usr/local/mamori/better_sqlite3.node" "$WORK/root/usr/local/mamori/usb.node"
pkgbuild --root "$WORK/root" --scripts "$HERE/scripts" --identifier org.mamori.agent --version "$VERSION" \
  --install-location / ${SIGN:+--sign "$SIGN"} mamori-agent.pkg
rm -rf "$WORK"
