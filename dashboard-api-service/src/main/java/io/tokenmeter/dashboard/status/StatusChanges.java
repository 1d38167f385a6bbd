package io.tokenmeter.dashboard.status;

import java.util.Set;

/**
 * Port: told, after the read model committed, whose status may have changed — by this instance's
 * own consumers, or by another instance sharing the read model.
 */
public interface StatusChanges {

    void changed(Set<String> userIds);

    /**
     * Anyone's status may have changed: changes committed by other instances may have gone unheard
     * (the channel they are announced on was interrupted).
     */
    void allChanged();
}
