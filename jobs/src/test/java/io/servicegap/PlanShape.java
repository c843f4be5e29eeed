package io.servicegap;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.execution.GenerateExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import scala.collection.JavaConverters;

/**
 * Counts operators of a Dataset's physical plan, each cached relation's plan counted once however
 * often it is read (a plan's text repeats it at every read).
 */
public final class PlanShape {
  private PlanShape() {}

  public static int count(Dataset<?> rows, Predicate<SparkPlan> which) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    return count(rows.queryExecution().executedPlan(), which, seen);
  }

  /** Shuffles: hash, range or round-robin exchanges. */
  public static int shuffles(Dataset<?> rows) {
    return count(rows, p -> p instanceof ShuffleExchangeExec);
  }

  /** Shuffles of rows that have the named column. */
  public static int shufflesOf(Dataset<?> rows, String column) {
    return count(rows, p -> p instanceof ShuffleExchangeExec && p.output().exists(a -> a.name().equals(column)));
  }

  /** Window operators. */
  public static int windows(Dataset<?> rows) {
    return count(rows, p -> p instanceof org.apache.spark.sql.execution.window.WindowExec);
  }

  /** Explodes (generators) whose output is the named column. */
  public static int explodesInto(Dataset<?> rows, String column) {
    return count(rows, p -> p instanceof GenerateExec g && g.generatorOutput().exists(a -> a.name().equals(column)));
  }

  private static int count(SparkPlan plan, Predicate<SparkPlan> which, Set<Object> seen) {
    // Adaptive plans add their exchanges when prepared, and hide each finished stage's plan.
    if (plan instanceof AdaptiveSparkPlanExec a) {
      return count(a.executedPlan(), which, seen);
    }
    if (plan instanceof QueryStageExec stage) {
      return count(stage.plan(), which, seen);
    }
    int n = which.test(plan) ? 1 : 0;
    if (plan instanceof InMemoryTableScanExec scan) {
      Object relation = scan.relation().cacheBuilder();
      if (seen.add(relation)) {
        n += count(scan.relation().cachedPlan(), which, seen);
      }
    }
    for (SparkPlan child : JavaConverters.seqAsJavaList(plan.children())) {
      n += count(child, which, seen);
    }
    return n;
  }
}
