package io.tokenmeter.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The PostgreSQL the services share (each in its own schema): {@code DATABASE_URL} if set; else the
 * server at 127.0.0.1:5432 if it answers (database {@code tokenmeter}, created if missing); else an
 * embedded PostgreSQL binary from Maven Central (zonky) with its data under {@code
 * .local/postgres}.
 */
final class Database implements AutoCloseable {

    static final String DATABASE = "tokenmeter";
    static final int EMBEDDED_PORT = 54329;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String description;
    private final EmbeddedPostgres embedded;

    private Database(
            String jdbcUrl,
            String user,
            String password,
            String description,
            EmbeddedPostgres embedded) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.description = description;
        this.embedded = embedded;
    }

    static Database choose(Map<String, String> environment, Path embeddedData, Path logs)
            throws IOException, SQLException {
        String url = environment.get("DATABASE_URL");
        String user = environment.getOrDefault("DATABASE_USER", "postgres");
        String password = environment.getOrDefault("DATABASE_PASSWORD", "");
        if (url != null && !url.isBlank()) {
            return new Database(url, user, password, url + " (DATABASE_URL)", null);
        }
        String local = "jdbc:postgresql://127.0.0.1:5432/";
        if (answers(local + "postgres", user, password)) {
            ensureDatabase(local + "postgres", user, password);
            return new Database(
                    local + DATABASE, user, password, local + DATABASE + " (local server)", null);
        }
        return embedded(embeddedData, logs, EMBEDDED_PORT);
    }

    /** An embedded PostgreSQL keeping its data in {@code data} across restarts. */
    static Database embedded(Path embeddedData, Path logs, int port)
            throws IOException, SQLException {
        Files.createDirectories(embeddedData);
        EmbeddedPostgres embedded =
                EmbeddedPostgres.builder()
                        .setDataDirectory(embeddedData)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        .setOutputRedirector(
                                ProcessBuilder.Redirect.appendTo(
                                        logs.resolve("postgres.log").toFile()))
                        .setErrorRedirector(
                                ProcessBuilder.Redirect.appendTo(
                                        logs.resolve("postgres.log").toFile()))
                        .start();
        String embeddedUrl = "jdbc:postgresql://127.0.0.1:" + port + "/";
        ensureDatabase(embeddedUrl + "postgres", "postgres", "");
        return new Database(
                embeddedUrl + DATABASE,
                "postgres",
                "",
                embeddedUrl + DATABASE + " (embedded, data in " + embeddedData + ")",
                embedded);
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    String description() {
        return description;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }

    private static boolean answers(String url, String user, String password) {
        DriverManager.setLoginTimeout(2);
        try (Connection ignored = DriverManager.getConnection(url, user, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void ensureDatabase(String maintenanceUrl, String user, String password)
            throws SQLException {
        try (Connection connection = DriverManager.getConnection(maintenanceUrl, user, password);
                PreparedStatement exists =
                        connection.prepareStatement(
                                "SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet result = exists.executeQuery()) {
                if (!result.next()) {
                    try (Statement create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
        }
    }
}
