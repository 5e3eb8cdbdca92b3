#!/usr/bin/env bash
# Installs the real software Purser's end-to-end tests drive (Debian bookworm packages) and makes
# sure PostgreSQL answers on 127.0.0.1:5432 with trust auth for user postgres.
# Idempotent: packages already installed are skipped; apt-get update runs only if something is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  docker-registry skopeo podman nginx openssl jq curl containerd
  golang-docker-credential-helpers pass hyperfine slapd ldap-utils wrk chromium
  postgresql buildah freeradius
)
# podman as root (how CI runs) needs no uid maps; rootless podman needs newuidmap/newgidmap.
if [[ ${EUID} -ne 0 || -n ${SUDO_USER:-} ]]; then PACKAGES+=(uidmap); fi

log() { printf 'install-test-deps: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SUDO=()
if [[ ${EUID} -ne 0 ]]; then
  command -v sudo >/dev/null || die "not root and sudo is missing"
  SUDO=(sudo -n)
fi

installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed; }

missing=()
for pkg in "${PACKAGES[@]}"; do installed "$pkg" || missing+=("$pkg"); done

if ((${#missing[@]} > 0)); then
  log "installing: ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  # slapd asks questions; the noninteractive frontend takes the defaults.
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  for pkg in "${missing[@]}"; do installed "$pkg" || die "$pkg is still not installed after apt-get install"; done
else
  log "all ${#PACKAGES[@]} packages already installed"
fi

for bin in docker-registry skopeo podman nginx openssl jq curl containerd ctr docker-credential-pass pass \
  hyperfine slapd ldapsearch wrk chromium psql buildah freeradius; do
  command -v "$bin" >/dev/null || [[ -x /usr/sbin/$bin ]] || die "$bin not found after install"
done

# --- PostgreSQL on 127.0.0.1:5432, trust auth for local TCP ------------------------------------
pg_ready() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; }

if pg_ready; then
  log "PostgreSQL answers on 127.0.0.1:5432"
  exit 0
fi

version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1 || true)
[[ -n $version ]] || version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1 || true)
[[ -n $version ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
if [[ ! -f /etc/postgresql/$version/main/postgresql.conf ]]; then
  log "creating PostgreSQL $version cluster main"
  "${SUDO[@]}" pg_createcluster --port 5432 "$version" main
fi
hba=/etc/postgresql/$version/main/pg_hba.conf
conf=/etc/postgresql/$version/main/postgresql.conf
[[ -f $hba ]] || die "$hba not found"

# Tests connect as postgres without a password over loopback TCP.
if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
  log "enabling trust auth for 127.0.0.1 and ::1 in $hba"
  tmp=$(mktemp)
  {
    echo 'host all all 127.0.0.1/32 trust  # purser tests'
    echo 'host all all ::1/128 trust       # purser tests'
    cat "$hba"
  } >"$tmp"
  "${SUDO[@]}" cp "$tmp" "$hba"
  rm -f "$tmp"
fi
if ! grep -qE "^\s*listen_addresses\s*=\s*'(localhost|127\.0\.0\.1|\*)" "$conf"; then
  echo "listen_addresses = 'localhost'" | "${SUDO[@]}" tee -a "$conf" >/dev/null
fi
if ! grep -qE '^\s*port\s*=\s*5432' "$conf"; then
  echo 'port = 5432' | "${SUDO[@]}" tee -a "$conf" >/dev/null
fi

log "starting PostgreSQL $version cluster main"
if pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main restart
else
  "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi

for _ in $(seq 1 60); do
  if pg_ready; then
    log "PostgreSQL answers on 127.0.0.1:5432"
    exit 0
  fi
  sleep 0.5
done
die "PostgreSQL does not answer on 127.0.0.1:5432 (see /var/log/postgresql/)"
