package dev.causalmm.seg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which evaluation cases a model has seen: the training cases its checkpoint records
 * ({@code trainingCases}) and, through {@code patients} groups (of the training manifest or the
 * evaluation one), other case ids of the same patient. One patient under two ids (BraTS 2015 and
 * 2018 releases of one BraTS 2013 scan) would otherwise score as held out.
 */
final class HeldOut {
    private HeldOut() {}

    /** One line per evaluation case the model has seen, naming the case and the training case; empty when none. */
    static List<String> trainingOverlap(JsonNode data, List<String> evalIds, List<List<String>> evalPatients) {
        Set<String> trained = new LinkedHashSet<>();
        for (JsonNode c : data.path("trainingCases")) trained.add(c.path("case").asText());
        List<List<String>> groups = new ArrayList<>(evalPatients);
        for (JsonNode g : data.path("cases").path("patients")) {
            List<String> ids = new ArrayList<>();
            g.forEach(x -> ids.add(x.asText()));
            groups.add(ids);
        }
        List<String> out = new ArrayList<>();
        for (String id : evalIds) {
            if (trained.contains(id)) {
                out.add("case " + id + " is a training case");
                continue;
            }
            for (List<String> g : groups) {
                if (!g.contains(id)) continue;
                g.stream().filter(trained::contains).findFirst().ifPresent(t -> out.add("case " + id + " is the same patient as training case " + t));
            }
        }
        return out.stream().distinct().toList();
    }
}
