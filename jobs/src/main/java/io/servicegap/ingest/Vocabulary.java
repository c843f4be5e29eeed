package io.servicegap.ingest;

import io.servicegap.config.Settings;
import java.util.ArrayList;
import java.util.List;

/** Closed sets of allowed values; some come from configuration. */
public enum Vocabulary {
  ORDER_STATUS,
  PHASE,
  PHASE_OR_ANY,
  PRICE_TIER,
  PRICE_TIER_OR_ANY,
  DIMENSION;

  public static final List<String> PHASES = List.of("pre_sale", "delivery", "post_sale");
  public static final List<String> STATUSES = List.of("open", "delivered", "cancelled", "returned");
  /** The wildcard of management_estimates and price_changes. */
  public static final String ANY = "*";

  public List<String> values(Settings settings) {
    return switch (this) {
      case ORDER_STATUS -> STATUSES;
      case PHASE -> PHASES;
      case PHASE_OR_ANY -> withAny(PHASES);
      case PRICE_TIER -> settings.priceTiers();
      case PRICE_TIER_OR_ANY -> withAny(settings.priceTiers());
      case DIMENSION -> List.copyOf(settings.dimensions().keySet());
    };
  }

  private static List<String> withAny(List<String> values) {
    List<String> all = new ArrayList<>(values);
    all.add(ANY);
    return all;
  }
}
