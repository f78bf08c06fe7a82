#!/usr/bin/env bash
# The inside of ./scripts/test.sh: runs within `dbus-run-session`, so DBUS_SESSION_BUS_ADDRESS is a private
# bus that disappears with this script. It
#   1. starts Xvfb (a real X server without a screen) and exports DISPLAY,
#   2. starts gnome-keyring's Secret Service, unlocked with a throw-away password, and proves it works,
#   3. starts the dunst notification daemon and waits until it owns org.freedesktop.Notifications,
#   4. runs the static checks (scripts/lint.sh),
#   5. runs pytest twice: the offscreen group and the real-display (x11) group, each under a time limit,
#      and fails a group that leaves processes running behind it,
#   6. stops every daemon it started on exit, whatever happened, and prints a summary.
# Every step runs even if an earlier check failed; the exit status is non-zero if any step failed.
# Extra arguments are passed to both pytest runs.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
art="$repo/test-artifacts"
py="$repo/.venv/bin/python"
mkdir -p "$art"

# Time guards, so a hung test cannot hold CI for long: even if every step used all of its time, the run would
# end within about 20 minutes (CI allows 90; a normal run takes 10 to 13 minutes on 2 cores). A step that runs out of time is stopped and counts as exit 124.
# (Overridable through the environment, e.g. to try the time-limit handling itself.)
LINT_TIMEOUT=${PIG_LINT_TIMEOUT:-120}
OFFSCREEN_TIMEOUT=${PIG_OFFSCREEN_TIMEOUT:-780}
X11_TIMEOUT=${PIG_X11_TIMEOUT:-300}
DAEMON_START_TIMEOUT=20 # seconds to wait for Xvfb, gnome-keyring or dunst to come up

say() { printf 'test-session: %s\n' "$*"; }

if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
    say "no D-Bus session bus. Run ./scripts/test.sh instead (it starts this script inside dbus-run-session)."
    exit 2
fi
if [[ ! -x "$py" ]]; then
    say ".venv is missing. Run ./scripts/test.sh instead (it sets up .venv first)."
    exit 2
fi

# A private home for the daemons: gnome-keyring writes its keyring files under XDG_DATA_HOME and its socket
# under XDG_RUNTIME_DIR; dunst and Qt read XDG_CONFIG_HOME. Nothing of the real user's is read or written,
# and a new keyring with a new random password is made each run (an old one would not unlock with it).
session_dir=$(mktemp -d "${TMPDIR:-/tmp}/pig-test-session.XXXXXX")
export XDG_RUNTIME_DIR="$session_dir/runtime" XDG_DATA_HOME="$session_dir/data"
export XDG_CONFIG_HOME="$session_dir/config" XDG_CACHE_HOME="$session_dir/cache" XDG_STATE_HOME="$session_dir/state"
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
chmod 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY PYTHON_KEYRING_BACKEND
# Every process started from here on inherits this marker, so processes a test forgot to stop can be found
# (they are re-parented to init and are no longer our descendants).
export PIG_TEST_RUN_ID="pig-test-$$-$RANDOM$RANDOM"

declare -a daemon_names=() daemon_pids=()
current_pid="" current_step="" # the lint or pytest step running right now, if any
declare -a step_lines=()
overall=0
started_at=$SECONDS

record() { # record NAME STATUS
    if [[ "$2" -eq 0 ]]; then
        step_lines+=("  ok      $1")
    else
        step_lines+=("  FAILED  $1 (exit $2)")
        overall=1
    fi
}

