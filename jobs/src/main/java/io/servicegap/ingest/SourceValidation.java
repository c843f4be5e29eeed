package io.servicegap.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.servicegap.config.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;

/**
 * Decides for every input row: accepted, or quarantined with one reason and the column at fault.
 * Raw rows (and the accepted rows of referenced sources) in, verdicts out; the only work done
 * before the verdicts are used is one small job that looks for repeated keys.
 */
public final class SourceValidation {
  public static final String REASON = "_reason";
  public static final String COLUMN = "_column";
  public static final String RECORD = "_record";
  private static final String PROBLEM = "_problem";
  private static final String RAW = "_raw_";
  private static final String KEY_HASH = "_key_hash";
  private static final String HOLDERS = "_holders";
  private static final String RANK = "_rank";
  private static final String LOSER = "_loser_seq";
  private static final String LOST = "_lost";

  private SourceValidation() {}

  /**
   * @param parents accepted rows of already validated sources, by source name
   * @return one row per input row: the contract's columns typed, what its references carry, {@link #REASON} and
   *     {@link #COLUMN} (null when accepted), {@link #RECORD} and {@link RawSource#SOURCE_FILE} (both null when accepted)
   */
  public static Dataset<Row> validate(
      RawSource raw, SourceSpec spec, Settings settings, Map<String, Dataset<Row>> parents) {
    Map<String, DataType> inputTypes = new HashMap<>();
    Arrays.stream(raw.rows().schema().fields()).forEach(f -> inputTypes.put(f.name(), f.dataType()));

    // Typed values; a raw value is carried along only where its text could differ from the typed
    // one, so the record of a rejected row can be rebuilt at the end without carrying JSON
    // through the shuffles of every accepted row.
    List<Column> typed = new ArrayList<>();
    List<Column> rawKept = new ArrayList<>();
    Map<String, Column> recordFields = new java.util.LinkedHashMap<>();
    List<Problem> parseProblems = new ArrayList<>();
    boolean export = !raw.exportColumns().isEmpty();
    TypedValue.TextFormats formats = formats(settings.input(spec.name()), settings);
    for (ColumnSpec c : spec.columns()) {
      if (raw.columns().contains(c.name())) {
        DataType t = inputTypes.get(c.name());
        Column parsed = TypedValue.parse(col(c.name()), t, c.type(), formats);
        Column unreadable = TypedValue.unreadable(col(c.name()), t, parsed);
        String lost = raw.lostValues().get(c.name());
        if (lost != null) {
          unreadable = unreadable.or(col(lost));
        }
        parseProblems.add(new Problem(unreadable, Reason.PARSE_ERROR, c.name()));
        Column withDefault = c.defaultValue() == null ? parsed : coalesce(parsed, expr(c.defaultValue()).cast(c.type().sparkType()));
        typed.add(withDefault.as(c.name()));
        if (export) {
          continue; // the record is the export's own row
        }
        if (t.equals(c.type().sparkType()) && c.defaultValue() == null) {
          recordFields.put(c.name(), col(c.name()));
        } else {
          rawKept.add(col(c.name()).as(RAW + c.name()));
          recordFields.put(c.name(), col(RAW + c.name()));
        }
      } else {
        Column absent = c.defaultValue() == null ? lit(null) : expr(c.defaultValue());
        typed.add(absent.cast(c.type().sparkType()).as(c.name()));
      }
    }
    for (int i = 0; i < raw.exportColumns().size(); i++) {
      rawKept.add(col(RawSource.exportColumn(i)));
      recordFields.put(raw.exportColumns().get(i), col(RawSource.exportColumn(i)));
    }
    List<Column> rowProblems = new ArrayList<>();
    rowProblems.add(new Problem(col(RawSource.CORRUPT).isNotNull(), Reason.PARSE_ERROR, "_record").asColumn());
    parseProblems.forEach(p -> rowProblems.add(p.asColumn()));
    Column fields = struct(recordFields.entrySet().stream().map(e -> e.getValue().as(e.getKey())).toArray(Column[]::new));
    // An export's row keeps its empty cells, so it reads as the file did.
    Column record = coalesce(col(RawSource.CORRUPT), export ? to_json(fields, Map.of("ignoreNullFields", "false")) : to_json(fields));

    Dataset<Row> parsedRows =
        raw.rows()
            .select(
                concat(
                        concat(typed, rawKept),
                        List.of(
                            firstOf(rowProblems).as(PROBLEM),
                            col(RawSource.CORRUPT),
                            col(RawSource.SOURCE_FILE),
                            col(RawSource.READ_SEQ)))
                    .toArray(Column[]::new));

    // Value rules on the typed columns, in the contract's reason order.
    List<Column> valueProblems = new ArrayList<>();
    valueProblems.add(col(PROBLEM));
    valueProblems.addAll(missing(spec));
    valueProblems.addAll(badValues(spec, settings));
    valueProblems.addAll(outOfRange(spec, settings));
    valueProblems.addAll(timeOrder(spec));
    Dataset<Row> checked = parsedRows.withColumn(PROBLEM, firstOf(valueProblems));

    checked = duplicates(references(checked, spec, parents), checked, spec, parents);
    checked = checked.withColumn(PROBLEM, firstOf(concat(List.of(col(PROBLEM)), reserved(spec))));

    List<Column> out = new ArrayList<>();
    spec.columns().forEach(c -> out.add(col(c.name())));
    spec.carried().forEach(a -> out.add(col(a.name())));
    out.add(col(PROBLEM).getField("reason").as(REASON));
    out.add(col(PROBLEM).getField("column").as(COLUMN));
    out.add(when(col(PROBLEM).isNotNull(), record).as(RECORD));
    // Only the quarantine names files: a path on every accepted row is a long text to write.
    out.add(when(col(PROBLEM).isNotNull(), col(RawSource.SOURCE_FILE)).as(RawSource.SOURCE_FILE));
    return checked.select(out.toArray(Column[]::new));
  }

