package io.servicegap.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * One column of an input contract and the rules a value must keep.
 *
 * @param minimum lower bound of a number, or null
 * @param minimumExclusive whether the bound itself is out of range
 * @param notBefore a timestamp column this one must not precede, or null
 * @param references "source.column" this value must exist in (accepted rows), or null
 * @param carried attributes of the referenced row that come along with an accepted value
 * @param groupingKey a key the outputs roll up, so the literal ALL is reserved
 * @param defaultValue SQL literal used when the value is absent, or null
 */
public record ColumnSpec(
    String name,
    ColumnType type,
    boolean required,
    Vocabulary vocabulary,
    Double minimum,
    boolean minimumExclusive,
    String notBefore,
    String references,
    List<Carried> carried,
    boolean groupingKey,
    String defaultValue,
    String description) {

  public static ColumnSpec of(String name, ColumnType type, boolean required, String description) {
    return new ColumnSpec(name, type, required, null, null, false, null, null, List.of(), false, null, description);
  }

  public ColumnSpec allowed(Vocabulary v) {
    return new ColumnSpec(name, type, required, v, minimum, minimumExclusive, notBefore, references, carried, groupingKey, defaultValue, description);
  }

  public ColumnSpec atLeast(double min) {
    return new ColumnSpec(name, type, required, vocabulary, min, false, notBefore, references, carried, groupingKey, defaultValue, description);
  }

  public ColumnSpec above(double min) {
    return new ColumnSpec(name, type, required, vocabulary, min, true, notBefore, references, carried, groupingKey, defaultValue, description);
  }

  public ColumnSpec notBefore(String column) {
    return new ColumnSpec(name, type, required, vocabulary, minimum, minimumExclusive, column, references, carried, groupingKey, defaultValue, description);
  }

  public ColumnSpec references(String sourceColumn) {
    return new ColumnSpec(name, type, required, vocabulary, minimum, minimumExclusive, notBefore, sourceColumn, List.of(), groupingKey, defaultValue, description);
  }

  /**
   * An attribute of the referenced row to bring along, so events are keyed by the join that
   * checks the reference instead of a second one.
   *
   * @param expression SQL over the referenced source's accepted columns (its own carried ones too)
   */
  public record Carried(String name, String expression) {}

  /** Brings {@code expression} of the referenced row along as {@code attribute}. */
  public ColumnSpec carrying(String attribute, String expression) {
    if (references == null) {
      throw new IllegalStateException(name + " references nothing to carry " + attribute + " from");
    }
    List<Carried> more = new ArrayList<>(carried);
    more.add(new Carried(attribute, expression));
    return new ColumnSpec(name, type, required, vocabulary, minimum, minimumExclusive, notBefore, references, List.copyOf(more), groupingKey, defaultValue, description);
  }

  /** The source a referencing column names (references = "source.column"), or null. */
  public String referencedSource() {
    return references == null ? null : references.substring(0, references.indexOf('.'));
  }

  /** The column of the referenced source, or null. */
  public String referencedColumn() {
    return references == null ? null : references.substring(references.indexOf('.') + 1);
  }

  public ColumnSpec rolledUp() {
    return new ColumnSpec(name, type, required, vocabulary, minimum, minimumExclusive, notBefore, references, carried, true, defaultValue, description);
  }

  public ColumnSpec withDefault(String sqlLiteral) {
    return new ColumnSpec(name, type, required, vocabulary, minimum, minimumExclusive, notBefore, references, carried, groupingKey, sqlLiteral, description);
  }
}
