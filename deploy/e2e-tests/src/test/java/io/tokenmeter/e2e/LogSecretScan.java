package io.tokenmeter.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Looks through every {@code *.log} file under a directory for the given secrets and for anything
 * shaped like a bearer token. A hit names the file and line and the secret's length, never the
 * secret, so the report itself leaks nothing.
 */
final class LogSecretScan {

    /** What a bearer credential looks like in a header or a message: 16 token characters on. */
    static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/=-]{16,}");

    record Result(int files, long lines, List<String> hits) {}

    private LogSecretScan() {}

    static Result scan(Path directory, Set<String> secrets) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        List<String> hits = new ArrayList<>();
        long lines = 0;
        for (Path file : files) {
            // Latin-1 reads any byte sequence; the secrets are ASCII.
            List<String> content = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < content.size(); i++) {
                String line = content.get(i);
                lines++;
                for (String secret : secrets) {
                    if (line.contains(secret)) {
                        hits.add(
                                file.getFileName()
                                        + ":"
                                        + (i + 1)
                                        + " holds a secret of "
                                        + secret.length()
                                        + " characters");
                    }
                }
                if (BEARER.matcher(line).find()) {
                    hits.add(file.getFileName() + ":" + (i + 1) + " holds a bearer token");
                }
            }
        }
        return new Result(files.size(), lines, hits);
    }
}