  /** How the source writes text timestamps and dates (SPEC §2b); ISO-8601 in the run's zone by default. */
  private static TypedValue.TextFormats formats(Settings.SourceSettings in, Settings settings) {
    String run = settings.timezone().getId();
    if (in == null) {
      return new TypedValue.TextFormats(null, null, null, run);
    }
    return new TypedValue.TextFormats(in.timestampFormat(), in.dateFormat(), in.timezone() == null ? null : in.timezone().getId(), run);
  }

  private static List<Column> missing(SourceSpec spec) {
    List<Column> p = new ArrayList<>();
    for (ColumnSpec c : spec.columns()) {
      if (c.required()) {
        p.add(new Problem(col(c.name()).isNull(), Reason.MISSING_REQUIRED, c.name()).asColumn());
      }
    }
    if (!spec.oneOfRequired().isEmpty()) {
      Column none = lit(true);
      for (String c : spec.oneOfRequired()) {
        none = none.and(col(c).isNull());
      }
      p.add(new Problem(none, Reason.MISSING_REQUIRED, String.join("|", spec.oneOfRequired())).asColumn());
    }
    return p;
  }

  private static List<Column> badValues(SourceSpec spec, Settings settings) {
    List<Column> p = new ArrayList<>();
    for (ColumnSpec c : spec.columns()) {
      if (c.vocabulary() != null) {
        Object[] allowed = c.vocabulary().values(settings).toArray();
        p.add(new Problem(col(c.name()).isNotNull().and(col(c.name()).isin(allowed).unary_$bang()), Reason.BAD_VALUE, c.name()).asColumn());
      }
    }
    return p;
  }

  private static List<Column> outOfRange(SourceSpec spec, Settings settings) {
    List<Column> p = new ArrayList<>();
    for (ColumnSpec c : spec.columns()) {
      if (c.minimum() != null) {
        Column v = col(c.name());
        Column bad = c.minimumExclusive() ? v.leq(c.minimum()) : v.lt(c.minimum());
        p.add(new Problem(bad, Reason.OUT_OF_RANGE, c.name()).asColumn());
      }
    }
    if (!spec.scaledColumns().isEmpty()) {
      Column min = lit(null);
      Column max = lit(null);
      for (Settings.Dimension d : settings.dimensions().values()) {
        Column isDim = col("dimension").equalTo(d.name());
        min = when(isDim, lit(d.min())).otherwise(min);
        max = when(isDim, lit(d.max())).otherwise(max);
      }
      for (String c : spec.scaledColumns()) {
        p.add(new Problem(col(c).lt(min).or(col(c).gt(max)), Reason.OUT_OF_RANGE, c).asColumn());
      }
    }
    return p;
  }

