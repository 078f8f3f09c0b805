#!/usr/bin/env bash
# Edge load benchmark (issue 5): wrk drives four reverse proxies in one run, with the same connections,
# the same URL list and the same origin, and prints requests/s and latency percentiles side by side:
#   nginx       nginx as a reverse proxy (keepalive upstream, HTTP/1.1): the reference point
#   yarp        benchmarks/load/PlainYarp: YARP 2.3.0 with one catch-all route, nothing else
#   yarp-inline the same PlainYarp with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, the runtime setting that
#               scanproxy serve chooses for itself on a Redis store, as here: what ScanProxy's own work costs, over
#               YARP on equal terms
#   scanproxy   src/ScanProxy (Release), one zone, blocking on, BLOCKS blocked URLs loaded from redis-server
# The origin is a separate nginx serving the photos of ../shared/corpus/dev (beside the repository).
# Throughput is measured on URLs that are not blocked; a few requested URLs are blocked too, and a short
# separate run against those counts the 451 answers. Beside requests/s, each round reads the proxy's CPU time
# (user + system, from /proc, nginx's worker included) and prints it per request: what a request costs the proxy,
# whether or not the load generator kept its core busy.
#
# Every process runs on 127.0.0.1 on ports chosen at run time, from a temporary directory, and is stopped
# on exit. On a machine with 2 or more cores (PIN=auto), wrk and the origin share CPU 0 and the proxy under
# test gets CPU 1 alone, so every proxy has the same one core and none competes with the load generator.
#
# Usage: benchmarks/load/run.sh
# Settings (environment): ROUNDS=10 DURATION=10 (s per round) WARMUP=30 (s, once per target) CONNECTIONS=32
#   THREADS (wrk threads; 1 when pinned, else 2) BLOCKS=100000 PIN=auto|0|1
#   TARGETS="nginx yarp yarp-inline scanproxy"
#   SKIP_BUILD=1 (use existing Release builds) SCAN=false|true (the ScanProxy zone's Scan setting)
#   SHARED (default: <repo>/../shared)
# Needs wrk, nginx, redis-server, jq, curl, pgrep (installed with apt-get on Debian 12 when missing) and the .NET SDK.
# Not part of the test suite.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
corpus=$shared/corpus/dev

# Many short rounds: this VM's speed drifts by 10-20 % within a minute, and each round compares the targets back to
# back, so the median of ten 10 s rounds is steadier than that of three 30 s ones. A round of ScanProxy may or may
# not contain a blocklist resync (every 30 s); one that finds no change reads only the per-zone versions.
ROUNDS=${ROUNDS:-10}
DURATION=${DURATION:-10}
# 30 s: under this load on one core, PlainYarp needed up to about 25 s (ScanProxy about 40 s, before its runtimeconfig
# turned tiered compilation's call-counting delay off) before its CPU per request settled (benchmarks/README.md);
# a shorter warm-up measures the JIT.
WARMUP=${WARMUP:-30}
CONNECTIONS=${CONNECTIONS:-32}
BLOCKS=${BLOCKS:-100000}
PIN=${PIN:-auto}
TARGETS=${TARGETS:-nginx yarp yarp-inline scanproxy}
SKIP_BUILD=${SKIP_BUILD:-0}
# The zone's Scan setting. Off by default: this run measures forwarding with blocking (issue 5).
SCAN=${SCAN:-false}

# The zone's host name; every target is sent the same Host header.
zone_host=load.bench
zone_name=load
api_key=load-bench-key
key_prefix=scanproxy:
# Requested URLs that are blocked: these corpus photos are left out of the throughput list.
blocked_requested_count=8

