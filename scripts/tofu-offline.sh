#!/usr/bin/env bash
# OpenTofu for cdktf without a registry: `cdktf deploy` runs `<bin> providers lock`, which always
# asks the provider registry, so that one command is pointed at the local filesystem mirror that
# scripts/tools.sh builds. Everything else goes to tofu unchanged.
set -euo pipefail
: "${MSP_TOFU:?source the env.sh that scripts/tools.sh writes}"
if [[ "${1:-}" == "providers" && "${2:-}" == "lock" ]]; then
  exec "$MSP_TOFU" providers lock -fs-mirror="$MSP_TOOLS_DIR/providers" "${@:3}"
fi
exec "$MSP_TOFU" "$@"
