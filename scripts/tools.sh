#!/usr/bin/env bash
# Builds the test toolchain from source through the Go module proxy (the only
# reachable source of binaries here) into a cache outside the checkout:
#   tofu, the hashicorp/kubernetes and hashicorp/helm providers (as an OpenTofu
#   filesystem mirror + CLI config), etcd, kube-apiserver, kube-controller-manager.
# Each tool lives in a directory keyed by its version and is skipped when its
# binary already exists, so a warm run takes about a second.
# Usage: scripts/tools.sh            then: source "$DIR/env.sh"
#        MSP_TOOLS_DIR=/path scripts/tools.sh
set -Eeuo pipefail

# --- versions -----------------------------------------------------------------
# OpenTofu: newest tag on the proxy; its go.mod says `go 1.26.6` (Go 1.26.8 is enough).
TOFU_VERSION=v1.12.6
# Kubernetes control plane for the local test cluster (go.mod: go 1.26.0).
KUBERNETES_VERSION=v1.37.2
KUBERNETES_STAGING_VERSION=v0.37.2 # k8s.io/* staging modules published for KUBERNETES_VERSION
# etcd: the minor that k8s v1.37 is built and tested against (3.7.x), newest patch.
ETCD_VERSION=v3.7.3
# Providers. The module paths lack /v2 and /v3, so tags cannot be used: only
# pseudo-versions. The module proxy reachable here serves exactly one commit of
# each repository (the v2.38.0 / v3.1.1 tag commits are refused with 403), so
# these are built from the newest served commits and published in the mirror
# under the versions that @cdktf/provider-kubernetes 12.1 / provider-helm 12.1
# pin in required_providers ("2.38.0" / "3.1.1"):
#   kubernetes: main @ 2026-08-21 (after the 3.2.1 release; 3.x only deprecates
#               the non-_v1 resources, it removes none of the 2.38.0 schema)
#   helm:       main @ 2026-06-29 (after the 3.2.0 release)
K8S_PROVIDER_MODULE=github.com/hashicorp/terraform-provider-kubernetes
K8S_PROVIDER_MODVER=v1.13.4-0.20260821094251-3a33fb6cc605
K8S_PROVIDER_VERSION=2.38.0
HELM_PROVIDER_MODULE=github.com/hashicorp/terraform-provider-helm
HELM_PROVIDER_MODVER=v1.3.3-0.20260629194918-a4f1c1d8b008
HELM_PROVIDER_VERSION=3.1.1
PROVIDER_PLATFORM=linux_amd64

DIR=${MSP_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cdktf-microservice-platform/tools}
MIRROR="$DIR/providers"

export GOFLAGS=-mod=mod
export GOTOOLCHAIN=local # never fetch another Go toolchain; fail clearly instead
export CGO_ENABLED=0
export GOWORK=off

command -v go >/dev/null || { echo "tools.sh: 'go' not found on PATH" >&2; exit 1; }
command -v node >/dev/null || { echo "tools.sh: 'node' not found on PATH" >&2; exit 1; }
mkdir -p "$DIR" "$MIRROR"
# one run at a time per cache (parallel test workers may all call this script)
if command -v flock >/dev/null; then
  exec 9>"$DIR/.lock"
  flock 9
fi
# build dirs left behind by an interrupted or failed earlier run
rm -rf "$DIR"/.build.*

CURRENT_TOOL=""
BUILD_DIR=""
on_error() {
  local rc=$?
  # with set -E the trap also runs inside $(...) subshells: report once, from the main shell
  [[ $BASHPID == "$$" ]] || exit "$rc"
  if [[ -n "$CURRENT_TOOL" ]]; then
    echo "tools.sh: FAILED to build $CURRENT_TOOL (exit $rc); build dir kept at ${BUILD_DIR:-?}" >&2
  else
    echo "tools.sh: FAILED (exit $rc)" >&2
  fi
  exit "$rc"
}
trap on_error ERR

# new_build_module NAME: fresh empty Go module under the cache; cd into it
new_build_module() {
  BUILD_DIR=$(mktemp -d "$DIR/.build.$1.XXXXXX")
  cd "$BUILD_DIR"
  go mod init "msp-tools-build/$1" >/dev/null 2>&1
}

