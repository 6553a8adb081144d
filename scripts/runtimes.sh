# Sourced by .ci/run. Installs a runtime from the npm registry into a cache reused across runs
# (offline once filled) and prints the directory that holds its binary or package.
#   runtime_dir node@22         -> <cache>/node@22/node_modules/node/bin
#   runtime_dir pg@8.11.0 ...   -> <cache>/pg@8.11.0 (a prefix with node_modules/pg)
CI_CACHE="${PG_REDSHIFT_IAM_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pg-redshift-iam-ci}"

runtime_dir() {
  local prefix="$CI_CACHE/$1"
  if [ ! -e "$prefix/.complete" ]; then
    rm -rf "$prefix"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-save --no-package-lock --prefer-offline --no-audit --no-fund --loglevel=error "$@" >&2
    touch "$prefix/.complete"
  fi
  case "$1" in
    node@*) echo "$prefix/node_modules/node/bin" ;;
    *) echo "$prefix" ;;
  esac
}
