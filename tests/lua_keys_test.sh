#!/usr/bin/env bash
# Every key a Lua script touches is in its KEYS (issue #17), checked on a
# real stack: redis-server, registry, intake, dispatch and stats, a sample
# registry loaded, a compressed day of gridcase-sim through the whole
# lifecycle and a statistics rebuild, all while `redis-cli monitor` records
# every command; tests/lua_keys.py then checks each command a script ran
# against the script's KEYS (COMMAND GETKEYS), and that the scripts of the
# lifecycle ran at all.
#
# Usage: lua_keys_test.sh LUA_GEN_DIR REGISTRY_BIN INTAKE_BIN DISPATCH_BIN
#          STATS_BIN GRIDCTL SIM NOTIFY_BIN
set -euo pipefail
lua_gen=$1 registry_bin=$2 intake_bin=$3 dispatch_bin=$4 stats_bin=$5
gridctl=$6 sim=$7 notify_bin=$8
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/lib/stack.sh"
check=(python3 "$root/tests/lua_keys.py")

stack_redis
sock=$stack_dir/redis.sock
"${check[@]}" self-test "$sock"

redis-cli -s "$sock" monitor >"$stack_dir/monitor.log" &
monitor_pid=$!
stack_pids+=("$monitor_pid")
for _ in $(seq 100); do [[ -s $stack_dir/monitor.log ]] && break; sleep 0.05; done

stack_service registry "$registry_bin"
"$gridctl" registry load "$root/tools/sample-data/tongxiang" \
  --catalogue="$root/tools/sample-data/demo-catalogue.json" \
  --calendar="$root/services/registry/data/calendar.json" \
  --target="$(stack_target registry)" --actor="subject=test; roles=admin" >/dev/null
for svc in intake dispatch stats; do
  bin_var=${svc}_bin
  extra=()
  [[ $svc == dispatch ]] && extra=(--self_handle_grace=2s)
  stack_service "$svc" "${!bin_var}" --registry="$(stack_target registry)" "${extra[@]}"
done
# gridcase-notify, sending to tools/notify-receiver.py, so that its outbox
# scripts run (one endpoint always fails: retries and a dead letter).
echo "lua-keys-test-secret-0123456789" >"$stack_dir/webhook.secret"
python3 "$root/tools/notify-receiver.py" serve --secret-file="$stack_dir/webhook.secret" \
  --log="$stack_dir/deliveries.jsonl" --port-file="$stack_dir/receiver.port" \
  --fail=/department 2>"$stack_dir/receiver.log" &
stack_pids+=($!)
for _ in $(seq 100); do [[ -s $stack_dir/receiver.port ]] && break; sleep 0.05; done
hook=http://127.0.0.1:$(cat "$stack_dir/receiver.port")
cat >"$stack_dir/routes.json" <<JSON
{"endpoints": {"department_default": "$hook/department", "duty_chief": "$hook/chief",
               "inspectors": "$hook/inspectors", "hotline": "$hook/hotline",
               "wechat_gateway": "$hook/wechat", "sms_gateway": "$hook/sms"}}
JSON
stack_service notify "$notify_bin" --routes="$stack_dir/routes.json" \
  --webhook_secret_file="$stack_dir/webhook.secret" --max_attempts=2 \
  --backoff_base=100ms --poll_interval=100ms
# The routing policy's script: before the day, so the day routes as usual.
"$gridctl" routing set --source=hotline=auto --target="$(stack_target dispatch)" \
  --actor="subject=test; roles=admin" >/dev/null
"$sim" --registry="$(stack_target registry)" --intake="$(stack_target intake)" \
  --dispatch="$(stack_target dispatch)" --stats="$(stack_target stats)" \
  --reports=40 --window=8s --drain=25s --progress=60s | sed -u 's/^/  sim: /'
"$stats_bin" rebuild --redis="unix://$sock" "${stack_auth_args[@]}" >/dev/null
sleep 0.5
kill "$monitor_pid"
wait "$monitor_pid" 2>/dev/null || true

"${check[@]}" check "$sock" "$stack_dir/monitor.log" "$lua_gen" \
  --require=registry_import,intake_reserve,intake_report,dispatch_commit,dispatch_review,dispatch_routing,stats_apply,stats_clear_if,notify_enqueue,notify_lease,notify_settle,patrol_start,patrol_record,patrol_end,stats_publish_report
