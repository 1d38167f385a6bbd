package io.tokenmeter.dashboard.status.web;

import io.tokenmeter.dashboard.status.StatusProjection;
import java.security.Principal;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed-in user's status (CONTRACT §3.3). The user is the token's {@code sub}, compared
 * case-sensitively. Answers carry an ETag, so a page polling with {@code If-None-Match} gets a
 * bodiless 304 until something changed.
 */
@RestController
class StatusController {

    private final StatusProjection projection;
    private final StatusCache cache;

    StatusController(StatusProjection projection, StatusCache cache) {
        this.projection = projection;
        this.cache = cache;
    }

    @GetMapping("/api/subscription/status")
    ResponseEntity<StatusDocument> status(
            Principal user,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        StatusCache.CachedStatus answer = cache.get(user.getName(), projection::statusOf);
        if (answer.etag().equals(ifNoneMatch)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                    .eTag(answer.etag())
                    .cacheControl(CacheControl.noCache().cachePrivate())
                    .build();
        }
        return ResponseEntity.ok()
                .eTag(answer.etag())
                .cacheControl(CacheControl.noCache().cachePrivate())
                .body(answer.document());
    }
}
