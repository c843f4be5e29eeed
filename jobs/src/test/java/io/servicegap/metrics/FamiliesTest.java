package io.servicegap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one registry of families, and everything that lists them after it. */
class FamiliesTest {
  private static final Path REPO = Path.of(System.getProperty("servicegap.repo", ".."));

  @Test
  void referenceConfDocumentsEveryFamilyAndRunsAllByDefault() throws Exception {
    String reference = Files.readString(REPO.resolve("jobs/src/main/resources/reference.conf"));
    String documented = reference.lines().filter(l -> l.contains("# Metric families to run:")).findFirst().orElseThrow();
    assertTrue(documented.endsWith("any of " + String.join(", ", Families.names()) + "."), documented);
    assertEquals(List.of("all"), ConfigFactory.parseString(reference).getStringList("servicegap.metrics.families"));
  }

  @Test
  void theMetricsDocsHaveARowPerFamily() throws Exception {
    String docs = Files.readString(REPO.resolve("docs/metrics.md"));
    for (String f : Families.names()) {
      assertTrue(docs.contains("| `" + f + "` |"), "docs/metrics.md's family table lacks " + f);
    }
  }

  @Test
  void aFamilyReadsOnlyItsSources() {
    assertEquals(Set.of("accounts", "transactions"), Families.sourcesRead(Set.of("gap4")));
    assertEquals(Set.of("accounts", "surveys", "management_estimates"), Families.sourcesRead(Set.of("gap1")));
    assertEquals(Set.of("accounts", "transactions", "complaints", "surveys", "management_estimates", "price_changes"),
        Families.sourcesRead(Set.copyOf(Families.names())));
  }
}