  private static List<Column> timeOrder(SourceSpec spec) {
    List<Column> p = new ArrayList<>();
    for (ColumnSpec c : spec.columns()) {
      if (c.notBefore() != null) {
        p.add(new Problem(col(c.name()).lt(col(c.notBefore())), Reason.BAD_ORDER_OF_TIMES, c.name()).asColumn());
      }
    }
    return p;
  }

  /**
   * An id must name an accepted row of the source it references. A reference that carries the
   * named row's attributes is checked by a left join with them, so the same join keys the events
   * (segment, tiers) and no second one is needed. Accounts are few and Spark broadcasts them;
   * orders are many, so rows meet them in a shuffled join (see {@link #joinCarried}).
   *
   * <p>A reference that carries nothing is checked on the deduplicated ids first, a join of two
   * narrow key sets; only the unknown ones, few (a source with more than max-reject-ratio of them
   * fails the gate), are then broadcast to flag rows.
   */
  private static Dataset<Row> references(Dataset<Row> rows, SourceSpec spec, Map<String, Dataset<Row>> parents) {
    List<Column> p = new ArrayList<>();
    p.add(col(PROBLEM));
    List<String> added = new ArrayList<>();
    Dataset<Row> checked = joinCarried(rows, spec, parents);
    for (ColumnSpec c : spec.columns()) {
      if (c.referencedSource() == null) {
        continue;
      }
      if (!c.carried().isEmpty()) {
        p.add(new Problem(col(c.name()).isNotNull().and(col(found(c)).isNull()), Reason.UNKNOWN_REFERENCE, c.name()).asColumn());
        added.add(found(c));
        continue;
      }
      String unknown = "_unknown_" + c.name();
      Column parentKey = col(c.referencedColumn());
      Dataset<Row> unknownIds =
          checked.select(col(c.name()).as(unknown)).filter(col(unknown).isNotNull()).distinct()
              .join(parent(c, spec, parents).select(parentKey), col(unknown).equalTo(parentKey), "left_anti");
      checked = checked.join(broadcast(unknownIds.withColumn(unknown + "_flag", lit(true))), col(c.name()).equalTo(col(unknown)), "left");
      p.add(new Problem(col(unknown + "_flag").isNotNull(), Reason.UNKNOWN_REFERENCE, c.name()).asColumn());
      added.add(unknown);
      added.add(unknown + "_flag");
    }
    return checked.withColumn(PROBLEM, firstOf(p)).drop(added.toArray(String[]::new));
  }

  /**
   * Rows with what their references carry, as ingestion accepts them (SPEC §3's keys come from
   * here: an event's segment and tiers are its account's and its order's).
   *
   * @param parents accepted rows of the referenced sources, with what their own references carry
   */
  public static Dataset<Row> withCarried(Dataset<Row> rows, SourceSpec spec, Map<String, Dataset<Row>> parents) {
    Dataset<Row> joined = joinCarried(rows, spec, parents);
    for (ColumnSpec c : spec.columns()) {
      if (!c.carried().isEmpty()) {
        joined = joined.drop(found(c));
      }
    }
    return joined;
  }

  /** A left join per carrying reference, with a marker column set where the id named a row. */
  private static Dataset<Row> joinCarried(Dataset<Row> rows, SourceSpec spec, Map<String, Dataset<Row>> parents) {
    for (ColumnSpec c : spec.columns()) {
      if (c.carried().isEmpty()) {
        continue;
      }
      String key = "_key_" + c.name();
      List<Column> named = new ArrayList<>(List.of(col(c.referencedColumn()).as(key), lit(true).as(found(c))));
      c.carried().forEach(a -> named.add(expr(a.expression()).as(a.name())));
      // No join hint: adaptive execution hashes the referenced rows per partition only while the
      // partitions are small (spark.sql.adaptive.maxShuffledHashJoinLocalMapThreshold), and
      // otherwise sorts and merges, so memory does not grow with the history.
      Dataset<Row> attributes = parent(c, spec, parents).select(named.toArray(Column[]::new));
      rows = rows.join(attributes, col(c.name()).equalTo(col(key)), "left").drop(key);
    }
    return rows;
  }

