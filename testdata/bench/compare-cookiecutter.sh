#!/usr/bin/env bash
# Compares `platform new service` (render, write, git commit) with cookiecutter
# rendering the same files, and measures start-up. Needs hyperfine and cookiecutter
# (Debian: apt-get install hyperfine cookiecutter). Used for docs/performance.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo" && make build >/dev/null
bin="$repo/bin/platform"
export HOME="$work/home" PLATFORM_GIT_AUTHOR_NAME=bench PLATFORM_GIT_AUTHOR_EMAIL=bench@example.com
mkdir -p "$HOME"
cd "$work"

# A cookiecutter template holding exactly the files the golden path renders.
"$bin" new service payments --owner group:payments --yes --no-git -o ref >/dev/null
mkdir -p 'cc/{{cookiecutter.name}}'
cp -r ref/. 'cc/{{cookiecutter.name}}/'
grep -rl payments cc | xargs sed -i 's/payments/{{cookiecutter.name}}/g'
echo '{"name": "payments"}' > cc/cookiecutter.json
cookiecutter --no-input -o check cc
diff -r check/payments ref

hyperfine -N --warmup 3 --runs 30 \
  --prepare 'rm -rf out-cc' 'cookiecutter --no-input -o out-cc cc' \
  --prepare 'rm -rf out-p' "$bin new service payments --owner group:payments --yes -o out-p"
hyperfine -N --warmup 10 --runs 100 "$bin --version"
