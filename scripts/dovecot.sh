#!/usr/bin/env bash
# Install Debian's dovecot IMAP server for the e-mail round-trip test (tests/channels/test_email_roundtrip.py).
# Idempotent: returns at once when the binary is there. The test runs its own dovecot with a generated
# configuration, ports and files (see tests/channels/email/servers.py): as the current user, or under root with
# the package's unprivileged dovecot/dovenull users. The packaged service is not started or enabled.
set -euo pipefail

if [ -x /usr/sbin/dovecot ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "dovecot is missing and installing it needs root: apt-get install dovecot-imapd" >&2
    exit 1
  fi
fi

echo "installing dovecot-imapd (Debian package) for the e-mail round-trip test"
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d keeps the package from starting the system service during installation.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null
/usr/sbin/dovecot --version
