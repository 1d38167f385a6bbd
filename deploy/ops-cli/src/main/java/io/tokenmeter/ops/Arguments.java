package io.tokenmeter.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A command (the leading words) and its {@code --name value} options and {@code --flag}s. */
record Arguments(String command, Map<String, String> options, Set<String> flags) {

    static final Set<String> FLAGS = Set.of("all");

    static Arguments parse(List<String> args) {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                words.add(arg);
                continue;
            }
            String name = arg.substring(2);
            if (FLAGS.contains(name)) {
                flags.add(name);
            } else if (i + 1 < args.size()) {
                options.put(name, args.get(++i));
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("no command given");
        }
        return new Arguments(String.join(" ", words), options, flags);
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    String required(String name) {
        return option(name)
                .orElseThrow(() -> new IllegalArgumentException("--" + name + " is required"));
    }

    int requiredInt(String name) {
        try {
            return Integer.parseInt(required(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a whole number");
        }
    }

    long requiredLong(String name) {
        try {
            return Long.parseLong(required(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a whole number");
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }
}
