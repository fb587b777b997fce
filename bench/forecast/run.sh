#!/usr/bin/env bash
# Spend forecaster accuracy: month-end spend forecasts from days 3, 7, 14 and 21 of synthetic hourly series with
# known structure (daily cycle with growth, weekday/weekend pattern, bursts, a sparse low-volume tenant).
# Writes bench/results/forecast-DATE.md. Not a speed benchmark: results do not depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --product switchyard >/dev/null
out="bench/results/forecast-$(date -u +%F).md"
{
    echo "# Spend forecaster: month-end forecast error on synthetic spend series"
    echo
    echo "Date: $(date -u +%F). Command: \`bench/forecast/run.sh\` (= \`switchyard forecast bench --series 50\`)."
    echo
    echo "Each family has 50 series of 30 days of hourly spend (seeded). From day N the forecaster sees the hours so far"
    echo "and predicts the month's total; MAPE is the mean absolute percentage error of that total, coverage the share of"
    echo "series whose true total falls inside the 90% interval."
    echo
    .build/debug/switchyard forecast bench --series 50
} > "$out"
echo "wrote $out"