stop_daemons() {
    # Reverse start order: dunst and the keyring before the X server they may be talking to.
    local i name pid n
    for ((i = ${#daemon_pids[@]} - 1; i >= 0; i--)); do
        name=${daemon_names[$i]}
        pid=${daemon_pids[$i]}
        kill -0 "$pid" 2>/dev/null || continue
        kill -TERM "$pid" 2>/dev/null
        for ((n = 0; n < 50; n++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "$name (pid $pid) ignored SIGTERM for 5 s; killing it"
            kill -KILL "$pid" 2>/dev/null
        fi
        wait "$pid" 2>/dev/null
    done
}

stop_step() { # stop_step PID: end a running step gently (pytest tears its fixtures down), then for sure
    local pid=$1 n
    # SIGINT first: pytest stops as on Ctrl-C, tearing fixtures down (tests/conftest.py re-enables SIGINT,
    # which bash ignores in background jobs). A test stuck inside Qt's C++ loop never sees it: SIGKILL.
    kill -INT "$pid" 2>/dev/null
    for ((n = 0; n < 300; n++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

is_daemon() {
    local pid
    for pid in "${daemon_pids[@]}"; do [[ $pid == "$1" ]] && return 0; done
    return 1
}

leftover_processes() { # prints "PID COMMAND" for each process of this run that is still running but should not
    local marker="PIG_TEST_RUN_ID=$PIG_TEST_RUN_ID" proc pid
    for proc in /proc/[0-9]*; do
        pid=${proc#/proc/}
        [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
        is_daemon "$pid" && continue
        grep -qzx -- "$marker" "$proc/environ" 2>/dev/null || continue
        printf '%s %s\n' "$pid" "$(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | cut -c1-160)"
    done
}

stop_leftovers() { # stop_leftovers WHAT: stop processes the tests left running; false if there were any
    local leftovers n pid
    for ((n = 0; n < 20; n++)); do # give processes that are just exiting a moment
        leftovers=$(leftover_processes)
        [[ -z "$leftovers" ]] && return 0
        sleep 0.1
    done
    say "$1 left these processes running (a test did not stop what it started); stopping them:"
    printf '%s\n' "$leftovers" | sed 's/^/    /'
    for pid in $(cut -d' ' -f1 <<<"$leftovers"); do kill -TERM "$pid" 2>/dev/null; done
    sleep 2
    for pid in $(cut -d' ' -f1 <<<"$leftovers"); do kill -KILL "$pid" 2>/dev/null; done
    return 1
}

on_exit() {
    local code=$?
    # A setup step that bailed out with `exit` has not been recorded as a step yet.
    [[ $code -ne 0 && $overall -eq 0 ]] && overall=$code
    if [[ -n "$current_pid" ]] && kill -0 "$current_pid" 2>/dev/null; then
        say "stopping the running step: $current_step"
        stop_step "$current_pid"
        record "$current_step (interrupted)" 1
    fi
    stop_leftovers "the interrupted run" || true
    stop_daemons
    rm -rf "$session_dir"
    echo
    say "summary"
    local line
    for line in "${step_lines[@]}"; do echo "$line"; done
    local elapsed=$((SECONDS - started_at))
    if [[ $overall -eq 0 ]]; then
        say "ALL PASSED in ${elapsed}s (junit XML, daemon logs and screenshots in test-artifacts/)"
    else
        say "FAILED in ${elapsed}s: see the lines marked FAILED above and test-artifacts/ (daemon logs, junit XML)"
    fi
    exit "$overall"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_daemon() { # start_daemon NAME PID: remember a started daemon so on_exit stops it
    daemon_names+=("$1")
    daemon_pids+=("$2")
}

setup_failed() { # setup_failed STEP MESSAGE...
    local step=$1
    shift
    say "$*"
    record "$step" 1
    exit 1
}

run_limited() { # run_limited STEP SECONDS COMMAND...: like timeout(1), exit 124 when time runs out
    # Not timeout(1): it moves the command into a process group of its own, so a CI cancel (which signals our
    # group) or Ctrl-C would not reach pytest, and bash would not run our traps while waiting for it. A
    # background job plus `wait` keeps everything in one group and lets the traps run at once.
    current_step=$1
    local limit=$2 code=0
    shift 2
    "$@" &
    current_pid=$!
    local flag="$session_dir/timed-out.$current_pid"
    (
        trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
        sleep "$limit" &
        sleeper=$!
        wait "$sleeper"
        : >"$flag"
        stop_step "$current_pid"
    ) &
    local watchdog=$!
    wait "$current_pid" || code=$?
    kill -TERM "$watchdog" 2>/dev/null
    wait "$watchdog" 2>/dev/null
    current_pid=""
    if [[ -e "$flag" ]]; then
        say "stopped after its ${limit}s time limit: $*"
        code=124
    fi
    return "$code"
}

name_has_owner() {
    # Asking the bus itself never D-Bus-activates the service (dunstctl would start a second dunst).
    dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply \
        /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q 'boolean true'
}

wait_for_bus_name() { # wait_for_bus_name NAME PID: true once NAME has an owner, false if PID died or timeout
    local n
    for ((n = 0; n < DAEMON_START_TIMEOUT * 10; n++)); do
        name_has_owner "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# ---- 1. Xvfb ------------------------------------------------------------------------------------------------
# -displayfd picks a free display number and writes it once the server accepts clients: no fixed :99 that
# another run could hold, and no sleep-and-hope.
display_file="$session_dir/display"
: >"$display_file" # exists before Xvfb writes to it, so the first read below does not race
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$display_file" >"$art/xvfb.log" 2>&1 &
start_daemon Xvfb $!
display_number=""
for ((n = 0; n < DAEMON_START_TIMEOUT * 10; n++)); do
    read -r display_number <"$display_file" 2>/dev/null || true
    [[ "$display_number" =~ ^[0-9]+$ ]] && break
    kill -0 "${daemon_pids[-1]}" 2>/dev/null || break
    sleep 0.1
done
[[ "$display_number" =~ ^[0-9]+$ ]] || setup_failed "start Xvfb" "Xvfb did not start; see test-artifacts/xvfb.log"
export DISPLAY=":$display_number"
xdpyinfo >/dev/null 2>&1 || setup_failed "start Xvfb" "Xvfb started but $DISPLAY does not answer (xdpyinfo)"
record "Xvfb on $DISPLAY" 0
# Services the session bus starts on demand (the AT-SPI bus launcher) get this session's display and private
# XDG dirs: otherwise the accessibility bus socket lands in the shared ~/.cache/at-spi, where another run on
# the same machine removes it mid-test.
dbus-update-activation-environment DISPLAY XDG_RUNTIME_DIR XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME \
    XDG_STATE_HOME >/dev/null 2>&1 || true

# ---- 2. gnome-keyring (Secret Service) ------------------------------------------------------------------------
# --unlock reads the password for the new login keyring from stdin; without it every access fails with
# "Prompt dismissed". --foreground keeps the daemon our child, so we know the pid to stop.
keyring_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$keyring_password" |
    gnome-keyring-daemon --foreground --unlock --components=secrets >"$art/gnome-keyring.log" 2>&1 &
start_daemon gnome-keyring-daemon $!
unset keyring_password
wait_for_bus_name org.freedesktop.secrets "${daemon_pids[-1]}" ||
    setup_failed "start gnome-keyring" "gnome-keyring-daemon did not take org.freedesktop.secrets; see test-artifacts/gnome-keyring.log"
# Prove a real round trip through the keyring library the app uses (and that it picked Secret Service,
# not a fallback): set, read back, delete.
if ! "$py" - >>"$art/gnome-keyring.log" 2>&1 <<'EOF'; then
import secrets
import keyring
from keyring.backends import SecretService

backend = keyring.get_keyring()
assert isinstance(backend, SecretService.Keyring), f"keyring picked {backend!r}, not Secret Service"
value = secrets.token_hex(8)
keyring.set_password("pig-desktop-test-session", "probe", value)
assert keyring.get_password("pig-desktop-test-session", "probe") == value, "read back a different value"
keyring.delete_password("pig-desktop-test-session", "probe")
assert keyring.get_password("pig-desktop-test-session", "probe") is None, "delete did not delete"
print("keyring round trip ok through", type(backend).__module__)
EOF
    setup_failed "start gnome-keyring" "the keychain does not work through python-keyring; see test-artifacts/gnome-keyring.log"
fi
record "gnome-keyring (Secret Service, unlocked)" 0

# ---- 3. dunst (notification daemon) ----------------------------------------------------------------------------
# -print writes every notification it receives to its log: useful when a notification test fails.
dunst -print >"$art/dunst.log" 2>&1 &
start_daemon dunst $!
wait_for_bus_name org.freedesktop.Notifications "${daemon_pids[-1]}" ||
    setup_failed "start dunst" "dunst did not take org.freedesktop.Notifications; see test-artifacts/dunst.log"
record "dunst (org.freedesktop.Notifications)" 0

# ---- 4. static checks --------------------------------------------------------------------------------------------
echo
say "static checks (ruff, ruff format, mypy)"
lint_status=0
run_limited lint "$LINT_TIMEOUT" "$repo/scripts/lint.sh" >"$art/lint.log" 2>&1 || lint_status=$?
cat "$art/lint.log"
record "lint: ruff check, ruff format --check, mypy" "$lint_status"

# ---- 5. pytest ---------------------------------------------------------------------------------------------------
# Exit 5 means "no tests collected". For a full run that is a failure in BOTH groups: the offscreen group
# always has tests, and the x11 group always has at least tests/test_environment.py's display test, so an
# empty group means collection or marking broke, not that there is nothing to test. Only when the caller
# narrowed the run with extra arguments (-k ...) is an empty group expected, and then it is reported, not failed.
run_pytest() { # run_pytest GROUP PLATFORM TIMEOUT MARKEXPR
    local group=$1 platform=$2 limit=$3 markexpr=$4 code=0
    echo
    say "pytest, $group group (QT_QPA_PLATFORM=$platform, -m \"$markexpr\")"
    QT_QPA_PLATFORM=$platform PIG_TEST_ARTIFACTS="$art" run_limited "pytest $group group" "$limit" \
        "$py" -m pytest -m "$markexpr" -p no:cacheprovider -o faulthandler_timeout=120 \
        --junitxml="$art/junit-$group.xml" "${pytest_args[@]}" || code=$?
    if [[ $code -eq 5 ]]; then
        if [[ ${#pytest_args[@]} -gt 0 ]]; then
            say "the $group group selected no tests with the extra arguments (${pytest_args[*]}); not a failure"
            code=0
        else
            say "the $group group collected NO tests: a full run must have some, so this is a failure"
        fi
    fi
    record "pytest $group group" "$code"
    stop_leftovers "the $group group" || record "pytest $group group stopped everything it started" 1
}
pytest_args=("$@")
run_pytest offscreen offscreen "$OFFSCREEN_TIMEOUT" "not x11"
run_pytest x11 xcb "$X11_TIMEOUT" "x11"

# ---- 6. a daemon that died during the tests is a broken environment, whatever the tests said --------------------
for ((i = 0; i < ${#daemon_pids[@]}; i++)); do
    if ! kill -0 "${daemon_pids[$i]}" 2>/dev/null; then
        say "${daemon_names[$i]} stopped while the tests ran; see its log in test-artifacts/"
        record "${daemon_names[$i]} still running after the tests" 1
    fi
done

exit "$overall"
