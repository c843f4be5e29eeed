package io.servicegap.metrics;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;

/**
 * Where each set's states sit in the rolled-up rows. A rolled-up row belongs to one set (or
 * histogram), so the sets share a few typed slot columns instead of each state having its own
 * column: the k-th state of a type in every set goes to that type's k-th slot. The roll-up then
 * sums as many columns as the widest set has states, not as many as all sets together.
 */
final class StateSlots {
  private final Map<String, Map<String, String>> slotOf;
  private final Map<String, DataType> types;

  private StateSlots(Map<String, Map<String, String>> slotOf, Map<String, DataType> types) {
    this.slotOf = slotOf;
    this.types = types;
  }

  /** Slot column names, in a fixed order. */
  List<String> names() {
    return List.copyOf(types.keySet());
  }

  DataType type(String slot) {
    return types.get(slot);
  }

  /** The slot holding a set's (or histogram's) state. */
  String of(String set, String state) {
    String slot = slotOf.getOrDefault(set, Map.of()).get(state);
    if (slot == null) {
      throw new IllegalStateException("state " + state + " of set " + set + " was not rolled up");
    }
    return slot;
  }

  /** Lays out states set by set, in the order they are placed. */
  static final class Builder {
    private final Map<String, Map<String, String>> slotOf = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> usedPerSet = new HashMap<>();
    private final Map<String, DataType> types = new LinkedHashMap<>();

    /** Places a set's state of a type in the next slot of that type the set has not used. */
    void place(String set, String state, DataType type) {
      String tag = type.typeName().replaceAll("[^A-Za-z0-9]", "_");
      int k = usedPerSet.computeIfAbsent(set, s -> new HashMap<>()).merge(tag, 1, Integer::sum) - 1;
      String slot = "_" + tag + k;
      types.putIfAbsent(slot, type);
      slotOf.computeIfAbsent(set, s -> new LinkedHashMap<>()).put(state, slot);
    }

    StateSlots build() {
      Map<String, Map<String, String>> copy = new LinkedHashMap<>();
      slotOf.forEach((set, states) -> copy.put(set, Map.copyOf(states)));
      return new StateSlots(copy, new LinkedHashMap<>(types));
    }
  }
}
