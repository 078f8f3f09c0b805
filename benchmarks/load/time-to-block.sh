#!/usr/bin/env bash
# Time to block and scanner memory (issue 6, item 9). Targets: from first serving a listed image to its URL answering
# 451 on the node that scanned it, p99 at most 250 ms when the scanner is idle and at most 1 s while it is busy with
# a load of new images; on the other nodes at most 1 s more; memory bounded by configuration (Scanner:QueueCapacity
# x Scanner:MaxObjectBytes at most) under a load of new images.
#
#   node A  src/ScanProxy (Release), one zone, Scan: true, Async, a PDQ list holding the hashes of LISTED x 2 dev
#           photos of quality 50 or more (computed here with `scanproxy hash --dihedral`), MinQuality 0 (so every
#           image it judges leaves a verdict in redis, which is how its scans are counted); the node that serves and scans
#   node B  the same zone with Scan: NODE_B_SCAN (false: it only blocks, so each 451 it gives comes from A's detection
#           through the shared store, not from a scan of its own)
#   both share one redis-server (same key prefix); the origin is nginx serving ../shared/corpus/dev at / and, at /v/,
#   VARIANTS new images made here from the dev photos that are not listed (and not within MaxDistance of a listed one):
#   each is its source photo with a JPEG comment holding its number inserted after the JFIF header, so its bytes
#   (SHA-256) are new and the scanner must decode it, at the cost of decoding the real photo.
#
# Phases:
#   idle  LISTED listed photos, one at a time, SPACING_MS apart: GET through A; from the end of that 200 response,
#         HEAD on A and on B every POLL_MS until 451 (LIMIT_MS at most), by `ScanProxy.Benchmarks scanning
#         time-to-block`; then the detections' first-served and detected times from A's admin API.
#   busy  the same with the other LISTED listed photos while wrk makes A serve the variants, each once, at BUSY_RATE
#         images/s (auto: 80% of the rate node A's scanner reached on a first burst of up to 200 new images, so the
#         scanner is busy but keeps up; max: as fast as A answers, so its queue fills and overflows to the store).
#         Reports the scans/s the scanner reached (verdicts written to redis), the objects it deferred to the store
#         (queue full), the queue depth when /metrics shows it, and A's resident memory sampled every second.
#
# Every process runs on 127.0.0.1 on ports chosen at run time, from a temporary directory, and is stopped on exit.
# With 2 or more cores (PIN=auto) node A gets CPU 1 alone; wrk, the origin, redis, node B and the measuring tool
# share CPU 0.
#
# Usage: benchmarks/load/time-to-block.sh
# Settings (environment): LISTED=20 (photos per phase) VARIANTS=3000 BUSY_RATE=auto|max|N BUSY_WARMUP=5 (s of load
#   before the busy phase measures) SPACING_MS=300 POLL_MS=5 LIMIT_MS=30000 (per photo) WORKERS=0 QUEUE_CAPACITY=1024
#   MAX_OBJECT_BYTES=33554432 (node A's Scanner settings) NODE_B_SCAN=false PHASES="idle busy" PIN=auto|0|1
#   SKIP_BUILD=1 (use the existing Release builds) SHARED (default: <repo>/../shared)
# Needs wrk, nginx, redis-server, redis-cli, jq, curl, taskset, ss and the .NET SDK. Not part of the test suite.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
corpus=$shared/corpus/dev

LISTED=${LISTED:-20}
VARIANTS=${VARIANTS:-3000}
BUSY_RATE=${BUSY_RATE:-auto}
BUSY_WARMUP=${BUSY_WARMUP:-5}
SPACING_MS=${SPACING_MS:-300}
POLL_MS=${POLL_MS:-5}
LIMIT_MS=${LIMIT_MS:-30000}
WORKERS=${WORKERS:-0}
QUEUE_CAPACITY=${QUEUE_CAPACITY:-1024}
MAX_OBJECT_BYTES=${MAX_OBJECT_BYTES:-33554432}
NODE_B_SCAN=${NODE_B_SCAN:-false}
PHASES=${PHASES:-idle busy}
PIN=${PIN:-auto}
SKIP_BUILD=${SKIP_BUILD:-0}

