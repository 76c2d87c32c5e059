#!/usr/bin/env bash
# Runs commands a few at a time, for scripts/test.sh. The browser tests spend most of their
# time waiting (for Chromium to start, for the server, for a check-in's minute to pass): one
# after another they kept a 2-core machine 60 % idle, so a few at once finish in less than
# half the time.
#
# Sourced: `run_jobs LIMIT NAME=COMMAND ...` runs each COMMAND with `bash -c`, at most LIMIT at
# once, starting them in the order given (put the longest first, so that the last to start are
# short). A command sees exported variables only, not the caller's functions. Its output goes
# to a log of its own, printed whole when it ends, so that the lines of two never mix. When all
# have ended, `run_jobs` fails if any did, and names them. Ctrl-C stops every one running.
set -euo pipefail

run_jobs() {
  local limit=$1
  shift
  local -a commands=("$@") failed=()
  local -A name_of=() log_of=() started=()
  local logs next=0 pid status
  logs=$(mktemp -d -t faltlogg-jobs.XXXXXX)
  # Each job leads a process group of its own (setsid), so that stopping it stops the test
  # binary, its server and its browser too, not only the shell that started them.
  # shellcheck disable=SC2317 # the trap runs it
  _stop_jobs() {
    for pid in "${!name_of[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    exit 130
  }
  trap _stop_jobs INT TERM
  while ((next < ${#commands[@]} || ${#name_of[@]} > 0)); do
    if ((next < ${#commands[@]} && ${#name_of[@]} < limit)); then
      local job=${commands[next]}
      setsid bash -c "${job#*=}" >"$logs/$next.log" 2>&1 &
      name_of[$!]=${job%%=*}
      log_of[$!]="$logs/$next.log"
      started[$!]=$SECONDS
      next=$((next + 1))
      continue
    fi
    status=0
    wait -n -p pid "${!name_of[@]}" || status=$?
    cat "${log_of[$pid]}"
    if ((status == 0)); then
      printf '\033[1m-- %s: passed in %d s\033[0m\n' "${name_of[$pid]}" \
        "$((SECONDS - started[$pid]))" >&2
    else
      printf '\033[1;31m-- %s: FAILED (exit %d) after %d s\033[0m\n' "${name_of[$pid]}" \
        "$status" "$((SECONDS - started[$pid]))" >&2
      failed+=("${name_of[$pid]}")
    fi
    unset "name_of[$pid]"
  done
  trap - INT TERM
  rm -rf "$logs"
  if ((${#failed[@]} > 0)); then
    printf '\033[1;31mfailed: %s\033[0m\n' "${failed[*]}" >&2
    return 1
  fi
}
