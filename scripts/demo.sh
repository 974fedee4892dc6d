#!/usr/bin/env bash
# A short scripted demo of the `casebook` command: two responders create vaults, exchange
# contact cards, and each sees the other as a partner.
set -euo pipefail
bin=${1:-target/debug/casebook}
demo=target/demo
rm -rf "$demo"
mkdir -p "$demo"
export CASEBOOK_PASSPHRASE="demo harbour lantern oyster"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Alice (CERT-Lyon) creates her encrypted vault"
"$bin" --vault "$demo/alice" init --name "Alice Martin" --org "CERT-Lyon"

step "Bob (CSIRT-Wien) creates his"
"$bin" --vault "$demo/bob" init --name "Bob Huber" --org "CSIRT-Wien" >/dev/null
"$bin" --vault "$demo/bob" card | tee "$demo/bob.card"

step "They swap cards (by e-mail or USB stick) and add each other"
"$bin" --vault "$demo/alice" card > "$demo/alice.card"
"$bin" --vault "$demo/alice" partner add "$demo/bob.card" --max-tlp amber
"$bin" --vault "$demo/bob" partner add "$demo/alice.card" --max-tlp amber

step "On the phone, Bob reads his fingerprint aloud; Alice checks it"
fp=$("$bin" --vault "$demo/bob" card --json | sed -n 's/.*"fingerprint": "\(.*\)".*/\1/p')
"$bin" --vault "$demo/alice" partner verify "Bob Huber" --fingerprint "$fp"

step "Alice's partners"
"$bin" --vault "$demo/alice" partner list
step "Bob's partners"
"$bin" --vault "$demo/bob" partner list

step "Alice's audit log"
"$bin" --vault "$demo/alice" audit

cat <<EOT

Demo vaults are in $demo (passphrase: "$CASEBOOK_PASSPHRASE").
Try: CASEBOOK_PASSPHRASE="$CASEBOOK_PASSPHRASE" $bin --vault $demo/alice partner list
The desktop app: \`make run\` (a demo vault) or target/debug/casebook-desktop VAULT_DIR.
EOT