log() { printf '[load] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- tools
install_missing() {
    local need=()
    command -v wrk >/dev/null 2>&1 || need+=(wrk)
    command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
    command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
    command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
    command -v jq >/dev/null 2>&1 || need+=(jq)
    command -v curl >/dev/null 2>&1 || need+=(curl)
    command -v taskset >/dev/null 2>&1 || need+=(util-linux)
    command -v ss >/dev/null 2>&1 || need+=(iproute2)
    command -v pgrep >/dev/null 2>&1 || need+=(procps)
    if [ ${#need[@]} -gt 0 ]; then
        log "installing ${need[*]}"
        local sudo_cmd=""
        [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
        export DEBIAN_FRONTEND=noninteractive
        $sudo_cmd apt-get update -qq
        $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
    command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is required"
}

# ---------------------------------------------------------------- processes
tmp=""
pids=()

cleanup() {
    local status=$?
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$tmp" ]; then
        if [ "$status" -ne 0 ]; then
            log "failed; logs kept in $tmp"
        else
            rm -rf "$tmp"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

taken_ports=()
# A free loopback port: random in 20000..32767, below Linux's ephemeral ports (32768-60999 by default), which the
# benchmark's own outgoing connections take; not listening now and not handed out before in this run.
free_port() {
    local port attempt
    for attempt in $(seq 1 200); do
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

# wait_for NAME URL [EXPECTED_STATUS]: polls until the URL answers (any status, or the one given), 120 s at most
# (a .NET host pinned to a core that other work shares can take tens of seconds to start); fails at once when a
# process started here has exited.
wait_for() {
    local name=$1 url=$2 expected=${3:-} code pid
    for _ in $(seq 1 1200); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $zone_host" --max-time 2 "$url" || true)
        if [ "$code" != "000" ] && { [ -z "$expected" ] || [ "$code" = "$expected" ]; }; then
            return 0
        fi
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null || die "process $pid exited while waiting for $name; see $tmp"
        done
        sleep 0.1
    done
    die "$name did not answer ${expected:-at all} at $url (last status $code); see $tmp"
}

# Runs a command in the background pinned to a CPU list (when pinning), and records its pid for cleanup.
start_pinned() {
    local cpus=$1
    shift
    if [ -n "$cpus" ]; then
        taskset -c "$cpus" "$@" &
    else
        "$@" &
    fi
    pids+=($!)
}

# ---------------------------------------------------------------- nginx (origin and reverse proxy)
# Everything an nginx instance writes stays under its own prefix; the system configuration is never read.
nginx_common() {
    local dir=$1
    local user_line=""
    # As root, nginx's workers would switch to 'nobody', who cannot write the temporary directory.
    [ "$(id -u)" -eq 0 ] && user_line="user root;"
    cat <<EOF
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
EOF
}

nginx_http_common() {
    local dir=$1
    cat <<EOF
    access_log off;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    keepalive_timeout 300s;
    keepalive_requests 100000000;
EOF
}

start_origin() {
    local dir=$tmp/origin
    mkdir -p "$dir"
    {
        nginx_common "$dir"
        cat <<EOF
http {
$(nginx_http_common "$dir")
    types { image/jpeg jpg jpeg; image/png png; image/gif gif; image/webp webp; }
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=1000 inactive=600s;
    server {
        listen 127.0.0.1:$origin_port;
        root $corpus;
    }
}
EOF
    } >"$dir/nginx.conf"
    start_pinned "$cpu_load" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;'
    wait_for origin "http://127.0.0.1:$origin_port$(head -n 1 "$tmp/paths.txt")" 200
}

start_nginx_proxy() {
    local dir=$tmp/nginx-proxy
    mkdir -p "$dir"
    {
        nginx_common "$dir"
        cat <<EOF
http {
$(nginx_http_common "$dir")
    upstream origin {
        server 127.0.0.1:$origin_port;
        keepalive 64;
        keepalive_requests 100000000;
    }
    server {
        listen 127.0.0.1:$nginx_port;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # Buffers large enough for the biggest photo, so no response is spilled to a temporary file.
            proxy_buffers 64 8k;
            proxy_max_temp_file_size 0;
        }
    }
}
EOF
    } >"$dir/nginx.conf"
    start_pinned "$cpu_proxy" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;'
    nginx_pid=$!
    wait_for "nginx proxy" "http://127.0.0.1:$nginx_port$(head -n 1 "$tmp/paths.txt")" 200
}

# ---------------------------------------------------------------- .NET proxies
dotnet_env=(env ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1 Logging__LogLevel__Default=Warning)

# start_plain_yarp PID_VARIABLE PORT LOG [NAME=value ...]: PlainYarp on the proxy core with extra environment; its
# pid in the variable named first.
start_plain_yarp() {
    local pid_variable=$1 port=$2 log=$3
    shift 3
    start_pinned "$cpu_proxy" "${dotnet_env[@]}" "$@" "$plain_yarp_exe" \
        --urls "http://127.0.0.1:$port" --Origin "http://127.0.0.1:$origin_port" \
        >"$tmp/$log" 2>&1
    printf -v "$pid_variable" '%s' "$!"
    wait_for "plain YARP ($log)" "http://127.0.0.1:$port$(head -n 1 "$tmp/paths.txt")" 200
}

start_redis() {
    start_pinned "$cpu_load" redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
        --dir "$tmp" --logfile "$tmp/redis.log"
    for _ in $(seq 1 100); do
        [ "$(redis-cli -p "$redis_port" ping 2>/dev/null || true)" = PONG ] && return 0
        sleep 0.1
    done
    die "redis-server did not start on port $redis_port; see $tmp/redis.log"
}

# Writes BLOCKS URLs that are never requested, plus the blocked requested ones, into redis-server before
# ScanProxy starts (it loads the blocklist at start), in the store's key layout (src/ScanProxy/Store/StoreKeys.cs):
# hash KeyPrefix{zone:NAME}:blocks, canonical URL -> BlockRecord JSON. One HSET per 1000 URLs, sent with
# redis-cli --pipe: 100,000 blocks load in about a second (the admin API would take 100,000 requests).
load_blocks() {
    local key="${key_prefix}{zone:${zone_name}}:blocks"
    local at
    at=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
    {
        seq -f "http://$zone_host/uploads/blocked/%06g.jpg" 1 "$BLOCKS"
        sed "s|^|http://$zone_host|" "$tmp/blocked-paths.txt"
    } | awk -v key="$key" -v zone="$zone_name" -v at="$at" -v batch=1000 '
        function bulk(s) { printf "$%d\r\n%s\r\n", length(s), s }
        { urls[NR] = $0 }
        END {
            for (i = 1; i <= NR; i += batch) {
                m = NR - i + 1 < batch ? NR - i + 1 : batch
                printf "*%d\r\n", 2 + 2 * m
                bulk("HSET"); bulk(key)
                for (j = i; j < i + m; j++) {
                    bulk(urls[j])
                    bulk("{\"zone\":\"" zone "\",\"url\":\"" urls[j] "\",\"reason\":\"load benchmark\",\"blockedAt\":\"" at "\",\"sha256\":null}")
                }
            }
        }' >"$tmp/blocks.resp"
    redis-cli -p "$redis_port" --pipe <"$tmp/blocks.resp" >"$tmp/blocks.pipe.log" 2>&1 ||
        die "loading blocks into redis-server failed; see $tmp/blocks.pipe.log"
    local stored expected
    stored=$(redis-cli -p "$redis_port" hlen "$key")
    expected=$((BLOCKS + $(wc -l <"$tmp/blocked-paths.txt")))
    [ "$stored" = "$expected" ] || die "redis-server holds $stored blocks in $key, expected $expected"
    log "loaded $stored blocked URLs into $key"
}

start_scanproxy() {
    cat >"$tmp/scanproxy.json" <<EOF
{
  "Kestrel": { "Endpoints": { "Edge": { "Url": "http://127.0.0.1:$scanproxy_port" } } },
  "ScanProxy": {
    "Store": { "Redis": "127.0.0.1:$redis_port", "KeyPrefix": "$key_prefix" },
    "Admin": { "Url": "http://127.0.0.1:$admin_port", "ApiKeys": [ "$api_key" ] },
    "Zones": {
      "$zone_name": {
        "Hosts": [ "$zone_host" ],
        "Origins": [ "http://127.0.0.1:$origin_port" ],
        "Scan": $SCAN,
        "Action": "Block"
      }
    }
  }
}
EOF
    start_pinned "$cpu_proxy" "${dotnet_env[@]}" "$scanproxy_exe" serve --config "$tmp/scanproxy.json" \
        >"$tmp/scanproxy.log" 2>&1
    scanproxy_pid=$!
    wait_for "ScanProxy admin" "http://127.0.0.1:$admin_port/readyz" 200
    wait_for ScanProxy "http://127.0.0.1:$scanproxy_port$(head -n 1 "$tmp/paths.txt")" 200
    # Blocking must be in force, with the whole blocklist in memory, before anything is measured.
    wait_for "ScanProxy blocking" "http://127.0.0.1:$scanproxy_port$(head -n 1 "$tmp/blocked-paths.txt")" 451
    local expected held=""
    expected=$((BLOCKS + $(wc -l <"$tmp/blocked-paths.txt")))
    for _ in $(seq 1 300); do
        held=$(curl -s --max-time 5 -H "Authorization: Bearer $api_key" "http://127.0.0.1:$admin_port/api/v1/zones" |
            jq -r --arg z "$zone_name" '.[] | select(.name == $z) | .blockedUrls' 2>/dev/null || true)
        [ "$held" = "$expected" ] && break
        sleep 0.1
    done
    [ "$held" = "$expected" ] || die "ScanProxy holds ${held:-?} blocked URLs in zone $zone_name, expected $expected"
    log "ScanProxy holds $held blocked URLs in zone $zone_name (GET /api/v1/zones)"
}

# ---------------------------------------------------------------- measuring
# run_wrk TARGET PORT SECONDS PATHS_FILE [NAME=VALUE...]: runs wrk (with those variables) and prints its JSON line.
run_wrk() {
    local target=$1 port=$2 seconds=$3 paths=$4
    shift 4
    local cmd=(wrk -t "$THREADS" -c "$CONNECTIONS" -d "${seconds}s" --timeout 10s
        -H "Host: $zone_host" -s "$here/paths.lua" "http://127.0.0.1:$port" -- "$paths")
    [ -z "$cpu_load" ] || cmd=(taskset -c "$cpu_load" "${cmd[@]}")
    local out
    out=$(env "$@" "${cmd[@]}") || die "wrk against $target failed: $out"
    printf '%s\n' "$out" | sed -n 's/^WRK_JSON //p'
}

target_pid() {
    case $1 in
        nginx) echo "$nginx_pid" ;;
        yarp) echo "$yarp_pid" ;;
        yarp-inline) echo "$yarp_inline_pid" ;;
        scanproxy) echo "$scanproxy_pid" ;;
    esac
}

# cpu_ticks PID: the user + system clock ticks the process and its children (nginx's worker) have used so far.
# /proc/PID/stat: utime and stime are fields 14 and 15, i.e. 12 and 13 after the ") " that ends the command name.
cpu_ticks() {
    local pid total=0
    for pid in "$1" $(pgrep -P "$1" || true); do
        total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | cut -d ' ' -f 12,13 | tr ' ' '+')))
    done
    echo "$total"
}

