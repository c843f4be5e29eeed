package io.servicegap.output;

import java.util.List;

/** The output tables: grain, partitioning and every column, declared once for writer and docs. */
public final class OutputTables {
  private OutputTables() {}

  public record OutputColumn(String name, String type, String description) {}

  public record Table(String name, String grain, List<String> partitionBy, List<OutputColumn> columns) {
    public List<String> columnNames() {
      return columns.stream().map(OutputColumn::name).toList();
    }
  }

  private static OutputColumn c(String name, String type, String description) {
    return new OutputColumn(name, type, description);
  }

  public static final Table GAP_METRICS =
      new Table(
          "gap_metrics",
          "One row per grain × period × segment × phase × price_tier × gap × metric × subject: one value per row.",
          List.of("grain", "period_start"),
          List.of(
              c("segment", "string", "Customer segment, or ALL when rolled up."),
              c("phase", "string", "Journey phase (pre_sale, delivery, post_sale), or ALL."),
              c("price_tier", "string", "Price tier, or ALL."),
              c("gap", "string", "Metric family: gap1 (knowledge), gap2 (standards coverage), gap3 (delivery vs standards), gap4 (communication), gap5 (customer), recovery."),
              c("metric", "string", "Metric name, as in docs/metrics.md."),
              c("subject_type", "string", "What the metric is about: all, dimension, element or standard."),
              c("subject", "string", "The dimension, element or standard name, or ALL for subject_type all."),
              c("value", "double", "The metric's value (a rate in [0, 1], a mean, hours or a ratio), rounded to 12 decimals."),
              c("n", "bigint", "Denominator or sample size behind the value."),
              c("ci_low", "double", "Lower bound of the confidence interval (Wilson for rates, normal for means); null where none applies."),
              c("ci_high", "double", "Upper bound of the confidence interval; null where none applies."),
              c("low_sample", "boolean", "n is below servicegap.stats.min-sample."),
              c("as_of", "date", "The run's as_of date: events up to its end are counted."),
              c("run_id", "string", "Run that wrote the row; its manifest is _runs/<run_id>.json."),
              c("grain", "string", "Period length: day, week (ISO, from Monday) or month. Partition column."),
              c("period_start", "date", "First day of the period. Partition column.")));

  public static final Table QUARANTINE =
      new Table(
          "quarantine",
          "One row per rejected input row.",
          List.of("run_date", "source"),
          List.of(
              c("reason", "string", "PARSE_ERROR, MISSING_REQUIRED, BAD_VALUE, OUT_OF_RANGE, BAD_ORDER_OF_TIMES, UNKNOWN_REFERENCE, DUPLICATE_KEY or RESERVED_VALUE."),
              c("column_name", "string", "The column at fault: _record for a line that could not be split into columns; two names joined by a vertical bar when one of them was required."),
              c("record", "string", "The original row as text (JSON of its columns, or the raw line)."),
              c("source_file", "string", "File the row was read from."),
              c("as_of", "date", "The run's as_of date."),
              c("run_id", "string", "Run that rejected the row."),
              c("run_date", "date", "The run's as_of date. Partition column."),
              c("source", "string", "Input source of the row. Partition column.")));

  public static final Table GAP_SCORECARD = scorecard();

  private static Table scorecard() {
    List<OutputColumn> cols = new java.util.ArrayList<>();
    cols.add(c("segment", "string", "Customer segment, or ALL."));
    cols.add(c("phase", "string", "Journey phase, or ALL."));
    cols.add(c("price_tier", "string", "Price tier, or ALL."));
    for (io.servicegap.metrics.Scorecard.Headline h : io.servicegap.metrics.Scorecard.HEADLINES) {
      cols.add(c(h.column(), "double", h.meaning() + " The gap_metrics row " + h.gap() + "/" + h.metric() + "/ALL; null where it has none."));
      cols.add(c(h.column() + "_n", "bigint", "n of " + h.column() + "."));
    }
    cols.add(c("as_of", "date", "The run's as_of date."));
    cols.add(c("run_id", "string", "Run that wrote the row."));
    cols.add(c("grain", "string", "day, week or month. Partition column."));
    cols.add(c("period_start", "date", "First day of the period. Partition column."));
    return new Table(
        "gap_scorecard",
        "One row per grain × period × segment × phase × price_tier: the headline figure of each gap, pivoted from gap_metrics.",
        List.of("grain", "period_start"),
        List.copyOf(cols));
  }

  public static final Table ACCOUNT_SCORECARD =
      new Table(
          "account_scorecard",
          "One row per account, as of the run; figures over the 365 days before the cut-off unless named otherwise.",
          List.of("as_of"),
          List.of(
              c("account_id", "string", "The account."),
              c("segment", "string", "Its segment."),
              c("price_tier", "string", "Its price tier."),
              c("revenue_365d", "decimal(18,2)", "Revenue of its orders placed in the 365 days before the cut-off, not cancelled: charged_amount, else quoted_amount."),
              c("revenue_rank", "int", "1 = highest revenue_365d (ties by account_id)."),
              c("best_account", "boolean", "Among the top servicegap.accounts.best-share of accounts with revenue, by revenue_rank."),
              c("orders_365d", "bigint", "Orders placed in the 365 days, any status."),
              c("otif_rate_365d", "double", "On time and in full over the eligible orders of the 365 days (Gap 4's rules); null without one."),
              c("complaints_365d", "bigint", "Complaints opened in the 365 days."),
              c("open_complaints", "bigint", "Complaints of any age not resolved at the cut-off."),
              c("mean_gap_365d", "double", "Mean perception − expectation of its survey answers in the 365 days; null without one."),
              c("answers_365d", "bigint", "Survey answers with both scores in the 365 days."),
              c("days_since_last_order", "int", "Days from its last order to as_of; null if it never ordered."),
              c("at_risk", "boolean", "At least one at-risk reason holds."),
              c("at_risk_reasons", "array<string>", "no_recent_order, low_otif, open_complaints, negative_gap (thresholds in servicegap.accounts.at-risk)."),
              c("run_id", "string", "Run that wrote the row."),
              c("as_of", "date", "The run's as_of date. Partition column.")));

  public static final List<Table> ALL = List.of(GAP_METRICS, GAP_SCORECARD, ACCOUNT_SCORECARD, QUARANTINE);
}
