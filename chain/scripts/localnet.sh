#!/usr/bin/env bash
# A one-validator Merit chain on this machine, and a walk through every merit
# transaction. chain/README.md shows the same commands one by one.
#
#   bash chain/scripts/localnet.sh         # from the repository root, after `make chain`
#
# The node keeps running in the background (its log: $H/node.log); the script prints how
# to stop it. MERIT_HOME overrides the home directory (default /tmp/merit-localnet).
set -euo pipefail
M=${MERITD:-./build/meritd}
H=${MERIT_HOME:-/tmp/merit-localnet}

# --- init (a fresh home, five keys with funds, one validator) -------------------------
rm -rf "$H"
$M init node0 --chain-id merit-local --home "$H" > /dev/null 2>&1
for k in validator owner alice bob mallory; do
  $M keys add $k --keyring-backend test --home "$H" > /dev/null 2>&1
  $M genesis add-genesis-account $k 100000000000stake --keyring-backend test --home "$H"
done
$M genesis gentx validator 1000000000stake --chain-id merit-local --keyring-backend test --home "$H" 2> /dev/null
$M genesis collect-gentxs --home "$H" > /dev/null 2>&1
sed -i 's/^timeout_commit = .*/timeout_commit = "1s"/' "$H/config/config.toml"

# --- start -----------------------------------------------------------------------------
$M start --home "$H" --inv-check-period 1 > "$H/node.log" 2>&1 &
echo $! > "$H/node.pid"
until $M status --home "$H" 2> /dev/null | grep -q '"latest_block_height":"[1-9]'; do sleep 1; done
echo "node up (pid $(cat "$H/node.pid"))"

TX="--keyring-backend test --chain-id merit-local --home $H --gas 2000000 --yes --output json"
Q="--home $H"
addr() { $M keys show "$1" -a --keyring-backend test --home "$H"; }
# send MODULE COMMAND ARGS… runs a transaction (the common flags go right after the
# command, before a "--" that may end the flags) and prints its code once in a block.
send() {
  local h
  h=$($M tx "$1" "$2" $TX "${@:3}" | sed -n 's/.*"txhash":"\([0-9A-F]*\)".*/\1/p')
  for _ in $(seq 30); do
    if r=$($M q tx "$h" $Q --output json 2> /dev/null); then
      echo "$*: code $(echo "$r" | sed -n 's/^{"height":"[0-9]*","txhash":"[0-9A-F]*","codespace":"\([a-z]*\)","code":\([0-9]*\).*/\1 \2/p')"
      return
    fi
    sleep 1
  done
  echo "$*: not included"; return 1
}

# --- a model: a binary perceptron over 2 features, with Deposit-Refund-Take ----------
send merit create-model perceptron 2 2 1000 drt --cost-weight 1 --refund-wait 20 --owner-wait 40 --any-address-wait 60 --from owner
$M q merit model 0 $Q | head -20
$M q merit required-deposit 0 $Q

# --- contributions (label 1 when the first feature is positive; mallory lies) --------
send merit add-data 0 1 500,20 --deposit 3600 --from alice
send merit add-data --deposit 3600 --from alice -- 0 0 -400,10
send merit add-data 0 0 420,15 --deposit 3600 --from mallory
send merit add-data 0 1 410,10 --deposit 3600 --from alice
send merit add-data 0 1 300,-50 --deposit 3600 --from bob
send merit add-data 0 1 30,5 --deposit 3600 --from bob
$M q merit predict 0 420,15 $Q
$M q merit predict $Q -- 0 -400,10

# --- after the refund wait: refunds, a refused refund, a report ----------------------
sleep 21
send merit refund 0 0 --from alice
send merit refund 0 1 --from alice
send merit refund 0 3 --from alice
send merit refund 0 2 --from mallory      # refused: the model disagrees (merit code 15)
send merit report 0 2 --from alice        # alice takes mallory's deposit
$M q merit contribution 0 2 $Q
$M q merit stats 0 "$(addr alice)" $Q
$M q bank balances "$(addr mallory)" $Q

# --- after the owner wait: the owner claims what bob left ----------------------------
sleep 20
send merit claim 0 5 --from owner
send merit claim 0 5 --from owner         # refused: nothing left (merit code 18)
$M q merit contributions 0 $Q --page-limit 2 | head -30
$M q merit model 0 $Q | tail -8

echo "stop the node with: kill $(cat "$H/node.pid")"