target_port() {
    case $1 in
        nginx) echo "$nginx_port" ;;
        yarp) echo "$yarp_port" ;;
        yarp-inline) echo "$yarp_inline_port" ;;
        scanproxy) echo "$scanproxy_port" ;;
    esac
}

# ---------------------------------------------------------------- main
# Taken before anything of ours runs: how busy the machine is with other work.
load_before=$(cut -d ' ' -f 1 /proc/loadavg)
install_missing
[ -d "$corpus" ] || die "corpus not found at $corpus (set SHARED to the folder holding corpus/dev)"

tmp=$(mktemp -d /tmp/edge-load.XXXXXX)
chmod 755 "$tmp"

cpu_load=""
cpu_proxy=""
if [ "$PIN" = 1 ] || { [ "$PIN" = auto ] && [ "$(nproc)" -ge 2 ]; }; then
    cpu_load=0
    cpu_proxy=1
fi
THREADS=${THREADS:-$([ -n "$cpu_load" ] && echo 1 || echo 2)}

# URL lists: every photo of the corpus; a few of them (spread over the list) are blocked and requested
# only in the 451 check, the rest are the throughput list.
find "$corpus" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.gif' -o -iname '*.webp' \) \
    -printf '/%f\n' | LC_ALL=C sort >"$tmp/all-paths.txt"
