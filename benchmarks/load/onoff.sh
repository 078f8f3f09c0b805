#!/usr/bin/env bash
# One feature on vs off, under the same wrk load of image requests against two ScanProxy processes that differ only
# in that feature, measured in alternating rounds, with requests/s and latency percentiles side by side.
#
# COMPARE=scan (default; issue 6, item 9, serving side). Target: scanning on costs at most 1 ms of p99 latency and
# 5% of requests/s.
#   off  src/ScanProxy (Release), one zone, Scan: false (blocking on, nothing teed)
#   on   the same, Scan: true, Async mode, a list of LIST_SIZE random PDQ hashes (nothing the corpus can match,
#        so no URL gets blocked and both serve the same bytes); each new object is decoded and PDQ-hashed once,
#        during the warm-up. After that, with the default Scanner:KnownObjectTtl, a response whose URL was judged
#        clean under the same strong ETag (nginx sends one) is not teed; with
#        PROXY_ENV="ScanProxy__Scanner__KnownObjectTtl=00:00:00" every response is teed, copied into pooled memory
#        and handed to the scanner, whose worker hashes (SHA-256) every object and judges it from its verdict cache.
# COMPARE=metrics (issue 7, item 7). Target: the metrics cost nothing measurable on the request path.
#   off  Scan: true as above, ScanProxy:Telemetry:Metrics false (no meter listener: every instrument is a no-op)
#   on   the same with metrics on, and /metrics on its admin listener scraped every SCRAPE_INTERVAL seconds during
#        its rounds, as Prometheus would (the scraper runs on the load generator's CPU)
#
# The origin is nginx serving the photos of ../shared/corpus/dev (beside the repository); both proxies use one
# redis-server under different key prefixes. Everything runs on 127.0.0.1 on ports chosen at run time, from a
# temporary directory, and is stopped on exit. With 2 or more cores (PIN=auto) wrk, the origin and redis share
# CPU 0 and both proxies CPU 1: a scanning proxy's scan worker shares that core with its serving, as it would on
# a one-core node (Scanner:Workers 0 leaves a core to serving only when there are two or more).
#
# The warm-up of a scanning proxy lasts until its scanner has judged every photo once (its verdicts are counted in
# redis), so the rounds measure the steady state of a cache-fill scanner: every response teed, no object decoded
# again.
#
# Usage: benchmarks/load/onoff.sh, COMPARE=metrics benchmarks/load/onoff.sh
# Settings (environment): COMPARE=scan|metrics ROUNDS=5 DURATION=10 (s per round) WARMUP=5 (s, a proxy that does
#   not scan) CONNECTIONS=16 THREADS (wrk threads; 1 when pinned, else 2) LIST_SIZE=1000 SCRAPE_INTERVAL=1
#   PIN=auto|0|1 SKIP_BUILD=1 (use the existing Release build) SHARED (default: <repo>/../shared) PROXY_ENV (extra
#   NAME=VALUE environment for both proxies, e.g. "DOTNET_gcServer=0", for experiments)
# Needs wrk, nginx, redis-server, redis-cli, jq, curl, taskset, ss and the .NET SDK. Not part of the test suite.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
corpus=$shared/corpus/dev

COMPARE=${COMPARE:-scan}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-16}
LIST_SIZE=${LIST_SIZE:-1000}
SCRAPE_INTERVAL=${SCRAPE_INTERVAL:-1}
PIN=${PIN:-auto}
SKIP_BUILD=${SKIP_BUILD:-0}
# The longest the "on" warm-up waits for the scanner to judge every photo.
SCAN_WARMUP_LIMIT=${SCAN_WARMUP_LIMIT:-300}

zone_host=scan.bench
zone_name=bench
api_key=scan-bench-key

log() { printf '[onoff %s] %s\n' "$COMPARE" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in wrk nginx redis-server redis-cli jq curl taskset ss dotnet; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required (apt-get install wrk nginx-light redis-server redis-tools jq curl util-linux iproute2)"
done
case "$COMPARE" in scan | metrics) ;; *) die "COMPARE must be scan or metrics (it is '$COMPARE')" ;; esac
[ -d "$corpus" ] || die "corpus not found at $corpus (set SHARED to the folder holding corpus/dev)"

# ---------------------------------------------------------------- processes
load_before=$(cut -d ' ' -f 1 /proc/loadavg)
tmp=$(mktemp -d /tmp/scanproxy-onoff.XXXXXX)
chmod 755 "$tmp"
pids=()

