#!/usr/bin/env bash
# The one command that runs every test: installs what the tests need on a fresh
# Debian 12 machine that has only the .NET SDK, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# promtool checks deploy/prometheus; prometheus itself runs the dashboard's queries (Deploy tests).
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || need+=(prometheus)
if [ ${#need[@]} -gt 0 ]; then
  echo "tests/run.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The packages start a system redis-server on 6379 and a system prometheus on 9090 (the admin listener's default
# port); tests start their own on free ports and never use either.

dotnet build ScanProxy.sln -c Release -nologo -clp:ErrorsOnly
# One test project at a time: the end-to-end tests start real proxies, origins and redis-servers, and on a
# 2-core machine they should not compete with the CPU-heavy hashing and index tests of the other projects.
dotnet test ScanProxy.sln -c Release --no-build -nologo -m:1 --logger "console;verbosity=normal" "$@"