zone_host=ttb.bench
zone_name=bench
api_key=ttb-bench-key
key_prefix=ttb:

log() { printf '[time-to-block] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in wrk nginx redis-server redis-cli jq curl taskset ss dotnet; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required (apt-get install wrk nginx-light redis-server redis-tools jq curl util-linux iproute2)"
done
[ -d "$corpus" ] || die "corpus not found at $corpus (set SHARED to the folder holding corpus/dev)"
case $BUSY_RATE in auto | max | [0-9]*) ;; *) die "BUSY_RATE must be auto, max or a number of images/s" ;; esac

# ---------------------------------------------------------------- processes
load_before=$(cut -d ' ' -f 1 /proc/loadavg)
tmp=$(mktemp -d /tmp/scanproxy-time-to-block.XXXXXX)
chmod 755 "$tmp"
pids=()

cleanup() {
    local status=$? pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$status" -ne 0 ]; then log "failed; logs kept in $tmp (delete it when done)"; else rm -rf "$tmp"; fi
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

# wait_for NAME URL STATUS: polls until the URL answers with STATUS, 120 s at most (a .NET host on a core that other
# work shares can take tens of seconds to start); fails at once when a process started here has exited.
wait_for() {
    local name=$1 url=$2 expected=$3 code=000 pid
    for _ in $(seq 1 1200); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $zone_host" --max-time 2 "$url" || true)
        [ "$code" = "$expected" ] && return 0
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null || die "process $pid exited while waiting for $name; see $tmp"
        done
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

# stop PID [SIGNAL]: stops one process started here and waits for it (wrk prints its summary on INT).
stop() {
    kill "-${2:-TERM}" "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

cpu_load=""
cpu_a=""
if [ "$PIN" = 1 ] || { [ "$PIN" = auto ] && [ "$(nproc)" -ge 2 ]; }; then
    cpu_load=0
    cpu_a=1
fi
pinned() { if [ -n "$1" ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }

# ---------------------------------------------------------------- build
if [ "$SKIP_BUILD" != 1 ]; then
    log "building src/ScanProxy and benchmarks/ScanProxy.Benchmarks (Release)"
    dotnet build "$repo/src/ScanProxy/ScanProxy.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
    dotnet build "$repo/benchmarks/ScanProxy.Benchmarks/ScanProxy.Benchmarks.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi
scanproxy_exe=$repo/src/ScanProxy/bin/Release/net10.0/scanproxy
bench_exe=$repo/benchmarks/ScanProxy.Benchmarks/bin/Release/net10.0/ScanProxy.Benchmarks
[ -x "$scanproxy_exe" ] || die "$scanproxy_exe is not built"
[ -x "$bench_exe" ] || die "$bench_exe is not built"
dotnet_env=(env ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1 Logging__LogLevel__Default=Warning)

# ---------------------------------------------------------------- inputs
mapfile -t photos < <(find "$corpus" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.jpeg' \) | LC_ALL=C sort)
[ "${#photos[@]}" -gt $((2 * LISTED)) ] || die "too few photos in $corpus for LISTED=$LISTED"
log "hashing ${#photos[@]} dev photos with scanproxy hash --dihedral${cpu_a:+ on CPU $cpu_a}"
hash_start=$(date +%s%N)
pinned "$cpu_a" "${dotnet_env[@]}" "$scanproxy_exe" hash --dihedral "${photos[@]}" >"$tmp/hashes.csv" 2>"$tmp/hash.err" ||
    log "warning: scanproxy hash failed on some photos: $(head -n 3 "$tmp/hash.err")"
hash_ms=$((($(date +%s%N) - hash_start) / 1000000))
hashed=$(wc -l <"$tmp/hashes.csv")
hash_rate=$(awk -v n="$hashed" -v ms="$hash_ms" 'BEGIN { printf "%.1f", n * 1000 / ms }')
log "scanproxy hash: $hashed photos in $hash_ms ms ($hash_rate images/s, process start included)"

pick_out=$(pinned "$cpu_load" "$bench_exe" scanning pick --hashes "$tmp/hashes.csv" --count $((2 * LISTED)) \
    --list "$tmp/listed.csv" --listed "$tmp/listed-files.txt" --sources "$tmp/sources.txt") || die "picking the listed photos failed"
log "$pick_out"
# Listed photos alternate between the phases, so both sample the whole corpus.
sed 's|.*/|/|' "$tmp/listed-files.txt" | awk 'NR % 2 == 1' >"$tmp/listed-idle.txt"
sed 's|.*/|/|' "$tmp/listed-files.txt" | awk 'NR % 2 == 0' >"$tmp/listed-busy.txt"

# New images: a JPEG comment segment (FF FE, length, 10 digits) after the JFIF APP0 segment of a source photo.
mkdir -p "$tmp/variants"
mapfile -t sources < <(while read -r f; do
    [ "$(od -An -tx1 -j2 -N4 "$f" | tr -d ' ')" = ffe00010 ] && echo "$f"
done <"$tmp/sources.txt")
[ "${#sources[@]}" -gt 0 ] || die "no source photo with a 16-byte JFIF header"
case " $PHASES " in *" busy "*) ;; *) VARIANTS=0 ;; esac
log "writing $VARIANTS new images from ${#sources[@]} source photos"
for i in $(seq 1 "$VARIANTS"); do
    src=${sources[$((i % ${#sources[@]}))]}
    {
        head -c 20 "$src"
        printf '\xff\xfe\x00\x0c%010d' "$i"
        tail -c +21 "$src"
    } >"$tmp/variants/$i.jpg"
    echo "/v/$i.jpg"
done >"$tmp/variant-paths.txt"
largest_variant=$( (find "$tmp/variants" -type f -printf '%s\n'; echo 0) | sort -n | tail -n 1)
if [ "$VARIANTS" -gt 0 ]; then
    # The decoder must take them as the source photo: same PDQ hash.
    check=$("$scanproxy_exe" hash "$tmp/variants/1.jpg" "${sources[$((1 % ${#sources[@]}))]}" | cut -d, -f1 | sort -u | wc -l)
    [ "$check" = 1 ] || die "a new image does not hash as its source photo; see $tmp/variants/1.jpg"
fi

# ---------------------------------------------------------------- origin, store, nodes
origin_port=$(free_port)
redis_port=$(free_port)
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
    types { image/jpeg jpg jpeg; }
    default_type application/octet-stream;
    sendfile on;
    open_file_cache max=10000 inactive=600s;
    server {
        listen 127.0.0.1:$origin_port;
        root $corpus;
        location /v/ { alias $tmp/variants/; }
    }
}
EOF
start_pinned "$cpu_load" nginx -p "$tmp/origin" -c "$tmp/origin/nginx.conf" -e "$tmp/origin/error.log" -g 'daemon off;'
wait_for origin "http://127.0.0.1:$origin_port$(head -n 1 "$tmp/listed-idle.txt")" 200

start_pinned "$cpu_load" redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$tmp" --logfile "$tmp/redis.log"
for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$redis_port" ping 2>/dev/null || true)" = PONG ] && break
    sleep 0.1
done

declare -A edge_port admin_port node_pid
# start_node a|b CPUS SCAN: one ScanProxy on the shared store.
start_node() {
    local node=$1 cpus=$2 scan=$3
    edge_port[$node]=$(free_port)
    admin_port[$node]=$(free_port)
    cat >"$tmp/$node.json" <<EOF
{
  "Kestrel": { "Endpoints": { "Edge": { "Url": "http://127.0.0.1:${edge_port[$node]}" } } },
  "ScanProxy": {
    "Store": { "Redis": "127.0.0.1:$redis_port", "KeyPrefix": "$key_prefix" },
    "Admin": { "Url": "http://127.0.0.1:${admin_port[$node]}", "ApiKeys": [ "$api_key" ] },
    "HashLists": { "listed": { "Path": "$tmp/listed.csv", "Kind": "Pdq" } },
    "Scanner": { "Workers": $WORKERS, "QueueCapacity": $QUEUE_CAPACITY, "MaxObjectBytes": $MAX_OBJECT_BYTES },
    "Zones": {
      "$zone_name": {
        "Hosts": [ "$zone_host" ],
        "Origins": [ "http://127.0.0.1:$origin_port" ],
        "Scan": $scan, "Mode": "Async", "HashLists": [ "listed" ], "Action": "Block", "MinQuality": 0
      }
    }
  }
}
EOF
    start_pinned "$cpus" "${dotnet_env[@]}" "$scanproxy_exe" serve --config "$tmp/$node.json" >"$tmp/$node.log" 2>&1
    # taskset and env exec the program: the pid is the node's.
    node_pid[$node]=${pids[-1]}
    wait_for "node $node readiness" "http://127.0.0.1:${admin_port[$node]}/readyz" 200
}
start_node a "$cpu_a" true
start_node b "$cpu_load" "$NODE_B_SCAN"
# A photo that is not listed, through both nodes: both forward before anything is measured.
warm_path=/$(basename "${sources[0]}")
wait_for "node a" "http://127.0.0.1:${edge_port[a]}$warm_path" 200
wait_for "node b" "http://127.0.0.1:${edge_port[b]}$warm_path" 200
log "origin :$origin_port, redis :$redis_port, node A :${edge_port[a]} (admin :${admin_port[a]}), node B :${edge_port[b]}"
if [ -n "$cpu_load" ]; then log "node A on CPU $cpu_a; wrk, origin, redis, node B and the measuring tool on CPU $cpu_load"; fi

# ---------------------------------------------------------------- measuring
verdicts() { redis-cli -p "$redis_port" --scan --pattern "${key_prefix}verdict:*" | wc -l; }
pending() { redis-cli -p "$redis_port" zcard "${key_prefix}{pending-scans}"; }
rss_kib() { awk -v f="$2" '$1 == f ":" { print $2 }' "/proc/${node_pid[$1]}/status"; }
# The queue depth from the admin /metrics (Prometheus text), or "" when the node does not expose it.
queue_depth() {
    curl -s --max-time 2 "http://127.0.0.1:${admin_port[a]}/metrics" 2>/dev/null |
        awk '/^scanproxy_scan_queue_depth/ { s += $NF; found = 1 } END { if (found) print s }' || true
}

# calibrate: node A's scanner rate, in $scanner_rate (images/s): the first VARIANTS/5 (200 at most) new images requested at once
# (curl, 8 at a time), timed from the first request until each has left a verdict in redis. The busy load then
# starts after them, so it never asks for an image twice.
calibrate() {
    local count start judged before
    count=$(awk -v v="$VARIANTS" 'BEGIN { c = int(v / 5); print (c > 200 ? 200 : c) }')
    [ "$count" -gt 0 ] || die "too few new images to calibrate (VARIANTS=$VARIANTS)"
    head -n "$count" "$tmp/variant-paths.txt" | sed "s|^|url = \"http://127.0.0.1:${edge_port[a]}|; s|\$|\"\noutput = \"/dev/null\"|" >"$tmp/calibrate.cfg"
    tail -n +$((count + 1)) "$tmp/variant-paths.txt" >"$tmp/busy-paths.txt"
    before=$(verdicts)
    start=$(date +%s%N)
    pinned "$cpu_load" curl -s --no-progress-meter -Z --parallel-max 8 -H "Host: $zone_host" --max-time 60 -K "$tmp/calibrate.cfg" ||
        die "curl failed while calibrating"
    while true; do
        judged=$(($(verdicts) - before))
        [ "$judged" -ge "$count" ] && break
        [ $((($(date +%s%N) - start) / 1000000000)) -lt 120 ] || die "calibrating: node A judged $judged of $count new images in 120 s"
        sleep 0.02
    done
    scanner_rate=$(awk -v n="$count" -v ns=$(($(date +%s%N) - start)) 'BEGIN { printf "%.1f", n * 1e9 / ns }')
    log "calibration: node A's scanner judged $count new images at $scanner_rate images/s"
}

# measure LABEL PATHS: the time-to-block tool; prints its summary JSON.
measure() {
    local label=$1 paths=$2 out
    out=$(pinned "$cpu_load" "$bench_exe" scanning time-to-block --label "$label" \
        --a "http://127.0.0.1:${edge_port[a]}" --b "http://127.0.0.1:${edge_port[b]}" --host "$zone_host" \
        --paths "$paths" --out "$tmp/$label.jsonl" --admin "http://127.0.0.1:${admin_port[a]}" --api-key "$api_key" \
        --zone "$zone_name" --spacing-ms "$SPACING_MS" --poll-ms "$POLL_MS" --limit-ms "$LIMIT_MS" 2>>"$tmp/measure.log") ||
        die "the time-to-block tool failed; see $tmp/measure.log"
    printf '%s\n' "$out" | sed -n 's/^TTB_JSON //p'
}

: >"$tmp/phases.jsonl"
scanner_rate=""
idle_rss_kib=$(rss_kib a VmRSS)
for phase in $PHASES; do
    case $phase in
        idle)
            log "idle: $(wc -l <"$tmp/listed-idle.txt") listed photos, ${SPACING_MS} ms apart"
            measure idle "$tmp/listed-idle.txt" | jq -c '. + {phase: "idle"}' >>"$tmp/phases.jsonl"
            idle_rss_kib=$(rss_kib a VmRSS)
            ;;
        busy)
            if [ "$BUSY_RATE" = auto ]; then
                calibrate
                rate=$(awk -v r="$scanner_rate" 'BEGIN { r = r * 0.8; printf "%d", r < 1 ? 1 : r }')
            else
                rate=$BUSY_RATE
            fi
            [ -f "$tmp/busy-paths.txt" ] || cp "$tmp/variant-paths.txt" "$tmp/busy-paths.txt"
            connections=4
            delay_ms=0
            [ "$rate" = max ] || delay_ms=$((connections * 1000 / rate))
            # Each new image once, in order; then a path the origin answers 404 (nothing to scan), so a long phase
            # never serves an image twice.
            cat >"$tmp/busy.lua" <<'EOF'
local paths, n = {}, 0
local pause = tonumber(os.getenv("WRK_DELAY_MS") or "0")
function init(args)
   for path in io.lines(args[1]) do
      if path ~= "" then paths[#paths + 1] = wrk.format("GET", path) end
   end
end
function delay() return pause end
function request()
   n = n + 1
   if n <= #paths then return paths[n] end
   return wrk.format("GET", "/v/none")
end
function done(summary, latency, requests)
   io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"p99_us":%d,"errors":%d}\n', summary.requests,
      summary.duration, latency:percentile(99), summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
EOF
            busy_seconds=$((BUSY_WARMUP + 2 + LISTED * (LIMIT_MS + SPACING_MS + 1000) / 1000))
            log "busy: wrk makes node A serve new images at ${rate} images/s (delay ${delay_ms} ms x $connections connections), ${BUSY_WARMUP}s before measuring"
            wrk_cmd=(wrk -t 1 -c "$connections" -d "${busy_seconds}s" --timeout 10s \
                -H "Host: $zone_host" -s "$tmp/busy.lua" "http://127.0.0.1:${edge_port[a]}" -- "$tmp/busy-paths.txt")
            [ -z "$cpu_load" ] || wrk_cmd=(taskset -c "$cpu_load" "${wrk_cmd[@]}")
            # Started directly (not through a function), so that $! is wrk itself and INT reaches it.
            WRK_DELAY_MS=$delay_ms "${wrk_cmd[@]}" >"$tmp/wrk-busy.log" 2>&1 &
            wrk_pid=$!
            pids+=("$wrk_pid")
            # Node A's memory, backlog and queue, every second, until stopped.
            (
                while true; do
                    printf '%s %s %s %s %s\n' "$(date +%s%N)" "$(rss_kib a VmRSS)" "$(pending)" "$(verdicts)" "$(queue_depth)"
                    sleep 1
                done
            ) >"$tmp/samples.txt" 2>/dev/null &
            sampler_pid=$!
            pids+=("$sampler_pid")
            sleep "$BUSY_WARMUP"
            kill -0 "$wrk_pid" 2>/dev/null || die "wrk stopped early; see $tmp/wrk-busy.log"
            verdicts_before=$(verdicts)
            start_ns=$(date +%s%N)
            summary=$(measure busy "$tmp/listed-busy.txt")
            elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
            verdicts_after=$(verdicts)
            stop "$sampler_pid"
            stop "$wrk_pid" INT
            served=$(sed -n 's/^WRK_JSON //p' "$tmp/wrk-busy.log" |
                jq -r '"\(.requests) in \(.duration_us / 1e6 | floor) s, \(.requests / (.duration_us / 1e6) * 10 | round / 10)/s"' 2>/dev/null || echo "?")
            scans_per_s=$(awk -v d=$((verdicts_after - verdicts_before)) -v ms="$elapsed_ms" 'BEGIN { printf "%.1f", d * 1000 / ms }')
            peak_rss_kib=$(rss_kib a VmHWM)
            sampled=$(awk '{ if ($2 > r) r = $2; if ($3 > p) p = $3; if ($5 != "" && $5 > q) q = $5; if ($5 != "") seen = 1 }
                END { printf "{\"max_rss_kib\":%d,\"max_pending\":%d,\"max_queue\":%s}", r, p, seen ? q : "null" }' "$tmp/samples.txt")
            printf '%s\n' "$summary" | jq -c --arg rate "$rate" --argjson scans "$scans_per_s" --argjson judged $((verdicts_after - verdicts_before)) \
                --argjson ms "$elapsed_ms" --arg served "$served" --argjson sampled "$sampled" --argjson peak "$peak_rss_kib" \
                '. + {phase: "busy", offered_rate: $rate, scans_per_s: $scans, judged: $judged, window_ms: $ms,
                      wrk_requests: $served, peak_rss_kib: $peak} + $sampled' >>"$tmp/phases.jsonl"
            ;;
        *) die "unknown phase $phase (known: idle busy)" ;;
    esac
done
final_hwm_kib=$(rss_kib a VmHWM)

# ---------------------------------------------------------------- report
load_after=$(cut -d ' ' -f 1 /proc/loadavg)
echo
echo "Time to block, $(date -u +%Y-%m-%dT%H:%MZ): $(nproc) cores, load average before $load_before, after $load_after;" \
    "${cpu_a:+node A on CPU $cpu_a, the rest on CPU $cpu_load; }poll every ${POLL_MS} ms (HEAD), limit ${LIMIT_MS} ms per photo"
echo "node A: Scanner Workers $WORKERS, QueueCapacity $QUEUE_CAPACITY, MaxObjectBytes $MAX_OBJECT_BYTES; node B: Scan $NODE_B_SCAN;" \
    "scanproxy hash on node A's cores: $hash_rate images/s${scanner_rate:+; the scanner of node A on a burst of new images: $scanner_rate images/s}"
echo
jq -rs '
  def v(s; k): if s == null then "-" else (s[k] | tostring) end;
  (["phase", "measure", "n", "median_ms", "p99_ms", "max_ms"] | @tsv),
  (.[] | . as $p | ["node_a", "node_b", "b_after_a", "store"][] as $m
   | [$p.phase, ({node_a: "A: 200 to 451", node_b: "B: 200 to 451", b_after_a: "B after A", store: "A: detected - first served (API)"}[$m]),
      v($p[$m]; "n"), v($p[$m]; "median"), v($p[$m]; "p99"), v($p[$m]; "max")] | @tsv)
' "$tmp/phases.jsonl" | column -t -s $'\t'
echo
jq -r '"\(.phase): \(.first_200) of \(.photos) first answered 200; blocked on A \(.blocked_a), on B \(.blocked_b) (within \(.limit_ms) ms); detections of other URLs \(.detections_of_other_urls)"' "$tmp/phases.jsonl"
jq -r 'select(.phase == "busy") | "busy: offered \(.offered_rate) new images/s; the scanner judged \(.judged) objects in \(.window_ms / 1000) s (\(.scans_per_s)/s); wrk requests \(.wrk_requests); deferred to the store (max pending) \(.max_pending); queue depth max \(.max_queue // "n/a (no /metrics)")"' "$tmp/phases.jsonl"
bound_mib=$(awk -v q="$QUEUE_CAPACITY" -v m="$MAX_OBJECT_BYTES" 'BEGIN { printf "%.0f", q * m / 1048576 }')
load_bound_mib=$(awk -v q="$QUEUE_CAPACITY" -v m="$largest_variant" 'BEGIN { printf "%.0f", q * m / 1048576 }')
echo "memory (node A): idle RSS $((idle_rss_kib / 1024)) MiB; peak RSS (VmHWM) $((final_hwm_kib / 1024)) MiB, growth $(((final_hwm_kib - idle_rss_kib) / 1024)) MiB;" \
    "configured bound QueueCapacity x MaxObjectBytes = $bound_mib MiB (with this load's largest object, $largest_variant bytes: $load_bound_mib MiB)"
echo
jq -rs --argjson growth $(((final_hwm_kib - idle_rss_kib) / 1024)) --argjson bound "$bound_mib" --argjson load_bound "$load_bound_mib" '
  def verdict(ok): if ok then "MET" else "NOT MET" end;
  (map(select(.phase == "idle")) | first) as $i | (map(select(.phase == "busy")) | first) as $b
  | (if $i then "Idle, node A p99 \($i.node_a.p99 // "none") ms (target <= 250 ms): \(verdict($i.node_a != null and $i.blocked_a == $i.photos and $i.node_a.p99 <= 250))" else empty end),
    (if $b then "Busy, node A p99 \($b.node_a.p99 // "none") ms (target <= 1000 ms): \(verdict($b.node_a != null and $b.blocked_a == $b.photos and $b.node_a.p99 <= 1000))" else empty end),
    (.[] | "\(.phase), node B after A p99 \(.b_after_a.p99 // "none") ms (target <= 1000 ms): \(verdict(.b_after_a != null and .blocked_b == .photos and .b_after_a.p99 <= 1000))"),
    (if $b then "Memory, peak growth \($growth) MiB (target <= \($bound) MiB, QueueCapacity x MaxObjectBytes; QueueCapacity x the largest object of this load: \($load_bound) MiB): \(verdict($growth <= $bound))" else empty end)
' "$tmp/phases.jsonl"
if awk -v l="$load_before" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    echo "WARNING: the machine was busy before the run (load average $load_before on $(nproc) cores): these numbers are noisy."
fi
echo
echo "Per photo (JSON lines):"
cat "$tmp"/idle.jsonl "$tmp"/busy.jsonl 2>/dev/null || true