photo_count=$(wc -l <"$tmp/all-paths.txt")
[ "$photo_count" -gt "$blocked_requested_count" ] || die "too few photos in $corpus"
stride=$((photo_count / blocked_requested_count))
awk -v s="$stride" -v n="$blocked_requested_count" '(NR - 1) % s == 0 && ++k <= n' "$tmp/all-paths.txt" >"$tmp/blocked-paths.txt"
grep -vxFf "$tmp/blocked-paths.txt" "$tmp/all-paths.txt" >"$tmp/paths.txt"

for target in $TARGETS; do
    case $target in nginx | yarp | yarp-inline | scanproxy) ;; *) die "unknown target $target (known: nginx yarp yarp-inline scanproxy)" ;; esac
done
case " $TARGETS " in *" yarp "* | *" yarp-inline "* | *" scanproxy "*) need_dotnet=1 ;; *) need_dotnet=0 ;; esac
if [ "$need_dotnet" = 1 ] && [ "$SKIP_BUILD" != 1 ]; then
    log "building (Release)"
    dotnet build "$here/PlainYarp/PlainYarp.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
    case " $TARGETS " in *" scanproxy "*)
        dotnet build "$repo/src/ScanProxy/ScanProxy.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2 ;;
    esac
fi
plain_yarp_exe=$here/PlainYarp/bin/Release/net10.0/PlainYarp
scanproxy_exe=$repo/src/ScanProxy/bin/Release/net10.0/scanproxy

