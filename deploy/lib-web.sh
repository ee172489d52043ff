# The browser tier's build for up.sh and test.sh. Source this file; it defines functions only.
#
#   loket_web_build LOG   in web/: `npm ci` when node_modules is missing or package-lock.json changed
#                         since the last install (a stamp in node_modules), then `npm run build`
#                         (generated code, loket-web in dist/server, the pages in dist/app).
#                         Quiet; on failure prints the end of LOG and returns non-zero.
#   loket_web_healthy URL waits up to 20 s for URL/healthz to answer 200
#
# Run from the repository root. Nothing here downloads a browser (playwright-core has no installer
# hook; PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set anyway): the tests use Debian's chromium.

loket_web_build() {
  local log=${1:?usage: loket_web_build LOG} stamp=web/node_modules/.loket-package-lock.sha256 want
  mkdir -p "$(dirname "$log")"
  : >"$log"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "node and npm are needed for web/ (deploy/install-deps.sh installs them)" >&2
    return 1
  fi
  # web/package.json's engines (vite 8 refuses older): say so before npm fails less clearly.
  # Debian bookworm's own nodejs is 18; see README, "In the browser".
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
                process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    echo "web/ needs Node.js 20.19 or newer; this node is $(node --version)." >&2
    echo "Install Node.js 20.19+ (for example from your distribution's backports or NodeSource) and run again." >&2
    return 1
  fi
  want=$(sha256sum web/package-lock.json | cut -d' ' -f1)
  if [[ ! -d web/node_modules || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    echo "Installing the web packages (npm ci, log in $log) ..." >&2
    if ! (cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) >>"$log" 2>&1; then
      echo "npm ci failed; last lines of $log:" >&2
      tail -n 30 "$log" >&2
      return 1
    fi
    echo "$want" >"$stamp"
  fi
  echo "Building the pages and loket-web (log in $log) ..." >&2
  if ! (cd web && npm run build) >>"$log" 2>&1; then
    echo "web build failed; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

loket_web_healthy() {
  local url=${1:?usage: loket_web_healthy URL} i
  for ((i = 0; i < 200; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$url/healthz" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