# copy_mod_directives MODULE VERSION [STAGING_VERSION]
# Copies the dependency's `godebug` lines and non-local `replace` lines into
# the current module (replaces of dependencies are ignored by Go otherwise).
# With STAGING_VERSION, local-path replaces (`k8s.io/api => ./staging/...`)
# become replaces to that published version; without it they are dropped.
copy_mod_directives() {
  local gomod
  gomod=$(go mod download -json "$1@$2" | node -e '
    const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
    if (d.Error || !d.GoMod) { console.error(d.Error || "no GoMod"); process.exit(1); }
    console.log(d.GoMod);')
  local directives args=()
  directives=$(go mod edit -json "$gomod" | node -e '
    const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const staging = process.argv[1];
    const out = [];
    for (const g of d.Godebug || d.GoDebug || []) out.push(`-godebug=${g.Key}=${g.Value}`);
    for (const r of d.Replace || []) {
      const old = r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : "");
      if (/^\.|^\//.test(r.New.Path)) {
        if (staging) out.push(`-replace=${old}=${r.Old.Path}@${staging}`);
      } else {
        out.push(`-replace=${old}=${r.New.Path}${r.New.Version ? "@" + r.New.Version : ""}`);
      }
    }
    console.log(out.join("\n"));' "${3:-}")
  [[ -z "$directives" ]] || mapfile -t args <<<"$directives"
  if ((${#args[@]})); then go mod edit "${args[@]}"; fi
}

# install_bin SRC DEST: atomic move into place
install_bin() {
  mkdir -p "$(dirname "$2")"
  mv -f "$1" "$2.tmp" && mv -f "$2.tmp" "$2"
}

finish_tool() { # LABEL START_SECONDS
  cd "$DIR"
  rm -rf "$BUILD_DIR"
  BUILD_DIR=""
  CURRENT_TOOL=""
  echo "$1: built in $((SECONDS - $2)) s"
}

LDFLAGS_STRIP="-s -w"

# --- OpenTofu -------------------------------------------------------------------
TOFU="$DIR/tofu-$TOFU_VERSION/tofu"
if [[ -x "$TOFU" ]]; then
  echo "tofu $TOFU_VERSION: cached"
else
  CURRENT_TOOL="tofu $TOFU_VERSION"; t0=$SECONDS
  new_build_module tofu
  copy_mod_directives github.com/opentofu/opentofu "$TOFU_VERSION"
  go get "github.com/opentofu/opentofu/cmd/tofu@$TOFU_VERSION" >/dev/null 2>"$BUILD_DIR/get.log" || { cat "$BUILD_DIR/get.log" >&2; false; }
  # version.dev=no as in upstream's .goreleaser.yaml, else `tofu version` says "-dev"
  go build -trimpath -ldflags "$LDFLAGS_STRIP -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$BUILD_DIR/tofu" github.com/opentofu/opentofu/cmd/tofu
  install_bin "$BUILD_DIR/tofu" "$TOFU"
  finish_tool "tofu $TOFU_VERSION" "$t0"
fi

# --- providers (filesystem mirror) ----------------------------------------------
build_provider() { # TYPE MODULE MODVER MIRROR_VERSION
  local type=$1 module=$2 modver=$3 version=$4
  local name="terraform-provider-$type"
  local bin="$DIR/$name-$modver/$name"
  local dest="$MIRROR/registry.opentofu.org/hashicorp/$type/$version/$PROVIDER_PLATFORM/${name}_v$version"
  if [[ -x "$bin" ]]; then
    echo "$type provider $version ($modver): cached"
  else
    CURRENT_TOOL="$type provider $version ($module@$modver)"; local t0=$SECONDS
    new_build_module "$name"
    copy_mod_directives "$module" "$modver"
    go get "$module@$modver" >/dev/null 2>"$BUILD_DIR/get.log" || { cat "$BUILD_DIR/get.log" >&2; false; }
    go build -trimpath -ldflags "$LDFLAGS_STRIP -X main.Version=$version" -o "$BUILD_DIR/$name" "$module"
    install_bin "$BUILD_DIR/$name" "$bin"
    finish_tool "$type provider $version ($modver)" "$t0"
  fi
  # (re)link into the mirror when missing or built from another commit
  if ! [[ "$dest" -ef "$bin" ]]; then
    CURRENT_TOOL="$type provider mirror entry"
    rm -rf "$(dirname "$dest")"
    mkdir -p "$(dirname "$dest")"
    ln "$bin" "$dest" 2>/dev/null || cp "$bin" "$dest"
    CURRENT_TOOL=""
  fi
}
build_provider kubernetes "$K8S_PROVIDER_MODULE" "$K8S_PROVIDER_MODVER" "$K8S_PROVIDER_VERSION"
build_provider helm "$HELM_PROVIDER_MODULE" "$HELM_PROVIDER_MODVER" "$HELM_PROVIDER_VERSION"

# CLI config: offline install from the mirror only (no direct {}). cdktf
# synthesizes `source = "kubernetes"`, which OpenTofu reads as
# registry.opentofu.org/hashicorp/kubernetes; "hashicorp/helm" likewise.
# Explicit registry.terraform.io/hashicorp/* sources are not served.
TOFURC="$DIR/tofurc"
cat >"$TOFURC.tmp" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.opentofu.org/hashicorp/*"]
  }
}
EOF
mv -f "$TOFURC.tmp" "$TOFURC"

# --- etcd -----------------------------------------------------------------------
ETCD="$DIR/etcd-$ETCD_VERSION/etcd"
if [[ -x "$ETCD" ]]; then
  echo "etcd $ETCD_VERSION: cached"
else
  CURRENT_TOOL="etcd $ETCD_VERSION"; t0=$SECONDS
  new_build_module etcd
  # etcd's local replaces point at sibling modules that its go.mod already
  # requires at the same published version, so they are simply dropped.
  copy_mod_directives go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null 2>"$BUILD_DIR/get.log" || { cat "$BUILD_DIR/get.log" >&2; false; }
  go build -trimpath -ldflags "$LDFLAGS_STRIP" -o "$BUILD_DIR/etcd" go.etcd.io/etcd/server/v3
  install_bin "$BUILD_DIR/etcd" "$ETCD"
  finish_tool "etcd $ETCD_VERSION" "$t0"
fi

# --- kube-apiserver, kube-controller-manager ------------------------------------
KUBE_APISERVER="$DIR/kubernetes-$KUBERNETES_VERSION/kube-apiserver"
KUBE_CONTROLLER_MANAGER="$DIR/kubernetes-$KUBERNETES_VERSION/kube-controller-manager"
if [[ -x "$KUBE_APISERVER" && -x "$KUBE_CONTROLLER_MANAGER" ]]; then
  echo "kube-apiserver $KUBERNETES_VERSION: cached"
  echo "kube-controller-manager $KUBERNETES_VERSION: cached"
else
  CURRENT_TOOL="kubernetes $KUBERNETES_VERSION (module setup)"; t0=$SECONDS
  new_build_module kubernetes
  copy_mod_directives k8s.io/kubernetes "$KUBERNETES_VERSION" "$KUBERNETES_STAGING_VERSION"
  go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBERNETES_VERSION" \
    "k8s.io/kubernetes/cmd/kube-controller-manager@$KUBERNETES_VERSION" >/dev/null 2>"$BUILD_DIR/get.log" ||
    { cat "$BUILD_DIR/get.log" >&2; false; }
  minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  kver="-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION"
  kver+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  kver+=" -X k8s.io/component-base/version.gitTreeState=clean"
  kver+=" -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION"
  kver+=" -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  for cmd in kube-apiserver kube-controller-manager; do
    CURRENT_TOOL="$cmd $KUBERNETES_VERSION"
    dest="$DIR/kubernetes-$KUBERNETES_VERSION/$cmd"
    if [[ -x "$dest" ]]; then echo "$cmd $KUBERNETES_VERSION: cached"; continue; fi
    go build -trimpath -ldflags "$LDFLAGS_STRIP $kver" -o "$BUILD_DIR/$cmd" "k8s.io/kubernetes/cmd/$cmd"
    install_bin "$BUILD_DIR/$cmd" "$dest"
    echo "$cmd $KUBERNETES_VERSION: built in $((SECONDS - t0)) s"
    t0=$SECONDS
  done
  cd "$DIR"; rm -rf "$BUILD_DIR"; BUILD_DIR=""; CURRENT_TOOL=""
fi

# --- env.sh -----------------------------------------------------------------------
cat >"$DIR/env.sh.tmp" <<EOF
# generated by scripts/tools.sh; source it
export MSP_TOOLS_DIR="$DIR"
export MSP_TOFU="$TOFU"
export MSP_ETCD="$ETCD"
export MSP_KUBE_APISERVER="$KUBE_APISERVER"
export MSP_KUBE_CONTROLLER_MANAGER="$KUBE_CONTROLLER_MANAGER"
export TF_CLI_CONFIG_FILE="$TOFURC"
case ":\$PATH:" in *":$(dirname "$TOFU"):"*) ;; *) export PATH="$(dirname "$TOFU"):\$PATH" ;; esac
EOF
mv -f "$DIR/env.sh.tmp" "$DIR/env.sh"
echo "tools ready: source $DIR/env.sh"
