#!/bin/sh
# Write last month's 月通报 (Word and PowerPoint) into the folder the office shares, on the first working day
# of the month (Monday–Friday; statutory holidays such as 元旦 or 国庆 are not known here — run it by hand
# then, or add the day to HOLIDAYS). Called by monthly-bulletin.timer (systemd) or cron, see deploy/README.md.
#
#   DEVZONE_DB        the published snapshot (default data/devzone.duckdb of the checkout)
#   BULLETIN_DIR      the shared folder (default /srv/share/月通报)
#   PROVINCE          default 山西省
#   DEVZONE_DECK      the console script (default: devzone-deck on PATH, e.g. the venv's bin/)
#   HOLIDAYS          extra non-working days, `2027-10-01 2027-10-04`
#   FORCE=1           skip the first-working-day check
#   TODAY             the day to act as (YYYY-MM-DD; default today) — for a re-run and for the tests
set -eu
export TZ=Asia/Shanghai  # China time, whatever the server's zone
today=${TODAY:-$(date +%F)}
dom=$(date -d "$today" +%-d)
dow=$(date -d "$today" +%u)   # 1 = Monday … 7 = Sunday
if [ "${FORCE:-0}" != 1 ]; then
    case " ${HOLIDAYS:-} " in *" $today "*) exit 0 ;; esac
    [ "$dow" -le 5 ] || exit 0                      # a weekend
    [ "$dom" -eq 1 ] || { [ "$dom" -le 3 ] && [ "$dow" -eq 1 ]; } || exit 0   # 1st, or the Monday after it
fi
month_end=$(date -d "$(date -d "$today" +%Y-%m-01) -1 day" +%F)   # the last day of last month
year=$(date -d "$month_end" +%Y)
month=$(date -d "$month_end" +%-m)
out="${BULLETIN_DIR:-/srv/share/月通报}/"
deck="${DEVZONE_DECK:-devzone-deck}"
province="${PROVINCE:-山西省}"
"$deck" --province "$province" --year "$year" --month "$month" --format docx --out "$out"
"$deck" --province "$province" --year "$year" --month "$month" --format pptx --out "$out"
