import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AnyPipeline } from '#lib/pipeline/any-pipeline';
import { casRetryRate, cassflowMetric } from './pipeline-metrics.ts';

export type AlarmThresholds = {
  /** Oldest record not yet processed (default 5 minutes): the function is falling behind. */
  iteratorAge?: Duration;
  /** Late events per 5 minutes (default 100): lateness settings too tight for the traffic. */
  lateEvents?: number;
  /** CAS retries per 100 rows written (default 10): hot keys contend. */
  casRetryPercent?: number;
};

export type PipelineAlarmsProps = {
  pipeline: AnyPipeline;
  function: IFunction;
  failures: IQueue;
  thresholds?: AlarmThresholds;
  /** Where alarms go (an SNS topic); without one they only show in CloudWatch. */
  action?: IAlarmAction;
};

/**
 * A stream function's alarms: iterator age, failed batches in the on-failure queue, function
 * errors and throttles, dead-lettered records and, for an aggregation, late events and the
 * conditional-write retry rate.
 */
export class PipelineAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const { pipeline, function: fn, thresholds = {} } = props;
    const add = (name: string, metric: IMetric, threshold: number, description: string) => {
      const alarm = new Alarm(this, name, {
        alarmDescription: `cassflow ${pipeline.name}: ${description}`,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (props.action) alarm.addAlarmAction(props.action);
      this.alarms.push(alarm);
    };
    const period = Duration.minutes(5);
    const iteratorAge = thresholds.iteratorAge ?? Duration.minutes(5);
    add(
      'IteratorAge',
      fn.metric('IteratorAge', { statistic: 'Maximum', period }),
      iteratorAge.toMilliseconds(),
      `records wait more than ${iteratorAge.toHumanString()} to be processed`,
    );
    add(
      'FailedBatches',
      props.failures.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      0,
      'batches were given up on (see the on-failure queue)',
    );
    add('Errors', fn.metricErrors({ period }), 0, 'the function failed');
    add('Throttles', fn.metricThrottles({ period }), 0, 'the function was throttled');
    add(
      'DeadLetters',
      cassflowMetric(pipeline.name, 'DeadLettered'),
      0,
      'records were dead-lettered (cassflow dead-letters list)',
    );
    if (pipeline.kind === 'aggregation') {
      add(
        'LateEvents',
        cassflowMetric(pipeline.name, 'LateEvents'),
        thresholds.lateEvents ?? 100,
        'many events arrived after their window was final',
      );
      add(
        'CasRetryRate',
        casRetryRate(pipeline.name),
        thresholds.casRetryPercent ?? 10,
        'conditional writes are retried often (contention on window rows)',
      );
    }
  }
}
