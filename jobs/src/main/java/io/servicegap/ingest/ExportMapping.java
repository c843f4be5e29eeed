package io.servicegap.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Settings.SourceSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import scala.runtime.AbstractFunction1;

/**
 * A source's mapping from an export's own columns to the contract's (SPEC §2b): {@code where}
 * over the export's columns, then each contract column from its {@code columns} expression or
 * its own name, then the {@code values} replacements. The export's columns travel along, so a
 * rejected row is quarantined as the export had it. Pure: rows in, rows out.
 */
public final class ExportMapping {
  private static final String LOST = "_lost_";

  private ExportMapping() {}

  /** The export's rows shaped into the contract's columns, with what {@link RawSource} records. */
  public record Mapped(Dataset<Row> rows, List<String> columns, List<String> exportColumns, Map<String, String> lostValues, Dataset<Row> leftOut) {}

  public static Mapped apply(Dataset<Row> export, SourceSettings in, SourceSpec spec) {
    List<String> own = ownColumns(export);
    boolean corruptible = List.of(export.columns()).contains(RawSource.CORRUPT);
    Dataset<Row> leftOut = null;
    if (in.where() != null) {
      Column keep = coalesce(expr(in.where()), lit(false));
      if (corruptible) {
        keep = keep.or(col(RawSource.CORRUPT).isNotNull()); // a line that cannot be read is quarantined, never left out
      }
      leftOut = export.filter(not(keep));
      export = export.filter(keep);
    }
    List<Column> out = new ArrayList<>();
    List<String> present = new ArrayList<>();
    Map<String, String> lost = new LinkedHashMap<>();
    for (ColumnSpec c : spec.columns()) {
      Column value;
      String mapping = in.columns().get(c.name());
      if (mapping != null) {
        value = expr(mapping);
        lostValue(export, mapping).ifPresent(flag -> {
          out.add(flag.as(LOST + c.name()));
          lost.put(c.name(), LOST + c.name());
        });
      } else {
        Optional<String> named = own.stream().filter(n -> n.trim().toLowerCase(Locale.ROOT).equals(c.name())).findFirst();
        if (named.isEmpty()) {
          continue;
        }
        value = col(quoted(named.get()));
      }
      Map<String, String> replace = in.values().get(c.name());
      if (replace != null) {
        Column text = value.cast(DataTypes.StringType);
        Column replaced = text;
        for (Map.Entry<String, String> r : replace.entrySet()) {
          replaced = when(trim(text).equalTo(r.getKey()), lit(r.getValue())).otherwise(replaced);
        }
        value = replaced;
      }
      out.add(value.as(c.name()));
      present.add(c.name());
    }
    for (int i = 0; i < own.size(); i++) {
      out.add(col(quoted(own.get(i))).as(RawSource.exportColumn(i)));
    }
    out.add(corruptible ? col(RawSource.CORRUPT) : lit(null).cast(DataTypes.StringType).as(RawSource.CORRUPT));
    return new Mapped(export.select(out.toArray(Column[]::new)), List.copyOf(present), own, Map.copyOf(lost), leftOut);
  }

  /**
   * Every mistake in a source's mapping, found on the export's schema alone (no row is read):
   * unknown contract columns, expressions or conditions that do not parse or name columns the
   * export lacks, and a mapped contract required column that is neither mapped nor present.
   */
  public static List<String> problems(Dataset<Row> export, SourceSettings in, SourceSpec spec) {
    String where = "servicegap.inputs." + in.name();
    List<String> problems = new ArrayList<>();
    List<String> own = ownColumns(export);
    for (String c : in.columns().keySet()) {
      if (spec.column(c).isEmpty()) {
        problems.add(where + ".columns." + c + ": not a column of the " + spec.name() + " contract (" + names(spec) + ")");
      } else {
        analysisProblem(export, in.columns().get(c)).ifPresent(p -> problems.add(where + ".columns." + c + ": " + p));
      }
    }
    for (String c : in.values().keySet()) {
      if (spec.column(c).isEmpty()) {
        problems.add(where + ".values." + c + ": not a column of the " + spec.name() + " contract (" + names(spec) + ")");
      }
    }
    if (in.where() != null) {
      analysisProblem(export, in.where()).ifPresent(p -> problems.add(where + ".where: " + p));
    }
    for (String required : spec.requiredColumns()) {
      boolean named = in.columns().containsKey(required) || own.stream().anyMatch(n -> n.trim().toLowerCase(Locale.ROOT).equals(required));
      if (!named) {
        problems.add(where + ": required column '" + required + "' is neither mapped in columns nor among the export's columns " + own);
      }
    }
    return problems;
  }

  /** The export's columns, without the reader's record of unreadable lines. */
  private static List<String> ownColumns(Dataset<Row> export) {
    List<String> own = new ArrayList<>();
    for (StructField f : export.schema().fields()) {
      if (!f.name().equals(RawSource.CORRUPT)) {
        own.add(f.name());
      }
    }
    return own;
  }

  /** Why an expression cannot be computed over the export's columns, if it cannot. */
  private static Optional<String> analysisProblem(Dataset<Row> export, String expression) {
    try {
      export.select(expr(expression)).schema();
      return Optional.empty();
    } catch (Exception e) { // AnalysisException (ParseException is one), thrown unchecked from Scala
      return Optional.of(firstLine(String.valueOf(e.getMessage())));
    }
  }

  /** A Spark message's first line, without the plan it may append. */
  static String firstLine(String message) {
    String m = String.valueOf(message).strip();
    int nl = m.indexOf('\n');
    String first = nl < 0 ? m : m.substring(0, nl);
    // Spark's suggestions name the export's columns, which help; its plan dump does not.
    int plan = first.indexOf(";;");
    return plan < 0 ? first : first.substring(0, plan);
  }

  /**
   * A flag for rows whose mapping expression gave no value although every export column it reads
   * had one: a cast or parse inside the expression failed, which must not pass as an absent
   * value. Not for a bare column (no value only when the export has none), a constant, or an
   * expression that decides itself when to give none (CASE, IF).
   */
  private static Optional<Column> lostValue(Dataset<Row> export, String mapping) {
    Project plan = (Project) export.select(expr(mapping)).queryExecution().analyzed();
    Expression e = (Expression) plan.projectList().head();
    Expression body = e instanceof org.apache.spark.sql.catalyst.expressions.Alias a ? a.child() : e;
    List<Attribute> reads = scala.collection.JavaConverters.seqAsJavaList(plan.references().toSeq());
    boolean decides = body.find(new AbstractFunction1<Expression, Object>() {
      @Override
      public Object apply(Expression x) {
        return x instanceof CaseWhen || x instanceof If;
      }
    }).isDefined();
    if (reads.isEmpty() || body instanceof Attribute || decides) {
      return Optional.empty();
    }
    Column all = lit(true);
    for (Attribute a : reads) {
      Column v = col(quoted(a.name()));
      Column has = a.dataType().equals(DataTypes.StringType) ? trim(v).notEqual("") : v.isNotNull();
      all = all.and(coalesce(has, lit(false)));
    }
    return Optional.of(expr(mapping).isNull().and(all));
  }

  private static String names(SourceSpec spec) {
    return String.join(", ", spec.columns().stream().map(ColumnSpec::name).toList());
  }

  static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
