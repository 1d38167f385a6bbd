package io.tokenmeter.testsupport;

/** A PostgreSQL database created for one test class. */
public record TestDatabase(String name, String jdbcUrl, String username, String password) {}
