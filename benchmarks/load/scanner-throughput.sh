#!/usr/bin/env bash
# Scanner throughput (issue 6, item 9). Target: the cache-fill scanner of one ScanProxy process judges new images at
# least 90% as fast as `scanproxy hash` hashes the same files on the same cores.
#
#   scanner  src/ScanProxy (Release), one zone, Scan: true, Async, MinQuality 0 (so every decodable image leaves a
#            verdict), a list of LIST_SIZE random PDQ hashes (nothing matches), Scanner:Workers = the number of CPUs
#            in CPUS, the process pinned to CPUS. curl requests every file of the round once through the proxy
#            (CONCURRENCY at a time) from an nginx origin; the time is from the first request until the scanner has
#            judged every distinct object (its verdict keys, KeyPrefix + verdict:*, counted in redis every 20 ms).
#   hash     `scanproxy hash DIR` over the same files, pinned to the same CPUS (it hashes on one thread per core);
#            wall time of the process, its start included (the start alone, hashing one file, is printed beside it).
#
# Every round uses new files: the dev photos (../shared/corpus/dev) each with a JPEG comment naming the round inserted
# after its JFIF header, so their bytes are new to the scanner (its verdict cache and the store) while decoding
# costs what the photo costs. Rounds alternate which of the two runs first. Everything runs on 127.0.0.1 on ports
# chosen at run time, from a temporary directory, and is stopped on exit. With 2 or more cores the origin, redis and
# curl run on the CPUs not in CPUS.
#
# Usage: benchmarks/load/scanner-throughput.sh
# Settings (environment): ROUNDS=3 WARM_ROUNDS=2 CPUS (default 1 when there are 2 or more cores, else 0) WORKERS (Scanner:Workers;
#   default: the number of CPUs in CPUS, as the target says; more, to see whether workers wait) CONCURRENCY=8 LIST_SIZE=1000
#   LIMIT=300 (s, the longest a round waits for the scanner) SKIP_BUILD=1 (use the existing Release build)
#   SHARED (default: <repo>/../shared) PROXY_ENV (extra NAME=VALUE environment for the proxy only, e.g.
#   "DOTNET_gcServer=0", for experiments)
# Needs nginx, redis-server, redis-cli, jq, curl, taskset, ss and the .NET SDK. Not part of the test suite.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$repo/../shared}
corpus=$shared/corpus/dev

ROUNDS=${ROUNDS:-3}
# Sets of new files the scanner judges before the measured rounds (a proxy that has been running a while).
WARM_ROUNDS=${WARM_ROUNDS:-2}
CONCURRENCY=${CONCURRENCY:-8}
LIST_SIZE=${LIST_SIZE:-1000}
LIMIT=${LIMIT:-300}
# Scanner:Workers; by default the number of CPUs in CPUS (set in the same place as cores below).
WORKERS=${WORKERS:-}
SKIP_BUILD=${SKIP_BUILD:-0}
if [ -z "${CPUS:-}" ]; then
    if [ "$(nproc)" -ge 2 ]; then CPUS=1; else CPUS=0; fi
fi

zone_host=throughput.bench
zone_name=bench
api_key=throughput-bench-key
key_prefix=throughput:

