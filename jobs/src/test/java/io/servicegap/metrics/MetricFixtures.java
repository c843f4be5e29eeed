package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;

import io.servicegap.SparkTestBase;
import io.servicegap.config.Settings;
import io.servicegap.ingest.InputContract;
import io.servicegap.ingest.SourceSpec;
import io.servicegap.ingest.SourceValidation;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.RunKeys;
import io.servicegap.stats.Estimate;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Small typed inputs for metric tests, keyed the way the job keys them. */
abstract class MetricFixtures extends SparkTestBase {
  static final String ACCOUNTS_DDL = "account_id string, segment string, price_tier string";
  static final String ORDERS_DDL =
      "order_id string, account_id string, order_ts timestamp, price_tier string, quoted_amount decimal(18,2), "
          + "charged_amount decimal(18,2), qty_ordered int, qty_delivered int, promised_ts timestamp, processed_ts timestamp, "
          + "delivered_ts timestamp, status string";
  static final String SURVEYS_DDL =
      "response_id string, account_id string, order_id string, submitted_ts timestamp, phase string, dimension string, expectation double, perception double";
  static final String COMPLAINTS_DDL =
      "complaint_id string, account_id string, order_id string, opened_ts timestamp, phase string, category string, "
          + "first_response_ts timestamp, resolved_ts timestamp, queue_wait_s int, contacts int, reopened boolean";
  static final String ESTIMATES_DDL = "segment string, phase string, dimension string, expected_score double, self_score double";
  /** as_of 2026-05-31: the run sees the world up to 2026-06-01T00:00Z. */
  static final RunKeys MAY = new RunKeys("test-run", LocalDate.parse("2026-05-31"), LocalDate.parse("2026-05-01"), java.time.ZoneOffset.UTC);

  static Dataset<Row> accounts() {
    return frame(ACCOUNTS_DDL, row("A1", "smb", "budget"), row("A2", "enterprise", "premium"));
  }

  static java.sql.Timestamp ts(String iso) {
    return java.sql.Timestamp.from(java.time.Instant.parse(iso));
  }

  static java.math.BigDecimal money(String amount) {
    return amount == null ? null : new java.math.BigDecimal(amount);
  }

  static MeasuredEvents events(Settings settings, Dataset<Row> transactions, Dataset<Row> surveys) {
    return events(settings, transactions, frame(COMPLAINTS_DDL), surveys, null);
  }

  static MeasuredEvents events(Settings settings, Dataset<Row> transactions, Dataset<Row> complaints, Dataset<Row> surveys, Dataset<Row> estimates) {
    return events(settings, MAY, accounts(), transactions, complaints, surveys, estimates);
  }

  /** Events of a run's window, keyed as the job keys them. */
  static MeasuredEvents events(
      Settings settings, RunKeys run, Dataset<Row> accounts, Dataset<Row> transactions, Dataset<Row> complaints, Dataset<Row> surveys, Dataset<Row> estimates) {
    Dataset<Row> history = keyedOrders(transactions, accounts, run);
    java.util.function.Function<Dataset<Row>, Dataset<Row>> inWindow =
        d -> d.filter(io.servicegap.keys.Periods.needed(col(EventKeys.EVENT_DATE), settings.grains(), run));
    return new MeasuredEvents(
        inWindow.apply(history),
        history,
        inWindow.apply(keyedComplaints(complaints, transactions, accounts, run)),
        inWindow.apply(keyedAnswers(surveys, transactions, accounts, run)),
        java.util.Optional.ofNullable(estimates), settings, run, Estimate.z(settings.confidence()), new SharedResults());
  }

  /** Orders as ingestion accepts them (with their account's segment and tier), keyed. */
  static Dataset<Row> keyedOrders(Dataset<Row> transactions, Dataset<Row> accounts, RunKeys run) {
    return EventKeys.orders(acceptedOrders(transactions, accounts), run);
  }

  static Dataset<Row> keyedComplaints(Dataset<Row> complaints, Dataset<Row> transactions, Dataset<Row> accounts, RunKeys run) {
    if (!java.util.Arrays.asList(complaints.columns()).contains("due_ts")) { // fixtures with no promise on the case
      complaints = complaints.withColumn("due_ts", org.apache.spark.sql.functions.lit(null).cast("timestamp"));
    }
    return EventKeys.complaints(withCarried(InputContract.COMPLAINTS, complaints, transactions, accounts), run);
  }

  static Dataset<Row> keyedAnswers(Dataset<Row> surveys, Dataset<Row> transactions, Dataset<Row> accounts, RunKeys run) {
    return EventKeys.answers(withCarried(InputContract.SURVEYS, surveys, transactions, accounts), run);
  }

  private static Dataset<Row> acceptedOrders(Dataset<Row> transactions, Dataset<Row> accounts) {
    return SourceValidation.withCarried(transactions, InputContract.TRANSACTIONS, Map.of("accounts", accounts));
  }

  private static Dataset<Row> withCarried(SourceSpec spec, Dataset<Row> events, Dataset<Row> transactions, Dataset<Row> accounts) {
    return SourceValidation.withCarried(events, spec, Map.of("accounts", accounts, "transactions", acceptedOrders(transactions, accounts)));
  }

  static Dataset<Row> noOrders() {
    return frame(ORDERS_DDL);
  }

  static Dataset<Row> noSurveys() {
    return frame(SURVEYS_DDL);
  }

  /** metric name → row, for one report key and subject given as "type/name" (e.g. element/promise). */
  static Map<String, Row> metrics(Dataset<Row> tidy, String grain, String period, String segment, String phase, String tier, String subject) {
    Map<String, Row> m = new HashMap<>();
    tidy.filter(
            col("grain").equalTo(grain)
                .and(col("period_start").equalTo(java.sql.Date.valueOf(period)))
                .and(col("segment").equalTo(segment))
                .and(col("phase").equalTo(phase))
                .and(col("price_tier").equalTo(tier))
                .and(col("subject_type").equalTo(subject.split("/")[0]))
                .and(col("subject").equalTo(subject.split("/")[1])))
        .collectAsList()
        .forEach(r -> {
          if (m.put(r.getAs("metric"), r) != null) {
            throw new AssertionError("two rows for metric " + r.getAs("metric"));
          }
        });
    return m;
  }
}
