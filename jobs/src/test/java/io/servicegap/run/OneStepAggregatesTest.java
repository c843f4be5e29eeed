package io.servicegap.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.servicegap.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.collection.JavaConverters;

class OneStepAggregatesTest extends SparkTestBase {
  @AfterEach
  void asTheFastLoopHasIt() {
    compilePlans(Boolean.parseBoolean(System.getProperty("servicegap.test.codegen", "true")));
  }

  /** k in 1..3, v = 1..12: k = 1 holds v 1, 4, 7, 10; k = 2 holds 2, 5, 8, 11; k = 3 holds 3, 6, 9, 12. */
  private static Dataset<Row> rows() {
    Object[][] r = new Object[12][];
    for (int v = 1; v <= 12; v++) {
      r[v - 1] = row((long) ((v - 1) % 3 + 1), (long) v);
    }
    return frame("k long, v long", r);
  }

  @ParameterizedTest(name = "compiled plans: {0}")
  @ValueSource(booleans = {false, true})
  void sumsOverRowsAlreadyClusteredByTheirKeysTakeOneStep(boolean compiled) {
    compilePlans(compiled);
    Dataset<Row> sums = rows().repartition(4, col("k"))
        .groupBy(col("k"))
        .agg(sum(col("v")).as("total"), count(col("v")).as("n"), sum(when(col("v").gt(6), col("v"))).as("above_six"));
    Map<Long, List<Long>> got = byKey(sums);
    // k = 1: 1 + 4 + 7 + 10 = 22, above 6: 7 + 10 = 17; k = 2: 2 + 5 + 8 + 11 = 26, 8 + 11 = 19;
    // k = 3: 3 + 6 + 9 + 12 = 30, 9 + 12 = 21.
    assertEquals(Map.of(1L, List.of(22L, 4L, 17L), 2L, List.of(26L, 4L, 19L), 3L, List.of(30L, 4L, 21L)), got);
    assertEquals(List.of("Complete"), modes(sums), "one aggregate, no partial and final pair");
  }

  @ParameterizedTest(name = "compiled plans: {0}")
  @ValueSource(booleans = {false, true})
  void sumsThatNeedAShuffleKeepTheirTwoSteps(boolean compiled) {
    compilePlans(compiled);
    Dataset<Row> sums = rows().groupBy(col("k")).agg(sum(col("v")).as("total"), count(col("v")).as("n"), sum(when(col("v").gt(6), col("v"))).as("above_six"));
    assertEquals(Map.of(1L, List.of(22L, 4L, 17L), 2L, List.of(26L, 4L, 19L), 3L, List.of(30L, 4L, 21L)), byKey(sums));
    assertEquals(List.of("Final", "Partial"), modes(sums), "the final step merges what the shuffle brought together");
  }

  @ParameterizedTest(name = "compiled plans: {0}")
  @ValueSource(booleans = {false, true})
  void aSumOfSumsOverCoarserKeysIsLeftAsSparkPlansIt(boolean compiled) {
    compilePlans(compiled);
    // Finest sums per (k, odd), then per k: the second aggregate's partial step reads the first's
    // final rows; no step is redundant, and distinct counts are planned in steps of their own.
    Dataset<Row> finest = rows().repartition(4, col("k")).groupBy(col("k"), col("v").mod(2).as("odd")).agg(sum(col("v")).as("s"));
    Dataset<Row> perK = finest.groupBy(col("k")).agg(sum(col("s")).as("total"), countDistinct(col("odd")).as("parities"), count(col("s")).as("n"));
    // k = 1: v 1, 7 odd (8), 4, 10 even (14): two parities, two finest rows, total 22. Likewise k = 2
    // (5 + 11, 2 + 8) and k = 3 (3 + 9, 6 + 12).
    assertEquals(Map.of(1L, List.of(22L, 2L, 2L), 2L, List.of(26L, 2L, 2L), 3L, List.of(30L, 2L, 2L)), byKey(perK));
  }

  @Test
  void theRuleIsAddedOnceToExtensionsAlreadyConfigured() {
    String ours = OneStepAggregates.Extension.class.getName();
    assertEquals(ours, OneStepAggregates.withExtension(null));
    assertEquals(ours, OneStepAggregates.withExtension(" "));
    assertEquals("io.delta.sql.DeltaSparkSessionExtension," + ours, OneStepAggregates.withExtension("io.delta.sql.DeltaSparkSessionExtension"));
    assertEquals("a.B, " + ours, OneStepAggregates.withExtension("a.B, " + ours), "already there: left as given");
  }

  private static Map<Long, List<Long>> byKey(Dataset<Row> sums) {
    Map<Long, List<Long>> got = new TreeMap<>();
    for (Row r : sums.collectAsList()) {
      List<Long> values = new ArrayList<>();
      for (int i = 1; i < r.length(); i++) {
        values.add(r.getLong(i));
      }
      got.put(r.getLong(0), values);
    }
    return got;
  }

  /** The modes of the executed plan's hash aggregates, top down. */
  private static List<String> modes(Dataset<Row> executed) {
    List<String> modes = new ArrayList<>();
    collect(executed.queryExecution().executedPlan(), modes);
    return modes;
  }

  private static void collect(SparkPlan p, List<String> modes) {
    if (p instanceof AdaptiveSparkPlanExec a) {
      collect(a.executedPlan(), modes);
      return;
    }
    if (p instanceof QueryStageExec q) {
      collect(q.plan(), modes);
      return;
    }
    if (p instanceof HashAggregateExec h) {
      List<AggregateExpression> a = JavaConverters.seqAsJavaList(h.aggregateExpressions());
      modes.add(a.get(0).mode().toString());
    }
    JavaConverters.seqAsJavaList(p.children()).forEach(c -> collect(c, modes));
  }
}
