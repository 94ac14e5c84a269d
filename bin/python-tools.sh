# Sourced by bin/test: puts cfn-lint (template tests) and moto_server (the integration tests' AWS emulator) on
# PATH. Tools already on PATH are used as they are; otherwise they go into a project-local .venv/ (git-ignored),
# at the versions pinned here, the ones this project is tested with.
CFN_LINT_VERSION=1.51.0
MOTO_VERSION=5.2.1
TOOLS_VENV=.venv

python_tools_missing() {
  command -v cfn-lint >/dev/null 2>&1 && command -v moto_server >/dev/null 2>&1 && return 1
  return 0
}

install_hint() {
  echo "cfn-lint and moto_server are not on PATH and could not be put into $TOOLS_VENV/ ($1): install them with" \
    "pip install cfn-lint==$CFN_LINT_VERSION 'moto[server]==$MOTO_VERSION' (Python 3), then retry." >&2
}

provision_python_tools() {
  python_tools_missing || return 0
  local stamp="$TOOLS_VENV/.tools-cfn-lint-$CFN_LINT_VERSION-moto-$MOTO_VERSION"
  if [ ! -f "$stamp" ]; then
    command -v python3 >/dev/null 2>&1 || { install_hint "no python3"; return 1; }
    echo "cfn-lint and moto_server are not on PATH: installing cfn-lint==$CFN_LINT_VERSION and moto[server]==$MOTO_VERSION into $TOOLS_VENV/ (log: $TOOLS_VENV.pip.log)"
    rm -rf "$TOOLS_VENV"
    # A venv without pip, filled by this python3's own pip (22.3+ has --python): seconds faster than ensurepip.
    if ! python3 -m venv --without-pip "$TOOLS_VENV" >/dev/null 2>&1; then
      rm -rf "$TOOLS_VENV"
      install_hint "python3 -m venv failed; on Debian/Ubuntu: apt-get install python3-venv"
      return 1
    fi
    # No retry and a short timeout: with no package index in reach this gives up in seconds, not minutes.
    if ! python3 -m pip --python "$TOOLS_VENV/bin/python" install --disable-pip-version-check --timeout 5 --retries 0 \
        "cfn-lint==$CFN_LINT_VERSION" "moto[server]==$MOTO_VERSION" >"$TOOLS_VENV.pip.log" 2>&1; then
      rm -rf "$TOOLS_VENV"
      install_hint "no package index reachable, or no pip 22.3+ for python3? pip's output is in $TOOLS_VENV.pip.log"
      return 1
    fi
    touch "$stamp"
  fi
  # First on PATH: its python3 also has the SAM translator (a cfn-lint dependency) that the template test imports.
  export PATH="$PWD/$TOOLS_VENV/bin:$PATH"
}

provision_python_tools