origin_port=$(free_port)
nginx_port=$(free_port)
yarp_port=$(free_port)
yarp_inline_port=$(free_port)
scanproxy_port=$(free_port)
admin_port=$(free_port)
redis_port=$(free_port)

log "origin nginx on :$origin_port serving $photo_count photos from $corpus"
start_origin
for target in $TARGETS; do
    case $target in
        nginx) start_nginx_proxy ;;
        yarp) start_plain_yarp yarp_pid "$yarp_port" plain-yarp.log ;;
        yarp-inline)
            start_plain_yarp yarp_inline_pid "$yarp_inline_port" plain-yarp-inline.log DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
            ;;
        scanproxy)
            start_redis
            load_blocks
            start_scanproxy
            ;;
    esac
done

if [ -n "$cpu_load" ]; then
    pinning="wrk and origin pinned to CPU $cpu_load, proxy under test to CPU $cpu_proxy"
else
    pinning="no CPU pinning"
fi
log "$pinning"
log "wrk: $THREADS thread(s), $CONNECTIONS connections; warm-up ${WARMUP}s, then $ROUNDS rounds x ${DURATION}s per target, interleaved"

clock_ticks=$(getconf CLK_TCK)
results=$tmp/results.jsonl
: >"$results"
for target in $TARGETS; do
    run_wrk "$target" "$(target_port "$target")" "$WARMUP" "$tmp/paths.txt" >/dev/null
done
reversed=$(printf '%s\n' $TARGETS | tac | tr '\n' ' ')
for round in $(seq 1 "$ROUNDS"); do
    # Every other round runs the targets in reverse order, so that drift in the machine's load favours none.
    order=$TARGETS
    [ $((round % 2)) -eq 1 ] || order=$reversed
    for target in $order; do
        ticks_before=$(cpu_ticks "$(target_pid "$target")")
        json=$(run_wrk "$target" "$(target_port "$target")" "$DURATION" "$tmp/paths.txt")
        ticks=$(($(cpu_ticks "$(target_pid "$target")") - ticks_before))
        printf '%s\n' "$json" | jq -c --arg t "$target" --argjson r "$round" --argjson cpu "$ticks" --argjson hz "$clock_ticks" \
            '{target: $t, round: $r, cpu_us: ($cpu / $hz * 1e6 | round)} + .' >>"$results"
        printf '%s\n' "$json" | jq -r --arg t "$target" --argjson r "$round" --argjson cpu "$ticks" --argjson hz "$clock_ticks" \
            '"round \($r) \($t): \(.requests / (.duration_us / 1e6) | floor) req/s, p50 \(.latency_us.p50 / 1000) ms, p99 \(.latency_us.p99 / 1000) ms, CPU \($cpu / $hz * 1e6 / .requests | round) us/request, errors \(.errors | add)"' >&2
    done
done

blocked_json=""
case " $TARGETS " in *" scanproxy "*)
    blocked_json=$(run_wrk scanproxy "$scanproxy_port" 2 "$tmp/blocked-paths.txt" WRK_COUNT_STATUS=1)
    ;;
esac

# ---------------------------------------------------------------- report
echo
echo "Edge load benchmark, $(date -u +%Y-%m-%dT%H:%MZ): $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores;" \
    "load average before the run $load_before"
echo "wrk $THREADS thread(s), $CONNECTIONS connections, $ROUNDS x ${DURATION}s per target after ${WARMUP}s warm-up;" \
    "$pinning; $(wc -l <"$tmp/paths.txt") photos cycled; medians over rounds (odd rounds in order, even rounds reversed)"
