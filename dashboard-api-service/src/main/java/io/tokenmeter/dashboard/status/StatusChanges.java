package io.tokenmeter.dashboard.status;

import java.util.Set;

/** Port: told, after the read model committed, whose status may have changed. */
public interface StatusChanges {

    void changed(Set<String> userIds);
}
