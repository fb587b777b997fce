#!/usr/bin/env bash
# Spend forecaster accuracy: month-end spend forecasts from days 3, 7, 14 and 21
#  1. on synthetic hourly series with known structure (daily cycle with growth, weekday/weekend pattern, bursts, a
#     sparse low-volume tenant), and
#  2. on replayed traffic: the prompts of the RouterBench and RouterArena routing sets (real per-call costs) replayed
#     by 30 tenants with five traffic shapes into a real SQLite ledger, read back with the query behind
#     /admin/v1/forecast.
# Writes bench/results/forecast-DATE.md. Not a speed benchmark: results do not depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${SWITCHYARD_SHARED_DATA:-../shared/data}
swift build --product switchyard >/dev/null
out="bench/results/forecast-$(date -u +%F).md"
{
    echo "# Spend forecaster: month-end forecast error on synthetic series and on replayed traffic"
    echo
    echo "Date: $(date -u +%F). Command: \`bench/forecast/run.sh\` (= \`switchyard forecast bench --series 50\` and"
    echo "\`switchyard forecast replay --data $DATA/routing-routerbench/dev.jsonl --data $DATA/routing-routerarena/dev.jsonl\`)."
    echo
    echo "From day N the forecaster sees the hours so far and predicts the month's total; MAPE is the mean absolute"
    echo "percentage error of that total, coverage the share of series whose true total falls inside the 90% interval."
    echo
    echo "## 1. Synthetic series"
    echo
    echo "Each family has 50 series of 30 days of hourly spend (seeded)."
    echo
    .build/debug/switchyard forecast bench --series 50
    echo
    echo "## 2. Replayed traffic through a real ledger"
    echo
    echo "Each tenant replays one routing data set's prompts (shuffled) against one of its models, so every request costs"
    echo "what that model's call really cost (heavy-tailed). Poisson arrivals per hour follow the tenant's traffic shape"
    echo "(office hours; weekday/weekend; +4%/day growth; a nightly batch; traffic x2.5 from day 15). The records go into a"
    echo "fresh SQLite ledger through \`Store.appendUsage\` and are read back with \`Store.hourlySpend\`, as"
    echo "\`/admin/v1/forecast\` does. Six tenants per shape."
    echo
    .build/debug/switchyard forecast replay --data "$DATA/routing-routerbench/dev.jsonl" \
        --data "$DATA/routing-routerarena/dev.jsonl"
    cat bench/forecast/reading.md
} > "$out"
echo "wrote $out"
