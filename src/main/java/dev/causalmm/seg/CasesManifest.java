package dev.causalmm.seg;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.causalmm.io.Json;
import dev.causalmm.io.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Several case sets as one segmentation dataset, from a YAML (or JSON) cases manifest: each set is
 * a folder of case folders with its own file-name globs, label scheme, brain mask and
 * normalisation, and may lack modalities. Every set's cases are read in the manifest's channel
 * order ({@code modalities}); a modality a set has no glob for is absent in its cases (the
 * availability channels / shared encoder handle it), and each label scheme maps to the same WT/TC/ET
 * region bits. {@code patients} lists case ids that are one patient, so evaluation can refuse a case
 * whose patient the model was trained on. The format is in docs/segmentation.md.
 *
 * @param source     the manifest file (named in errors)
 * @param modalities the model's channel order
 * @param sets       the case sets, in order
 * @param patients   groups of case ids that are the same patient
 */
public record CasesManifest(Path source, List<String> modalities, List<CaseSet> sets, List<List<String>> patients) {
    /** A glob no file matches: the set has no file for this channel (its cases lack the modality). */
    static final String ABSENT = "causalmm-absent-modality";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP = Set.of("modalities", "sets", "patients");
    private static final Set<String> SET_FIELDS = Set.of("name", "folder", "modalities", "label", "mask", "labelScheme", "normalise",
            "cropMargin", "cases", "exclude");

    /**
     * One case set.
     *
     * @param name    a short name (reports list it per training case)
     * @param folder  the folder of case folders
     * @param options discovery and preprocessing options, modalities in the manifest's order
     * @param only    the case folders to use; empty: every case found
     * @param exclude case folders to leave out
     */
    public record CaseSet(String name, Path folder, SegDataOptions options, Optional<List<String>> only, List<String> exclude) {
        public CaseSet {
            only = only.map(List::copyOf);
            exclude = List.copyOf(exclude);
        }

        /** The modalities this set has files for. */
        public List<String> present() {
            return options.modalities().entrySet().stream().filter(e -> !e.getValue().equals(ABSENT)).map(Map.Entry::getKey).toList();
        }
    }

    public CasesManifest {
        modalities = List.copyOf(modalities);
        sets = List.copyOf(sets);
        patients = patients.stream().map(List::copyOf).toList();
    }

    /**
     * Whether a command reads a manifest ({@code --cases}) rather than a case folder ({@code --data}):
     * exactly one of them is given, and with a manifest no case-discovery options ({@code discoveryGiven}),
     * since its sets give their own.
     */
    public static boolean chosen(Path data, Path cases, boolean discoveryGiven) {
        if ((data == null) == (cases == null)) throw new UserInputException("give either --data DIR or --cases FILE (a cases manifest)");
        if (cases != null && discoveryGiven) {
            throw new UserInputException("--cases: the manifest gives each set's --modality/--label/--mask/--label-scheme/--normalize/"
                    + "--crop-margin; drop them from the command line");
        }
        return cases != null;
    }