cleanup() {
    local status=$? pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$status" -ne 0 ]; then log "failed; logs kept in $tmp"; else rm -rf "$tmp"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

taken_ports=()
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 12768))
        case " ${taken_ports[*]} " in *" $port "*) continue ;; esac
        if [ -z "$(ss -Hltn "sport = :$port")" ]; then
            taken_ports+=("$port")
            echo "$port"
            return 0
        fi
    done
    die "no free port found"
}

# wait_for NAME URL STATUS: polls until the URL answers with STATUS, 60 s at most.
wait_for() {
    local name=$1 url=$2 expected=$3 code=000
    for _ in $(seq 1 600); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $zone_host" --max-time 2 "$url" || true)
        [ "$code" = "$expected" ] && return 0
        sleep 0.1
    done
    die "$name did not answer $expected at $url (last status $code); see $tmp"
}

start_pinned() {
    local cpus=$1
    shift
    if [ -n "$cpus" ]; then taskset -c "$cpus" "$@" & else "$@" & fi
    pids+=($!)
}

cpu_load=""
cpu_proxy=""
if [ "$PIN" = 1 ] || { [ "$PIN" = auto ] && [ "$(nproc)" -ge 2 ]; }; then
    cpu_load=0
    cpu_proxy=1
fi
THREADS=${THREADS:-$([ -n "$cpu_load" ] && echo 1 || echo 2)}

# ---------------------------------------------------------------- inputs
find "$corpus" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) -printf '/%f\n' |
    LC_ALL=C sort >"$tmp/paths.txt"
photo_count=$(wc -l <"$tmp/paths.txt")
distinct_objects=$(find "$corpus" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) \
    -exec sha256sum {} + | cut -c1-64 | sort -u | wc -l)

# Random PDQ hashes: about 128 bits from any photo, so nothing matches, but every scan searches a real index.
for _ in $(seq 1 "$LIST_SIZE"); do
    printf '%s,random-%s\n' "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" "$RANDOM"
done >"$tmp/random-pdq.csv"

cat >"$tmp/paths.lua" <<'EOF'
-- Every connection cycles through the URL paths of the file given after `--`; done() prints one JSON line.
local threads, counter = {}, 0
function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end
local requests, next_index = {}, 1
function init(args)
   for path in io.lines(args[1]) do
      if path ~= "" then requests[#requests + 1] = wrk.format("GET", path) end
   end
   next_index = ((id - 1) * 97) % #requests + 1
end
function request()
   local r = requests[next_index]
   next_index = next_index % #requests + 1
   return r
end
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"errors":%d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, e.connect + e.read + e.write + e.timeout + e.status))
end
EOF

if [ "$SKIP_BUILD" != 1 ]; then
    log "building src/ScanProxy (Release)"
    dotnet build "$repo/src/ScanProxy/ScanProxy.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi
scanproxy_exe=$repo/src/ScanProxy/bin/Release/net10.0/scanproxy
[ -x "$scanproxy_exe" ] || die "$scanproxy_exe is not built"

origin_port=$(free_port)
redis_port=$(free_port)

# ---------------------------------------------------------------- origin and store
mkdir -p "$tmp/origin"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat >"$tmp/origin/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $tmp/origin/nginx.pid;
error_log $tmp/origin/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $tmp/origin/client_body;
    proxy_temp_path $tmp/origin/proxy;
    fastcgi_temp_path $tmp/origin/fastcgi;
    uwsgi_temp_path $tmp/origin/uwsgi;
    scgi_temp_path $tmp/origin/scgi;
    keepalive_timeout 300s;
    keepalive_requests 100000000;
    types { image/jpeg jpg jpeg; image/png png; }
    default_type application/octet-stream;
    sendfile on;
    open_file_cache max=1000 inactive=600s;
    server { listen 127.0.0.1:$origin_port; root $corpus; }
}
EOF
start_pinned "$cpu_load" nginx -p "$tmp/origin" -c "$tmp/origin/nginx.conf" -e "$tmp/origin/error.log" -g 'daemon off;'
wait_for origin "http://127.0.0.1:$origin_port$(head -n 1 "$tmp/paths.txt")" 200

start_pinned "$cpu_load" redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$tmp" --logfile "$tmp/redis.log"
for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$redis_port" ping 2>/dev/null || true)" = PONG ] && break
    sleep 0.1
done

# ---------------------------------------------------------------- the two proxies
declare -A edge_port admin_port proxy_pid
# Whether the proxy of a mode scans, and has metrics.
scans() { [ "$COMPARE" = metrics ] || [ "$1" = on ]; }
metrics_enabled() { [ "$COMPARE" = scan ] || [ "$1" = on ]; }

