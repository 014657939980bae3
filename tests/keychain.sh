#!/bin/sh
# Runs a command beside a real OS keychain that works headless: gnome-keyring's Secret Service
# on this D-Bus session bus, unlocked, with its keyrings in a private directory. Use it under
# its own bus:  dbus-run-session -- tests/keychain.sh COMMAND...
set -eu
keyrings=$(mktemp -d)
eval "$(printf shopdesk | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
# The bus is for the keychain only: GTK stays off the accessibility bus, as it was without one.
export NO_AT_BRIDGE=1
# The keychain tests fail, instead of standing aside, when this is how they were started.
export SHOPDESK_REQUIRE_KEYCHAIN=1
exec "$@"
