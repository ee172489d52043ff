#!/usr/bin/env bash
# Installs the Debian bookworm packages Loket needs to build, test and run (apt only).
# Asks dpkg first: when everything is installed this is a quick no-op and apt is not touched.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config
  # libraries (DESIGN.md section 10)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libpqxx-dev libgtest-dev libgmock-dev libcurl4-openssl-dev prometheus-cpp-dev libsodium-dev
  # the notifier's JSON (quoting, reading a gateway's answer): header-only nlohmann-json
  nlohmann-json3-dev
  # the loket command's parser: subcommands, flags anywhere, generated help (header-only CLI11)
  libcli11-dev
  # issued permits: QR (libqrencode), PDF (cairo), PAdES signature (PoDoFo with OpenSSL);
  # the tests check them with poppler's pdftotext/pdfsig and zbar's zbarimg
  libqrencode-dev libcairo2-dev libpodofo-dev libssl-dev poppler-utils zbar-tools
  # certutil: the NSS database that makes pdfsig trust the demo CA (up.sh, the permit tests)
  libnss3-tools
  # database
  postgresql-15
  # the replicated cluster (deploy/cluster, issue 15): Patroni runs three PostgreSQL nodes on etcd,
  # HAProxy follows the leader and balances loketd; PgBouncer measured beside it; pgBackRest backups;
  # Prometheus and Alertmanager scrape and alert (their rules are unit-tested with promtool);
  # systemd-analyze checks deploy/systemd's units
  patroni etcd-server etcd-client haproxy pgbouncer pgbackrest prometheus prometheus-alertmanager
  systemd
  # scripts and tests: tokens, UUIDs, hex dumps, SMTP sink for the notifier tests
  openssl uuid-runtime xxd python3 python3-aiosmtpd curl bc
  # the browser tier (web/): Debian's Chromium drives the browser tests (nothing downloads a
  # browser); Liberation Sans, named in the pages' CSS, gives their screenshots clean Latin glyphs
  chromium fonts-liberation2
)
# Node.js 20 and npm build and run web/. A machine that has node already keeps it (NodeSource's
# nodejs brings its own npm); only a machine without node gets Debian's (bookworm ships Node 18:
# web/ wants 20, see README).
if ! command -v node >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if ((EUID != 0)); then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
