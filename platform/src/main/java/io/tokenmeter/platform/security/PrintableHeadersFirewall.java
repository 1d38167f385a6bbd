package io.tokenmeter.platform.security;

import java.util.function.Predicate;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's {@link StrictHttpFirewall} with its header and parameter-name checks written as
 * loops instead of regular expressions ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*}, and for header
 * values the same with tab allowed), which it evaluates on every header read: the bearer token
 * alone is read twice per request. Same rules: every code point is assigned and is not a control
 * character, except a tab in a header value.
 */
public final class PrintableHeadersFirewall {

    /** The default rule of {@link StrictHttpFirewall}, without the regular expression. */
    public static final Predicate<String> ASSIGNED_AND_NOT_CONTROL =
            value -> assignedAndNotControl(value, false);

    /** The default rule for header values: the same, with tab allowed. */
    public static final Predicate<String> HEADER_VALUE =
            value -> assignedAndNotControl(value, true);

    private PrintableHeadersFirewall() {}

    public static StrictHttpFirewall create() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(ASSIGNED_AND_NOT_CONTROL);
        firewall.setAllowedHeaderValues(HEADER_VALUE);
        firewall.setAllowedParameterNames(ASSIGNED_AND_NOT_CONTROL);
        return firewall;
    }

    static boolean assignedAndNotControl(String value, boolean tabAllowed) {
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED
                    || (type == Character.CONTROL && !(tabAllowed && codePoint == '\t'))) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
