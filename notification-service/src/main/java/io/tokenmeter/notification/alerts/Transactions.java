package io.tokenmeter.notification.alerts;

import java.util.function.Supplier;

/** Runs work in one database transaction (port): all of it commits, or none. */
public interface Transactions {

    <T> T inTransaction(Supplier<T> work);
}