echo
# Medians over the rounds, per target.
jq -s '
  def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  . as $rounds
  | group_by(.target) | map({key: .[0].target, value: {
      rps: (map(.requests / (.duration_us / 1e6)) | median),
      mibps: (map(.bytes / (.duration_us / 1e6) / 1048576) | median),
      p50: (map(.latency_us.p50) | median), p90: (map(.latency_us.p90) | median),
      p99: (map(.latency_us.p99) | median), cpu: (map(.cpu_us / .requests) | median),
      errors: (map(.errors | add) | add)}}) | from_entries
  | {targets: .}
  | . + {pairs: ($rounds | group_by(.round) | map(
      (map(select(.target == "scanproxy")) | first) as $s | (map(select(.target == "yarp")) | first) as $y
      | select($s and $y)
      | {rps: (($s.requests / $s.duration_us) / ($y.requests / $y.duration_us)), p99: ($s.latency_us.p99 - $y.latency_us.p99),
         cpu: (($s.cpu_us / $s.requests) / ($y.cpu_us / $y.requests))}))}
  | .pairs |= (if length > 0 then {rps: (map(.rps) | median), p99: (map(.p99) | median), cpu: (map(.cpu) | median),
                                  rps_min: (map(.rps) | min), rps_max: (map(.rps) | max),
                                  cpu_min: (map(.cpu) | min), cpu_max: (map(.cpu) | max)} else null end)
' "$results" >"$tmp/summary.json"
jq -r --arg order "$TARGETS" '
  def ms: . / 1000 * 100 | round / 100;
  .targets as $m
  | (["target", "req/s", "MiB/s", "p50_ms", "p90_ms", "p99_ms", "cpu_us/req", "errors"] | @tsv),
    ($order | split(" ") | map(select(. != "")) | .[] | . as $t | $m[$t]
     | [$t, (.rps | round), (.mibps | round), (.p50 | ms), (.p90 | ms), (.p99 | ms), (.cpu * 10 | round / 10), .errors] | @tsv)
' "$tmp/summary.json" | column -t -s $'\t'
echo
jq -r '
  def ms: . / 1000 * 100 | round / 100;
  def signed_ms: ms | if . >= 0 then "+\(.)" else "\(.)" end;
  def ratio: . * 1000 | round / 1000;
  .pairs as $pairs | .targets as $m
  | (if $m.scanproxy and $m.yarp then
       ($m.scanproxy.rps / $m.yarp.rps) as $r | ($m.scanproxy.p99 - $m.yarp.p99) as $d
       | "ScanProxy vs plain YARP (medians): \($r | ratio)x req/s (target >= 0.95x: \(if $r >= 0.95 then "met" else "NOT met" end)),"
         + " p99 \($d | signed_ms) ms (target <= +1 ms: \(if $d <= 1000 then "met" else "NOT met" end))"
     else empty end),
    (if $pairs then
       "ScanProxy vs plain YARP (median of the per-round ratios, each round measuring them back to back):"
       + " \($pairs.rps | ratio)x req/s (rounds \($pairs.rps_min | ratio)..\($pairs.rps_max | ratio)), p99 \($pairs.p99 | signed_ms) ms;"
       + " CPU per request \($pairs.cpu | ratio)x that of YARP (rounds \($pairs.cpu_min | ratio)..\($pairs.cpu_max | ratio)),"
       + " i.e. \(1 / $pairs.cpu | ratio)x its requests per second of CPU"
     else empty end),
    (if $m.scanproxy and $m["yarp-inline"] then
       "ScanProxy vs plain YARP with inline socket completions, as ScanProxy runs (medians):"
       + " \($m.scanproxy.rps / $m["yarp-inline"].rps | ratio)x req/s, p99 \($m.scanproxy.p99 - $m["yarp-inline"].p99 | signed_ms) ms,"
       + " CPU per request \($m.scanproxy.cpu / $m["yarp-inline"].cpu | ratio)x"
     else empty end),
    (if $m.nginx and $m.yarp then
       "nginx vs plain YARP: \($m.nginx.rps / $m.yarp.rps | ratio)x req/s, p99 \($m.nginx.p99 - $m.yarp.p99 | signed_ms) ms"
     else empty end),
    (if $m.nginx and $m.scanproxy then
       "ScanProxy vs nginx: \($m.scanproxy.rps / $m.nginx.rps | ratio)x req/s, p99 \($m.scanproxy.p99 - $m.nginx.p99 | signed_ms) ms"
     else empty end)
' "$tmp/summary.json"
if [ -n "$blocked_json" ]; then
    printf '%s\n' "$blocked_json" | jq -r --arg n "$(wc -l <"$tmp/blocked-paths.txt")" \
        '"Blocked check (ScanProxy, \($n) blocked photo URLs, 2 s): \(.status_451) answered 451, \(.status_other) answered otherwise"'
fi
if awk -v l="$load_before" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    echo "WARNING: the machine was busy before the run (load average $load_before on $(nproc) cores): these numbers are noisy."
fi
echo
echo "Per round (JSON lines):"
cat "$results"
