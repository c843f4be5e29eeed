package io.servicegap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
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
  void everyFamilyClassIsRegisteredOnce() {
    Set<String> classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.servicegap").stream()
        .filter(c -> c.isAssignableTo(MetricFamily.class) && !c.isInterface() && !c.getModifiers().contains(JavaModifier.ABSTRACT))
        .map(JavaClass::getName).collect(Collectors.toSet());
    List<String> registered = Families.METRICS.stream().map(f -> f.getClass().getName()).toList();
    assertEquals(9, classes.size(), "the families found in the code: " + classes);
    assertEquals(classes, Set.copyOf(registered), "a family class lacks @AutoService(MetricFamily.class)");
    assertEquals(registered.size(), classes.size(), "registered twice: " + registered);
  }

  @Test
  void theRegistryOrdersGapsFirstThenByNameAndAccountsLast() {
    List<String> names = Families.names();
    assertEquals(List.of("gap1", "gap2", "gap3", "gap4", "gap5"), names.subList(0, 5));
    List<String> others = names.subList(5, names.size() - 1);
    assertEquals(others.stream().sorted().toList(), others);
    assertEquals(Families.ACCOUNTS, names.get(names.size() - 1));
  }

  @Test
  void aFamilyReadsOnlyItsSources() {
    assertEquals(Set.of("accounts", "transactions"), Families.sourcesRead(Set.of("gap4")));
    assertEquals(Set.of("accounts", "surveys", "management_estimates"), Families.sourcesRead(Set.of("gap1")));
    assertEquals(Set.of("accounts", "transactions", "complaints", "surveys", "management_estimates", "price_changes"),
        Families.sourcesRead(Set.copyOf(Families.names())));
  }
}