# start_proxy off|on: one ScanProxy with the compared feature off or on, with its own key prefix in the shared
# redis-server.
start_proxy() {
    local mode=$1 scan=false lists="" metrics=false
    if scans "$mode"; then scan=true && lists=', "HashLists": [ "random" ]'; fi
    if metrics_enabled "$mode"; then metrics=true; fi
    edge_port[$mode]=$(free_port)
    admin_port[$mode]=$(free_port)
    cat >"$tmp/$mode.json" <<EOF
{
  "Kestrel": { "Endpoints": { "Edge": { "Url": "http://127.0.0.1:${edge_port[$mode]}" } } },
  "ScanProxy": {
    "Store": { "Redis": "127.0.0.1:$redis_port", "KeyPrefix": "$mode:" },
    "Admin": { "Url": "http://127.0.0.1:${admin_port[$mode]}", "ApiKeys": [ "$api_key" ] },
    "HashLists": { "random": { "Path": "$tmp/random-pdq.csv", "Kind": "Pdq" } },
    "Telemetry": { "Metrics": $metrics },
    "Zones": {
      "$zone_name": {
        "Hosts": [ "$zone_host" ],
        "Origins": [ "http://127.0.0.1:$origin_port" ],
        "Scan": $scan, "Mode": "Async"$lists
      }
    }
  }
}
EOF
    # shellcheck disable=SC2086 # PROXY_ENV is a list of NAME=VALUE words.
    start_pinned "$cpu_proxy" env ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1 ${PROXY_ENV:-} \
        "$scanproxy_exe" serve --config "$tmp/$mode.json" >"$tmp/$mode.log" 2>&1
    # taskset and env exec the program: the pid is the proxy's.
    proxy_pid[$mode]=${pids[-1]}
    wait_for "ScanProxy ($mode) readiness" "http://127.0.0.1:${admin_port[$mode]}/readyz" 200
    wait_for "ScanProxy ($mode)" "http://127.0.0.1:${edge_port[$mode]}$(head -n 1 "$tmp/paths.txt")" 200
}

run_wrk() {
    local mode=$1 seconds=$2 out
    local cmd=(wrk -t "$THREADS" -c "$CONNECTIONS" -d "${seconds}s" --timeout 10s
        -H "Host: $zone_host" -s "$tmp/paths.lua" "http://127.0.0.1:${edge_port[$mode]}" -- "$tmp/paths.txt")
    [ -z "$cpu_load" ] || cmd=(taskset -c "$cpu_load" "${cmd[@]}")
    out=$("${cmd[@]}") || die "wrk against $mode failed: $out"
    printf '%s\n' "$out" | sed -n 's/^WRK_JSON //p'
}

# Verdicts in the store of every scanning proxy.
verdicts() { redis-cli -p "$redis_port" --scan --pattern '*:verdict:*' | wc -l; }

# scrape MODE: fetches /metrics from the proxy's admin listener every SCRAPE_INTERVAL seconds until killed.
scrape() {
    while :; do
        curl -s -o /dev/null --max-time 5 "http://127.0.0.1:${admin_port[$1]}/metrics" || true
        sleep "$SCRAPE_INTERVAL"
    done
}

# CPU time (user + system) the proxy has used, in ms: whatever else runs on the machine, this is its own work.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/${proxy_pid[$1]}/stat"; }

start_proxy off
start_proxy on
log "origin nginx :$origin_port, $photo_count photos ($distinct_objects distinct objects); off :${edge_port[off]}, on :${edge_port[on]}"
if [ -n "$cpu_load" ]; then log "wrk, origin and redis on CPU $cpu_load; both proxies on CPU $cpu_proxy"; fi

scanning_modes=()
for mode in off on; do
    if scans "$mode"; then scanning_modes+=("$mode"); else run_wrk "$mode" "$WARMUP" >/dev/null; fi
done
# Until two 5 s windows of load add no verdict: every object has been judged once (objects judged "skipped", such
# as a photo under MinQuality, leave no verdict in the store, so the count need not reach the number of objects).
waited=0
previous=-1
judged=$(verdicts)
while [ "$judged" -ne "$previous" ] || [ "$judged" -eq 0 ]; do
    [ "$waited" -lt "$SCAN_WARMUP_LIMIT" ] || { log "warning: the scanner was still judging new objects after ${waited}s"; break; }
    previous=$judged
    for mode in "${scanning_modes[@]}"; do
        run_wrk "$mode" 5 >/dev/null
        run_wrk "$mode" 5 >/dev/null
    done
    waited=$((waited + 10))
    judged=$(verdicts)
