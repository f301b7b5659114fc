#!/usr/bin/env python3
"""Checks that the unit tests catch broken rules.

Each mutant changes one thing in one rule of rules/gridcase-alerts.yml (a
threshold, a "for", max into sum, a label filter, ...), in a copy of
deploy/prometheus in a temporary folder, and runs promtool test rules on the
copy. Every mutant must parse and make the tests fail. The files here are
never changed.

Run: python3 deploy/prometheus/tests/mutants.py   (ctest: prometheus_rule_mutants)
When a rule's text changes, a mutant whose text is gone stops the script:
update the MUTANTS entry (and the tests, if they no longer catch it).
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
RULES_REL = os.path.join('rules', 'gridcase-alerts.yml')
TESTS_REL = os.path.join('tests', 'gridcase-alerts.test.yml')
PROMTOOL = os.environ.get('PROMTOOL', 'promtool')
REC = 'record: namespace:gridcase_stats_open_overdue_cases:sum'

# (rule, text in that rule, replacement)
MUTANTS = [
    ('GridcaseTargetDown', 'for: 5m', 'for: 3m'),
    ('GridcaseTargetDown', 'for: 5m', 'for: 10m'),
    ('GridcaseTargetDown', '\n          unless on (namespace, component)\n          (max by (namespace, component) (up{job="gridcase"}) == 0)', ''),
    ('GridcaseComponentDown', 'for: 3m', 'for: 1m'),
    ('GridcaseComponentDown', 'for: 3m', 'for: 10m'),
    ('GridcaseComponentDown', 'max by', 'min by'),
    ('GridcaseComponentAbsent', 'unless on (namespace, component)', 'unless on (component)'),
    ('GridcaseComponentAbsent', 'for: 5m', 'for: 3m'),
    ('GridcaseComponentAbsent', 'for: 5m', 'for: 10m'),
    ('GridcaseComponentAbsent', 'up{job="gridcase"}', 'up'),
    ('GridcaseComponentAbsent', '"component", "stats", "", "")', '"component", "registry", "", "")'),
    ('GridcaseTargetsAbsent', 'for: 10m', 'for: 5m'),
    ('GridcaseTargetsAbsent', 'for: 10m', 'for: 20m'),
    ('GridcaseTargetsAbsent', 'absent(up{job="gridcase"})', 'absent(up{job="gridcase"} == 1)'),
    ('GridcaseRedisUnreachable', 'max by', 'min by'),
    ('GridcaseRedisUnreachable', 'for: 2m', 'for: 5m'),
    ('GridcaseRedisUnreachable', 'for: 2m', 'for: 30s'),
    ('GridcasePodNotServing', '\n          unless on (namespace, component)\n          (max by (namespace, component) (gridcase_health_serving) == 0)', ''),
    ('GridcasePodNotServing', 'for: 5m', 'for: 3m'),
    ('GridcasePodNotServing', 'for: 5m', 'for: 10m'),
    ('GridcaseRedisMemoryHigh', '> 0.85', '> 0.83'),
    ('GridcaseRedisMemoryHigh', '> 0.85', '> 0.9'),
    ('GridcaseRedisMemoryHigh', '(gridcase_redis_maxmemory_bytes > 0)', '(gridcase_redis_maxmemory_bytes)'),
    ('GridcaseRedisMemoryHigh', 'for: 10m', 'for: 5m'),
    ('GridcaseRedisMemoryHigh', 'for: 10m', 'for: 15m'),
    ('GridcaseRateLimitsUnchecked', '> 0', '> 0.5'),
    ('GridcaseRateLimitsUnchecked', 'for: 10m', 'for: 5m'),
    ('GridcaseRateLimitsUnchecked', 'for: 10m', 'for: 15m'),
    ('GridcaseRateLimitsUnchecked', 'sum by (namespace, component)', 'max by (namespace, component)'),
    ('GridcaseRateLimitsUnchecked', 'sum by (namespace, component)', 'sum by (namespace)'),
    ('GridcaseHighErrorRate', ') > 0.05', ') > 0.03'),
    ('GridcaseHighErrorRate', ') > 0.05', ') > 0.07'),
    ('GridcaseHighErrorRate', '[5m])) > 0.05', '[5m])) > 0.1'),
    ('GridcaseHighErrorRate', '[5m])) > 0.05', '[5m])) > 0.02'),
    ('GridcaseHighErrorRate', 'grpc_service=~"gridcase[.]v1[.].+", ', ''),
    ('GridcaseHighErrorRate', 'grpc_method!~"WatchCases"', 'grpc_method!~"Watch"'),
    ('GridcaseHighErrorRate', 'DATA_LOSS|', 'DATA_LOSS|INVALID_ARGUMENT|'),
    ('GridcaseHighErrorRate', 'UNKNOWN|INTERNAL|UNAVAILABLE', 'UNKNOWN|UNAVAILABLE'),
    ('GridcaseHighErrorRate', 'for: 5m', 'for: 3m'),
    ('GridcaseHighErrorRate', 'for: 5m', 'for: 15m'),
    ('GridcaseHighLatency', '> 0.5', '> 0.3'),
    ('GridcaseHighLatency', '> 0.5', '> 0.8'),
    ('GridcaseHighLatency', 'histogram_quantile(0.99', 'histogram_quantile(0.9'),
    ('GridcaseHighLatency', 'WatchCases|ImportGrids', 'ImportGrids'),
    ('GridcaseHighLatency', 'WatchCases|ImportGrids', 'WatchCases'),
    ('GridcaseHighLatency', 'for: 10m', 'for: 8m'),
    ('GridcaseHighLatency', 'for: 10m', 'for: 15m'),
    ('GridcaseScannerStalled', '> 120', '> 600'),
    ('GridcaseScannerStalled', '> 120', '> 60'),
    ('GridcaseScannerStalled', 'max by', 'min by'),
    ('GridcaseScannerStalled', 'for: 5m', 'for: 2m'),
    ('GridcaseScannerStalled', 'for: 5m', 'for: 10m'),
    ('GridcaseScannerMetricAbsent', 'unless on (namespace, pod)', 'unless on (namespace)'),
    ('GridcaseScannerMetricAbsent', '(up{job="gridcase", component="dispatch"} == 1)', 'up{job="gridcase", component="dispatch"}'),
    ('GridcaseScannerMetricAbsent', 'for: 10m', 'for: 5m'),
    ('GridcaseScannerMetricAbsent', 'for: 10m', 'for: 15m'),
    ('GridcaseAutoRoutingErrors', 'for: 10m', 'for: 5m'),
    ('GridcaseAutoRoutingErrors', 'for: 10m', 'for: 15m'),
    ('GridcaseAutoRoutingErrors', '> 0', '> 10'),
    ('GridcaseAutoRoutingErrors', 'outcome="error"', 'outcome!="auto_dispatched"'),
    ('GridcaseStatsEventErrors', 'for: 10m', 'for: 5m'),
    ('GridcaseStatsEventErrors', 'for: 10m', 'for: 15m'),
    ('GridcaseStatsEventErrors', '> 0', '> 15'),
    ('GridcaseStatsEventErrors', 'outcome="error"', 'outcome!="applied"'),
    ('GridcaseEventsDeadLettered', '> 0', '> 1'),
    ('GridcaseEventsDeadLettered', '[1h]', '[30m]'),
    ('GridcaseEventsDeadLettered', 'sum by (namespace, group)', 'sum by (namespace)'),
    ('GridcaseEventsDeadLettered', 'increase(gridcase_events_dead_lettered_total[1h])', 'gridcase_events_dead_lettered_total'),
    ('GridcaseEventStreamsUntrimmed', '> 0', '> 16'),
    ('GridcaseEventStreamsUntrimmed', 'max by (namespace)', 'min by (namespace)'),
    ('GridcaseEventStreamsUntrimmed', 'for: 30m', 'for: 40m'),
    ('GridcaseEventStreamsUntrimmed', 'for: 30m', 'for: 20m'),
    ('GridcaseConsumerLagHigh', ') > 100', ') > 200'),
    ('GridcaseConsumerLagHigh', ') > 100', ') > 80'),
    ('GridcaseConsumerLagHigh', 'max by', 'sum by'),
    ('GridcaseConsumerLagHigh', 'for: 10m', 'for: 5m'),
    ('GridcaseConsumerLagHigh', 'for: 10m', 'for: 20m'),
    ('GridcaseConsumerPendingHigh', ') > 100', ') > 200'),
    ('GridcaseConsumerPendingHigh', ') > 100', ') > 80'),
    ('GridcaseConsumerPendingHigh', 'max by', 'sum by'),
    ('GridcaseConsumerPendingHigh', 'for: 15m', 'for: 10m'),
    ('GridcaseConsumerPendingHigh', 'for: 15m', 'for: 20m'),
    ('GridcaseOverdueBacklogGrowing', '>= 20', '>= 35'),
    ('GridcaseOverdueBacklogGrowing', '>= 20', '>= 10'),
    ('GridcaseOverdueBacklogGrowing', 'sum[30m]) > 0', 'sum[30m]) >= 0'),
    ('GridcaseOverdueBacklogGrowing', '\n          and\n          delta(namespace:gridcase_stats_open_overdue_cases:sum[30m] offset 30m) > 0', ''),
    ('GridcaseOverdueBacklogGrowing', 'for: 10m', 'for: 5m'),
    ('GridcaseOverdueBacklogGrowing', 'for: 10m', 'for: 40m'),
    (REC, 'max by (namespace, town)', 'sum by (namespace, town)'),
    (REC, '\n          or\n          0 * group by (namespace) (gridcase_stats_consumer_lag_entries)', ''),
]


def rule_span(text, rule):
    """Start and end of one rule's entry in the rules file."""
    key = ('- ' + rule + '\n') if rule.startswith('record:') else ('- alert: ' + rule + '\n')
    start = text.index(key)
    ends = [i for i in (text.find('\n      - ', start + 1), text.find('\n  - name:', start + 1)) if i >= 0]
    return start, min(ends) if ends else len(text)