    /** Reads and checks a manifest; relative folders are relative to the manifest's folder. */
    public static CasesManifest read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no cases manifest there");
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new UserInputException(file + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new UserInputException(file + ": a cases manifest is a mapping with 'modalities' and 'sets'");
        unknown(root, TOP, file + "");
        List<String> mods = strings(root.get("modalities"), file + ": 'modalities'");
        if (mods.isEmpty() || new HashSet<>(mods).size() != mods.size()) {
            throw new UserInputException(file + ": 'modalities' must list the model's channel order, each name once, e.g. [flair, t1, t1ce, t2]");
        }
        JsonNode sets = root.get("sets");
        if (sets == null || !sets.isArray() || sets.isEmpty()) throw new UserInputException(file + ": 'sets' must be a non-empty list of case sets");
        List<CaseSet> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sets.size(); i++) {
            CaseSet s = set(sets.get(i), mods, file, i);
            if (!names.add(s.name())) throw new UserInputException(file + ": set name '" + s.name() + "' is used twice");
            out.add(s);
        }
        List<List<String>> patients = new ArrayList<>();
        JsonNode p = root.path("patients");
        if (!p.isMissingNode() && !p.isArray()) throw new UserInputException(file + ": 'patients' must be a list of lists of case ids");
        for (JsonNode g : p) patients.add(strings(g, file + ": 'patients' entry"));
        return new CasesManifest(file, mods, out, patients);
    }

    private static CaseSet set(JsonNode n, List<String> mods, Path file, int index) {
        String where = file + ": sets[" + index + "]";
        if (!n.isObject()) throw new UserInputException(where + " must be a mapping (name, folder, modalities, label, labelScheme, …)");
        unknown(n, SET_FIELDS, where);
        String name = text(n, "name", where);
        where = file + ": set '" + name + "'";
        Path folder = file.toAbsolutePath().getParent().resolve(text(n, "folder", where)).normalize();
        JsonNode globs = n.get("modalities");
        if (globs == null || !globs.isObject() || globs.isEmpty()) {
            throw new UserInputException(where + ": 'modalities' must map modality names to file-name globs, e.g. {flair: \"*_flair.nii.gz\"}");
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String m : mods) ordered.put(m, ABSENT);
        for (var e : globs.properties()) {
            if (!ordered.containsKey(e.getKey())) {
                throw new UserInputException(where + ": modality '" + e.getKey() + "' is not in the manifest's 'modalities' " + mods);
            }
            ordered.put(e.getKey(), e.getValue().asText());
        }
        // sets differ in their numbering: a default would silently train a 2015-numbered set on the wrong regions
        if (!n.path("labelScheme").isTextual()) {
            throw new UserInputException(where + ": 'labelScheme' is required (brats2015, brats2018, brats2023 or wt=..;tc=..;et=..)");
        }
        if (n.has("cropMargin") && !n.get("cropMargin").canConvertToExactIntegral()) {
            throw new UserInputException(where + ": 'cropMargin' must be a whole number of voxels, got " + n.get("cropMargin"));
        }
        try {
            SegDataOptions o = SegDataOptions.defaults().withModalities(ordered).withLabel(n.path("label").asText(null))
                    .withMask(n.path("mask").asText(null)).withLabelScheme(LabelScheme.parse(n.get("labelScheme").asText()));
            if (n.has("normalise")) o = o.withNormalise(SegDataOptions.Normalise.parse(n.get("normalise").asText()));
            if (n.has("cropMargin")) o = o.withCropMargin(n.get("cropMargin").intValue());
            Optional<List<String>> only = n.has("cases") ? Optional.of(strings(n.get("cases"), where + ": 'cases'")) : Optional.empty();
            List<String> exclude = n.has("exclude") ? strings(n.get("exclude"), where + ": 'exclude'") : List.of();
            return new CaseSet(name, folder, o, only, exclude);
        } catch (UserInputException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UserInputException(where + ": " + e.getMessage());
        }
    }

    private static void unknown(JsonNode n, Set<String> known, String where) {
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) throw new UserInputException(where + ": unknown field '" + f + "' (known: " + new TreeSet<>(known) + ")");
        }
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new UserInputException(where + ": '" + field + "' is missing");
        return v.asText();
    }

    private static List<String> strings(JsonNode n, String where) {
        if (n == null || !n.isArray()) throw new UserInputException(where + " must be a list");
        List<String> out = new ArrayList<>();
        for (JsonNode x : n) {
            if (!x.isTextual() || x.asText().isBlank()) throw new UserInputException(where + ": entry " + x + " is not a name");
            out.add(x.asText());
        }
        return out;
    }

    /** The cases of every set (filtered by {@code cases}/{@code exclude}); a case id in two sets is refused. */
    public List<Found> discover() throws IOException {
        List<Found> out = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (CaseSet s : sets) {
            List<SegCase> cases = CaseDiscovery.discover(s.folder(), s.options());
            Set<String> ids = new HashSet<>(cases.stream().map(SegCase::id).toList());
            for (String want : s.only().orElse(List.of())) {
                if (!ids.contains(want)) throw new UserInputException(source + ": set '" + s.name() + "' lists case " + want + ", not found in " + s.folder());
            }
            for (SegCase c : cases) {
                if (s.only().isPresent() && !s.only().get().contains(c.id()) || s.exclude().contains(c.id())) continue;
                String other = seen.put(c.id(), s.name());
                if (other != null) throw new UserInputException(source + ": case " + c.id() + " is in set '" + other + "' and set '" + s.name() + "'");
                out.add(new Found(s, c));
            }
        }
        return out;
    }

    /** A discovered case and its set. */
    public record Found(CaseSet set, SegCase segCase) {}

    /** The manifest as the checkpoint records it (sets with absolute folders). */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("manifest", source.toAbsolutePath().normalize().toString());
        ArrayNode m = o.putArray("modalities");
        modalities.forEach(m::add);
        ArrayNode ss = o.putArray("sets");
        for (CaseSet s : sets) {
            ObjectNode j = SegPipeline.optionsJson(s.options());
            j.put("name", s.name());
            j.put("folder", s.folder().toString());
            ((ObjectNode) j.get("modalities")).retain(s.present());
            ss.add(j);
        }
        o.set("patients", Json.MAPPER.valueToTree(patients));
        return o;
    }
}
