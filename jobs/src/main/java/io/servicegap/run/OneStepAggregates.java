package io.servicegap.run;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Final$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Partial$;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * An aggregate over rows already clustered by its keys, done in one step. Spark 3.5 plans every
 * sum as a partial aggregate, an exchange and a final aggregate; when the input is already
 * partitioned by the keys (the roll-up's sums after its one shuffle by grain and period), it drops
 * the exchange but keeps both steps, and the final one builds a second hash table of the rows the
 * first just produced, one per key already. This rule, run after Spark has placed its exchanges,
 * replaces such a pair with one aggregate that consumes the input rows directly (Spark's own
 * one-step mode, as it plans an aggregate that cannot be split). Later Spark versions do the same
 * themselves (SPARK-57928).
 *
 * <p>Only pairs of hash aggregates whose keys are plain columns of the input are merged: then the
 * keys the final step required the input to be clustered by are columns of that input too.
 */
public final class OneStepAggregates extends Rule<SparkPlan> {
  /** For {@code spark.sql.extensions}: registers the rule with each session's adaptive planner. */
  public static final class Extension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
      extensions.injectQueryStagePrepRule(new AbstractFunction1<SparkSession, Rule<SparkPlan>>() {
        @Override
        public Rule<SparkPlan> apply(SparkSession session) {
          return new OneStepAggregates();
        }
      });
      return BoxedUnit.UNIT;
    }
  }

  /** The {@code spark.sql.extensions} value that adds this rule to {@code configured} (may be null). */
  public static String withExtension(String configured) {
    String ours = Extension.class.getName();
    if (configured == null || configured.isBlank()) {
      return ours;
    }
    return List.of(configured.split(",")).stream().map(String::trim).anyMatch(ours::equals) ? configured : configured + "," + ours;
  }

  @Override
  public SparkPlan apply(SparkPlan plan) {
    List<SparkPlan> children = JavaConverters.seqAsJavaList(plan.children());
    List<SparkPlan> rewritten = new ArrayList<>(children.size());
    boolean changed = false;
    for (SparkPlan c : children) {
      SparkPlan r = apply(c);
      changed |= r != c;
      rewritten.add(r);
    }
    SparkPlan node = changed ? (SparkPlan) plan.withNewChildren(seq(rewritten)) : plan;
    return oneStep(node);
  }

  private static SparkPlan oneStep(SparkPlan node) {
    if (!(node instanceof HashAggregateExec last) || !(last.child() instanceof HashAggregateExec first)) {
      return node;
    }
    if (last.isStreaming() || first.isStreaming() || last.requiredChildDistributionExpressions().isEmpty()
        || first.requiredChildDistributionExpressions().isDefined()) {
      return node;
    }
    List<NamedExpression> keys = JavaConverters.seqAsJavaList(first.groupingExpressions());
    List<NamedExpression> lastKeys = JavaConverters.seqAsJavaList(last.groupingExpressions());
    if (keys.size() != lastKeys.size() || last.initialInputBufferOffset() != keys.size()) {
      return node;
    }
    for (int i = 0; i < keys.size(); i++) {
      if (!(keys.get(i) instanceof Attribute) || !keys.get(i).exprId().equals(lastKeys.get(i).exprId())) {
        return node;
      }
    }
    List<AggregateExpression> partial = JavaConverters.seqAsJavaList(first.aggregateExpressions());
    List<AggregateExpression> fin = JavaConverters.seqAsJavaList(last.aggregateExpressions());
    if (partial.size() != fin.size()) {
      return node;
    }
    List<AggregateExpression> complete = new ArrayList<>(partial.size());
    for (int i = 0; i < partial.size(); i++) {
      AggregateExpression p = partial.get(i);
      AggregateExpression f = fin.get(i);
      if (p.mode() != Partial$.MODULE$ || f.mode() != Final$.MODULE$ || p.isDistinct() || f.isDistinct() || !p.resultId().equals(f.resultId())) {
        return node;
      }
      complete.add(p.copy(p.aggregateFunction(), Complete$.MODULE$, false, p.filter(), p.resultId()));
    }
    HashAggregateExec one = new HashAggregateExec(
        last.requiredChildDistributionExpressions(), false, last.numShufflePartitions(), first.groupingExpressions(), seq(complete),
        last.aggregateAttributes(), 0, last.resultExpressions(), first.child());
    one.copyTagsFrom(last);
    return one;
  }

  private static <T> Seq<T> seq(List<T> items) {
    return JavaConverters.asScalaBuffer(items).toSeq();
  }
}
