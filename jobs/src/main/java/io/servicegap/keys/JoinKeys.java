package io.servicegap.keys;

import java.util.List;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/** Column names to join on, in the form Dataset.join(other, columns, type) takes. */
public final class JoinKeys {
  private JoinKeys() {}

  public static Seq<String> of(String... names) {
    return JavaConverters.asScalaBuffer(List.of(names)).toList();
  }
}
