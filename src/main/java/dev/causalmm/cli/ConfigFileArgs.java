package dev.causalmm.cli;

import dev.causalmm.io.OptionFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code train --config FILE.yaml} ({@link OptionFile}) with picocli's view of the options. */
final class ConfigFileArgs {
    static final String OPTION = OptionFile.OPTION;

    private ConfigFileArgs() {}

    /** {@code args} with the file's options spliced in after {@code train}; other commands take no --config file. */
    static String[] expand(CommandLine cl, String[] args) throws IOException {
        for (int i = 0; i < args.length; i++) {
            CommandLine sub = cl.getSubcommands().get(args[i]);
            if (sub == null) continue;
            if (!(sub.getCommand() instanceof TrainCommand)) return args;
            List<String> out = new ArrayList<>(Arrays.asList(args).subList(0, i + 1));
            out.addAll(expand(sub.getCommandSpec(), Arrays.asList(args).subList(i + 1, args.length)));
            return out.toArray(String[]::new);
        }
        return args;
    }

    /** A subcommand's own arguments (after its name) with {@code --config FILE} replaced by the file's options. */
    static List<String> expand(CommandSpec command, List<String> args) throws IOException {
        return OptionFile.expand(args, name -> shape(command, name), command.qualifiedName());
    }

    /** The option {@code name} spells ({@code --no-x} included), null when there is none or it only asks for help. */
    private static OptionFile.Shape shape(CommandSpec command, String name) {
        OptionSpec o = command.findOption(name);
        if (o == null && name.startsWith("--no-")) {
            OptionSpec positive = command.findOption("--" + name.substring(5));
            o = positive != null && positive.negatable() ? positive : null;
        }
        if (o == null || o.usageHelp() || o.versionHelp()) return null;
        boolean flag = o.arity().max() == 0 || o.typeInfo().isBoolean() && !o.typeInfo().isMultiValue();
        String negated = o.negatable() ? command.negatableOptionTransformer().makeNegative(name, command) : null;
        return new OptionFile.Shape(o.longestName(), flag, negated, o.typeInfo().isMultiValue(), ",".equals(o.splitRegex()));
    }
}