log() { printf '[scanner-throughput] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in nginx redis-server redis-cli jq curl taskset ss sha256sum dotnet; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required (apt-get install nginx-light redis-server redis-tools jq curl util-linux iproute2)"
done
[ -d "$corpus" ] || die "corpus not found at $corpus (set SHARED to the folder holding corpus/dev)"

# The CPUs of a list such as "1", "1,2" or "0-3", one per line.
expand_cpus() {
    local part
    for part in ${1//,/ }; do
        case $part in *-*) seq "${part%-*}" "${part#*-}" ;; *) echo "$part" ;; esac
    done
}
mapfile -t scan_cpus < <(expand_cpus "$CPUS")
cores=${#scan_cpus[@]}
WORKERS=${WORKERS:-$cores}
# The other CPUs, for the origin, redis and curl; all of them when CPUS takes every one.
cpu_load=$(seq 0 $(($(nproc) - 1)) | grep -vxF -f <(printf '%s\n' "${scan_cpus[@]}") | paste -sd, || true)

# ---------------------------------------------------------------- processes
load_before=$(cut -d ' ' -f 1 /proc/loadavg)
tmp=$(mktemp -d /tmp/scanproxy-scanner-throughput.XXXXXX)
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

# wait_for NAME URL STATUS: polls until the URL answers with STATUS, 120 s at most.
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
pinned() { if [ -n "$1" ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---------------------------------------------------------------- build and inputs
if [ "$SKIP_BUILD" != 1 ]; then
    log "building src/ScanProxy (Release)"
    dotnet build "$repo/src/ScanProxy/ScanProxy.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi
scanproxy_exe=$repo/src/ScanProxy/bin/Release/net10.0/scanproxy
[ -x "$scanproxy_exe" ] || die "$scanproxy_exe is not built"
dotnet_env=(env ASPNETCORE_ENVIRONMENT=Production DOTNET_CLI_TELEMETRY_OPTOUT=1 Logging__LogLevel__Default=Warning)

# Sources: the dev photos with a 16-byte JFIF APP0 segment right after SOI (where the comment goes).
mapfile -t sources < <(find "$corpus" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.jpeg' \) | LC_ALL=C sort |
    while read -r f; do [ "$(od -An -tx1 -j2 -N4 "$f" | tr -d ' ')" = ffe00010 ] && echo "$f"; done)
[ "${#sources[@]}" -gt 0 ] || die "no JPEG with a 16-byte JFIF header in $corpus"
log "${#sources[@]} dev photos per round, $ROUNDS rounds; the scanner and scanproxy hash on CPU(s) $CPUS ($cores cores)${cpu_load:+, origin, redis and curl on CPU(s) $cpu_load}"
for round in $(seq 1 $((WARM_ROUNDS + ROUNDS))); do
    mkdir -p "$tmp/files/r$round"
    for src in "${sources[@]}"; do
        {
            head -c 20 "$src"
            printf '\xff\xfe\x00\x0cround%05d' "$round"
            tail -c +21 "$src"
        } >"$tmp/files/r$round/$(basename "$src")"
    done
done

for _ in $(seq 1 "$LIST_SIZE"); do
    printf '%s,random-%s\n' "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" "$RANDOM"
done >"$tmp/random-pdq.csv"

# ---------------------------------------------------------------- origin, store, proxy
origin_port=$(free_port)
redis_port=$(free_port)
edge_port=$(free_port)
admin_port=$(free_port)
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
    server { listen 127.0.0.1:$origin_port; root $tmp/files; }
}
EOF
start_pinned "$cpu_load" nginx -p "$tmp/origin" -c "$tmp/origin/nginx.conf" -e "$tmp/origin/error.log" -g 'daemon off;'
wait_for origin "http://127.0.0.1:$origin_port/r1/$(basename "${sources[0]}")" 200

start_pinned "$cpu_load" redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$tmp" --logfile "$tmp/redis.log"
for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$redis_port" ping 2>/dev/null || true)" = PONG ] && break
    sleep 0.1
done

cat >"$tmp/scanproxy.json" <<EOF
{
  "Kestrel": { "Endpoints": { "Edge": { "Url": "http://127.0.0.1:$edge_port" } } },
  "ScanProxy": {
    "Store": { "Redis": "127.0.0.1:$redis_port", "KeyPrefix": "$key_prefix" },
    "Admin": { "Url": "http://127.0.0.1:$admin_port", "ApiKeys": [ "$api_key" ] },
    "HashLists": { "random": { "Path": "$tmp/random-pdq.csv", "Kind": "Pdq" } },
    "Scanner": { "Workers": $WORKERS },
    "Zones": {
      "$zone_name": {
        "Hosts": [ "$zone_host" ],
        "Origins": [ "http://127.0.0.1:$origin_port" ],
        "Scan": true, "Mode": "Async", "HashLists": [ "random" ], "MinQuality": 0
      }
    }
  }
}
EOF
# shellcheck disable=SC2086 # PROXY_ENV is a list of NAME=VALUE words.
start_pinned "$CPUS" "${dotnet_env[@]}" ${PROXY_ENV:-} "$scanproxy_exe" serve --config "$tmp/scanproxy.json" >"$tmp/scanproxy.log" 2>&1
# taskset and env exec the program: the pid is the proxy's.
proxy_pid=${pids[-1]}
wait_for "ScanProxy readiness" "http://127.0.0.1:$admin_port/readyz" 200
# Forwarding works before anything is measured (a 404 from the origin: nothing to scan).
wait_for ScanProxy "http://127.0.0.1:$edge_port/none" 404

verdicts() { redis-cli -p "$redis_port" --scan --pattern "${key_prefix}verdict:*" | wc -l; }

# ---------------------------------------------------------------- measuring
# hash_once DIR: "WALL_MS CPU_MS" of `scanproxy hash DIR` on CPUS (CPU: user + system, all its threads); the number of
# images hashed goes to $tmp/hashed.
hash_once() {
    local TIMEFORMAT='%3R %3U %3S' real user sys
    { time pinned "$CPUS" "${dotnet_env[@]}" "$scanproxy_exe" hash "$1" >"$tmp/hash.out" 2>"$tmp/hash.err"; } 2>"$tmp/hash.time" || true
    read -r real user sys <"$tmp/hash.time"
    wc -l <"$tmp/hash.out" >"$tmp/hashed"
    awk -v r="$real" -v u="$user" -v s="$sys" 'BEGIN { printf "%d %d\n", r * 1000, (u + s) * 1000 }'
}

# CPU time (user + system) the proxy has used, in ms.
proxy_cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$proxy_pid/stat"; }

# scan_once DIR ROUND BASELINE: "WALL_MS OBJECTS CPU_MS KNOWN_CPU_MS": from the first request until the scanner has
# judged every distinct decodable object of DIR (BASELINE verdicts were in the store before), the proxy's CPU time
# meanwhile, and its CPU time serving the same files again once they are known.
scan_once() {
    local dir=$1 round=$2 baseline=$3 expected target start end judged=0 f cpu_before
    # The objects that leave a verdict: those scanproxy hash decodes, counted once per distinct content.
    expected=$(cut -d, -f3- "$tmp/hash.r$round.out" | while read -r f; do sha256sum "$f"; done | cut -c1-64 | sort -u | wc -l)
    target=$((baseline + expected))
    for f in "$dir"/*; do
        printf 'url = "http://127.0.0.1:%s/r%s/%s"\noutput = "/dev/null"\n' "$edge_port" "$round" "$(basename "$f")"
    done >"$tmp/curl.r$round.cfg"
    cpu_before=$(proxy_cpu_ms)
    start=$(now_ms)
    pinned "$cpu_load" curl -s --no-progress-meter -Z --parallel-max "$CONCURRENCY" -H "Host: $zone_host" --max-time 60 -K "$tmp/curl.r$round.cfg" ||
        die "curl failed in round $round"
    while true; do
        judged=$(verdicts)
        [ "$judged" -ge "$target" ] && break
        [ $(($(now_ms) - start)) -lt $((LIMIT * 1000)) ] || die "round $round: the scanner judged $((judged - baseline)) of $expected objects in ${LIMIT}s"
        sleep 0.02
    done
    end=$(now_ms)
    local cpu_scan=$(($(proxy_cpu_ms) - cpu_before)) cpu_again
    # The same files once more: now known objects (SHA-256 and a verdict cache hit each, no decode), so the proxy's
    # CPU time is that of serving and teeing them; 1 s after the last response for their scans to finish.
    cpu_again=$(proxy_cpu_ms)
    pinned "$cpu_load" curl -s --no-progress-meter -Z --parallel-max "$CONCURRENCY" -H "Host: $zone_host" --max-time 60 -K "$tmp/curl.r$round.cfg" ||
        die "curl failed in round $round (known objects)"
    sleep 1
    echo "$((end - start)) $expected $cpu_scan $(($(proxy_cpu_ms) - cpu_again))"
}

# The start of `scanproxy hash` alone: one small file.
mkdir -p "$tmp/one"
cp "${sources[0]}" "$tmp/one/"
hash_once "$tmp/one" >/dev/null
read -r start_ms _ <<<"$(hash_once "$tmp/one")"

# The first sets warm the proxy up: a process just started runs much of the decoder and the hash as tier-0
# (unoptimised) JIT code for its first seconds. They are reported apart, the first as the cold start.
cold=""
for round in $(seq 1 "$WARM_ROUNDS"); do
    pinned "$cpu_load" "$scanproxy_exe" hash "$tmp/files/r$round" >"$tmp/hash.r$round.out" 2>/dev/null || true
    read -r scan_ms judged scan_cpu_ms _ <<<"$(scan_once "$tmp/files/r$round" "$round" "$(verdicts)")"
    log "warm-up set $round: scanner $judged objects in $scan_ms ms ($((judged * 1000 / scan_ms))/s, CPU $scan_cpu_ms ms)"
    [ -n "$cold" ] || cold="$judged objects in $scan_ms ms ($((judged * 1000 / scan_ms))/s, CPU $((scan_cpu_ms / judged)) ms per image)"
done

results=$tmp/results.jsonl
: >"$results"
for round in $(seq $((WARM_ROUNDS + 1)) $((WARM_ROUNDS + ROUNDS))); do
    dir=$tmp/files/r$round
    order="hash scan"
    [ $((round % 2)) -eq 1 ] || order="scan hash"
    for what in $order; do
        case $what in
            hash)
                read -r hash_ms hash_cpu_ms <<<"$(hash_once "$dir")"
                hashed=$(cat "$tmp/hashed")
                cp "$tmp/hash.out" "$tmp/hash.r$round.out"
                ;;
            scan)
                # The expected count comes from scanproxy hash's output for the round: run it first when needed.
                [ -f "$tmp/hash.r$round.out" ] || { pinned "$cpu_load" "$scanproxy_exe" hash "$dir" >"$tmp/hash.r$round.out" 2>/dev/null || true; }
                scanned=$(scan_once "$dir" "$round" "$(verdicts)")
                read -r scan_ms judged scan_cpu_ms known_cpu_ms <<<"$scanned"
                ;;
        esac
    done
    jq -nc --argjson r "$round" --argjson files "$(find "$dir" -type f | wc -l)" --argjson hashed "$hashed" --argjson hash_ms "$hash_ms" \
        --argjson judged "$judged" --argjson scan_ms "$scan_ms" --argjson hash_cpu "$hash_cpu_ms" --argjson scan_cpu "$scan_cpu_ms" --argjson known_cpu "$known_cpu_ms" \
        '{round: $r, files: $files, hashed: $hashed, hash_ms: $hash_ms, judged: $judged, scan_ms: $scan_ms,
          hash_cpu_ms: $hash_cpu, scan_cpu_ms: $scan_cpu, known_cpu_ms: $known_cpu,
          hash_rate: ($hashed * 1000 / $hash_ms), scan_rate: ($judged * 1000 / $scan_ms)}' | tee -a "$results" |
        jq -r '"round \(.round): scanproxy hash \(.hashed) images in \(.hash_ms) ms (\(.hash_rate * 10 | round / 10)/s, CPU \(.hash_cpu_ms) ms); scanner \(.judged) objects in \(.scan_ms) ms (\(.scan_rate * 10 | round / 10)/s, CPU \(.scan_cpu_ms) ms)"' >&2
done

# ---------------------------------------------------------------- report
load_after=$(cut -d ' ' -f 1 /proc/loadavg)
echo
echo "Scanner throughput, $(date -u +%Y-%m-%dT%H:%MZ): $(nproc) cores; both on CPU(s) $CPUS ($cores cores, Scanner:Workers $WORKERS);" \
    "load average before $load_before, after $load_after"
echo
jq -rs --arg start "$start_ms" --arg warm "$WARM_ROUNDS" --arg cold "${cold:-not measured (WARM_ROUNDS=0)}" '
  def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def r1: . * 10 | round / 10;
  (map(.hash_rate) | median) as $h | (map(.scan_rate) | median) as $s |
  "| run | images | wall ms (median) | images/s (median) | CPU ms per image (median) |",
  "| --- | ---: | ---: | ---: | ---: |",
  "| scanproxy hash DIR | \(.[0].hashed) | \(map(.hash_ms) | median) | \($h | r1) | \(map(.hash_cpu_ms / .hashed) | median | r1) |",
  "| scanner (proxy, first request to last verdict) | \(.[0].judged) | \(map(.scan_ms) | median) | \($s | r1) | \(map(.scan_cpu_ms / .judged) | median | r1) |",
  "| proxy serving the same files again (known objects) | \(.[0].files) | | | \(map(.known_cpu_ms / .files) | median | r1) |",
  "",
  "Medians of \(length) rounds, after \($warm) sets of new files judged to warm the proxy up; scanproxy hash start alone (one file): \($start) ms, included in its wall time (every run of it is a new process).",
  "Cold start (the first set, in a proxy just started): scanner \($cold).",
  "Scanner / scanproxy hash: \(($s / $h * 1000 | round) / 10)% (target: at least 90%): \(if $s >= 0.9 * $h then "MET" else "NOT MET" end).",
  "CPU per image, scanner / scanproxy hash: \(((map(.scan_cpu_ms / .judged) | median) / (map(.hash_cpu_ms / .hashed) | median) * 1000 | round) / 10)% (less noisy on a busy machine; the scanner\u0027s includes serving each image, the hash\u0027s its process start)."
' "$results"
if awk -v l="$load_before" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    echo "WARNING: the machine was busy before the run (load average $load_before on $(nproc) cores): these numbers are noisy."
fi