done
log "warm-up: the scanners (${scanning_modes[*]}) judged $judged verdicts of $distinct_objects objects each in ${waited}s of load"
# A proxy that does not scan gets as many seconds of load, so that both have run their code as long (tiered JIT,
# dynamic PGO and the thread pool take tens of seconds to settle) when the rounds begin.
for mode in off on; do
    scans "$mode" || run_wrk "$mode" "$waited" >/dev/null
done
blocked=$(redis-cli -p "$redis_port" --scan --pattern '*blocks*' | wc -l)
[ "$blocked" -eq 0 ] || die "the random list blocked something (${blocked} block keys); the two proxies would not serve the same bytes"

results=$tmp/results.jsonl
: >"$results"
for round in $(seq 1 "$ROUNDS"); do
    # Odd rounds "off" first, even rounds "on" first, so that drift within a round favours neither mode.
    order="off on"
    [ $((round % 2)) -eq 1 ] || order="on off"
    for mode in $order; do
        scraper=""
        if [ "$COMPARE" = metrics ] && [ "$mode" = on ]; then
            if [ -n "$cpu_load" ]; then taskset -c "$cpu_load" bash -c "$(declare -f scrape); $(declare -p admin_port SCRAPE_INTERVAL); scrape on" & else scrape on & fi
            scraper=$!
        fi
        cpu_before=$(cpu_ms "$mode")
        json=$(run_wrk "$mode" "$DURATION")
        cpu=$(($(cpu_ms "$mode") - cpu_before))
        if [ -n "$scraper" ]; then kill "$scraper" 2>/dev/null || true; wait "$scraper" 2>/dev/null || true; fi
        printf '%s\n' "$json" | jq -c --arg m "$mode" --argjson r "$round" --argjson cpu "$cpu" '{mode: $m, round: $r, cpu_ms: $cpu} + .' >>"$results"
        printf '%s\n' "$json" | jq -r --arg m "$mode" --argjson r "$round" --argjson cpu "$cpu" \
            '"round \($r) \($m): \(.requests / (.duration_us / 1e6) | floor) req/s, p50 \(.p50_us / 1000) ms, p99 \(.p99_us / 1000) ms, CPU \($cpu * 1000 / .requests | floor) us/request, errors \(.errors)"' >&2
    done
done

# ---------------------------------------------------------------- report
load_after=$(cut -d ' ' -f 1 /proc/loadavg)
feature=$([ "$COMPARE" = scan ] && echo scanning || echo metrics)
jq -rs --arg feature "$feature" --arg before "$load_before" --arg after "$load_after" --arg conns "$CONNECTIONS" --arg dur "$DURATION" '
  def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def summary(m): map(select(.mode == m)) | {
      rps: (map(.requests / (.duration_us / 1e6)) | median),
      p50: (map(.p50_us / 1000) | median),
      p90: (map(.p90_us / 1000) | median),
      p99: (map(.p99_us / 1000) | median),
      cpu: (map(.cpu_ms * 1000 / .requests) | median),
      errors: (map(.errors) | add) };
  (summary("off")) as $off | (summary("on")) as $on |
  "| \($feature) | requests/s | p50 ms | p90 ms | p99 ms | proxy CPU per request (us) | errors |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  "| off | \($off.rps | floor) | \($off.p50) | \($off.p90) | \($off.p99) | \($off.cpu | floor) | \($off.errors) |",
  "| on | \($on.rps | floor) | \($on.p50) | \($on.p90) | \($on.p99) | \($on.cpu | floor) | \($on.errors) |",
  "",
  "Medians of \(length / 2) rounds of \($dur) s per mode, \($conns) connections.",
  "\($feature | ascii_upcase | .[0:1])\($feature | .[1:]) on: p99 \(if $on.p99 >= $off.p99 then "+" else "" end)\(($on.p99 - $off.p99) * 1000 | round / 1000) ms (scanning target: at most +1 ms), requests/s \((($on.rps / $off.rps - 1) * 1000 | round) / 10)% (scanning target: at least -5%), proxy CPU per request \(if $on.cpu >= $off.cpu then "+" else "" end)\((($on.cpu / $off.cpu - 1) * 1000 | round) / 10)%.",
  "Load average before the run: \($before); after: \($after)."
' "$results"