  private static Dataset<Row> parent(ColumnSpec c, SourceSpec spec, Map<String, Dataset<Row>> parents) {
    Dataset<Row> parent = parents.get(c.referencedSource());
    if (parent == null) {
      throw new IllegalStateException(spec.name() + "." + c.name() + " references unvalidated " + c.referencedSource());
    }
    return parent;
  }

  private static String found(ColumnSpec c) {
    return "_found_" + c.name();
  }

  /**
   * Among rows valid so far, the latest updated_ts per key wins; ties go to the first read. Only
   * the rows of keys held more than once are ranked, where ranking every row would shuffle and
   * sort whole rows. Those keys are found by a 64-bit hash of the key over every parsed row, so
   * the search reads the key columns alone and shuffles one long per row; a hash shared by two
   * keys only sends both to the ranking, which goes by the key itself.
   *
   * <p>The repeated keys are looked up once, before the plan is built (one small job): a source
   * without any, the usual case, is ranked not at all. Otherwise the rows of those keys are
   * checked again on their own (few, so their reference joins are small), ranked, and the losers
   * marked by read position in the one pass over every row.
   *
   * @param checked every row, with its problems so far
   * @param unreferenced the same rows before the reference checks
   */
  private static Dataset<Row> duplicates(
      Dataset<Row> checked, Dataset<Row> unreferenced, SourceSpec spec, Map<String, Dataset<Row>> parents) {
    Column keyHash = xxhash64(spec.key().stream().map(k -> col(k)).toArray(Column[]::new));
    // Counted over a window of sorted hashes, not by a hash aggregate: nearly every key is held
    // once, so an aggregate's map-side pass would hash every row to reduce nothing.
    Dataset<Row> repeated =
        unreferenced.select(keyHash.as(KEY_HASH))
            .withColumn(HOLDERS, count(lit(1)).over(Window.partitionBy(KEY_HASH)))
            .filter(col(HOLDERS).gt(1))
            .select(col(KEY_HASH))
            .distinct()
            .cache();
    if (repeated.isEmpty()) {
      repeated.unpersist();
      return checked;
    }
    List<Column> order = new ArrayList<>();
    if (spec.versioned()) {
      order.add(col(SourceSpec.VERSION_COLUMN).desc_nulls_last());
    }
    order.add(col(RawSource.READ_SEQ).asc());
    var window = Window.partitionBy(spec.key().stream().map(k -> col(k)).toArray(Column[]::new)).orderBy(order.toArray(Column[]::new));
    // Broadcast: repeated keys are few (a source with more than max-reject-ratio of them fails the
    // gate), and a broadcast leaves the source's rows where they are instead of shuffling them.
    Dataset<Row> contested = unreferenced.withColumn(KEY_HASH, keyHash).join(broadcast(repeated), scala.collection.JavaConverters.asScalaBuffer(List.of(KEY_HASH)).toList(), "left_semi");
    Dataset<Row> losers =
        references(contested, spec, parents)
            .filter(col(PROBLEM).isNull())
            .withColumn(RANK, row_number().over(window))
            .filter(col(RANK).gt(1))
            .select(col(RawSource.READ_SEQ).as(LOSER), lit(true).as(LOST));
    Column duplicate = new Problem(col(LOST).isNotNull(), Reason.DUPLICATE_KEY, String.join(",", spec.key())).asColumn();
    return checked.join(broadcast(losers), col(RawSource.READ_SEQ).equalTo(col(LOSER)), "left")
        .withColumn(PROBLEM, coalesce(col(PROBLEM), duplicate))
        .drop(LOSER, LOST);
  }

  private static List<Column> reserved(SourceSpec spec) {
    List<Column> p = new ArrayList<>();
    for (ColumnSpec c : spec.columns()) {
      if (c.groupingKey()) {
        p.add(new Problem(col(c.name()).equalTo("ALL"), Reason.RESERVED_VALUE, c.name()).asColumn());
      }
    }
    return p;
  }

  /** The first problem found, or null: a chain of when(...) in rule order. */
  private static Column firstOf(List<Column> problems) {
    return coalesce(problems.toArray(Column[]::new));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private record Problem(Column condition, Reason reason, String column) {
    Column asColumn() {
      return when(condition, struct(lit(reason.name()).as("reason"), lit(column).as("column")));
    }
  }
}
