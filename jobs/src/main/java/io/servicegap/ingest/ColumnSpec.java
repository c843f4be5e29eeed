package io.servicegap.ingest;

/**
 * One column of an input contract and the rules a value must keep.
 *
 * @param minimum lower bound of a number, or null
 * @param minimumExclusive whether the bound itself is out of range
 * @param notBefore a timestamp column this one must not precede, or null
 * @param references "source.column" this value must exist in (accepted rows), or null
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
    boolean groupingKey,
    String defaultValue,
    String description) {

  public static ColumnSpec of(String name, ColumnType type, boolean required, String description) {
    return new ColumnSpec(name, type, required, null, null, false, null, null, false, null, description);
  }

  public ColumnSpec allowed(Vocabulary v) {
    return new ColumnSpec(name, type, required, v, minimum, minimumExclusive, notBefore, references, groupingKey, defaultValue, description);
  }

  public ColumnSpec atLeast(double min) {
    return new ColumnSpec(name, type, required, vocabulary, min, false, notBefore, references, groupingKey, defaultValue, description);
  }

  public ColumnSpec above(double min) {
    return new ColumnSpec(name, type, required, vocabulary, min, true, notBefore, references, groupingKey, defaultValue, description);
  }

  public ColumnSpec notBefore(String column) {
    return new ColumnSpec(name, type, required, vocabulary, minimum, minimumExclusive, column, references, groupingKey, defaultValue, description);
  }

  public ColumnSpec references(String sourceColumn) {
    return new ColumnSpec(name, type, required, vocabulary, minimum, minimumExclusive, notBefore, sourceColumn, groupingKey, defaultValue, description);
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
    return new ColumnSpec(name, type, required, vocabulary, minimum, minimumExclusive, notBefore, references, true, defaultValue, description);
  }

  public ColumnSpec withDefault(String sqlLiteral) {
    return new ColumnSpec(name, type, required, vocabulary, minimum, minimumExclusive, notBefore, references, groupingKey, sqlLiteral, description);
  }
}