def main():
    rules = open(os.path.join(SRC, RULES_REL), encoding='utf-8').read()
    alerts = {line.split('alert:')[1].strip() for line in rules.splitlines() if line.strip().startswith('- alert:')}
    untested = alerts - {m[0] for m in MUTANTS}
    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, 'prometheus')
        for rule, old, new in MUTANTS:
            start, end = rule_span(rules, rule)
            entry = rules[start:end]
            if old not in entry:
                sys.exit('mutants.py: %r is no longer in %s: update MUTANTS' % (old, rule))
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns('__pycache__'))
            with open(os.path.join(copy, RULES_REL), 'w', encoding='utf-8') as f:
                f.write(rules[:start] + entry.replace(old, new) + rules[end:])
            check = subprocess.run([PROMTOOL, 'check', 'rules', os.path.join(copy, RULES_REL)],
                                   capture_output=True, text=True)
            test = subprocess.run([PROMTOOL, 'test', 'rules', os.path.join(copy, TESTS_REL)],
                                  capture_output=True, text=True)
            caught = check.returncode == 0 and test.returncode != 0
            label = '%s: %r -> %r' % (rule, old.strip()[:50], new.strip()[:50])
            print(('caught  ' if caught else 'MISSED  ') + label +
                  ('' if check.returncode == 0 else '  (the mutant does not parse)'))
            if not caught:
                missed.append(label)
    if untested:
        print('alerts without a mutant: ' + ', '.join(sorted(untested)))
    print('%d mutants, %d caught, %d missed' % (len(MUTANTS), len(MUTANTS) - len(missed), len(missed)))
    sys.exit(1 if missed or untested else 0)


if __name__ == '__main__':
    main()
